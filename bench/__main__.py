"""Run every benchmark in this package (`make bench`).

    python -m bench [NAME ...]

Each ``bench/bench_*.py`` module's ``main([])`` runs with its own defaults (org import of
10,000 people; the slash command and the Teams command at full size). NAME runs only the
modules whose name contains it. Exits non-zero if any benchmark errored or reported a failure.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import cast


def bench_modules() -> list[str]:
    here = str(Path(__file__).parent)
    return sorted(
        f"bench.{info.name}"
        for info in pkgutil.iter_modules([here])
        if info.name.startswith("bench_")
    )


def run_one(name: str) -> int:
    try:
        module = importlib.import_module(name)
        entry = cast(Callable[[list[str]], int], module.main)
        return entry([])
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    except Exception:
        traceback.print_exc()
        return 1


def main(argv: list[str] | None = None) -> int:
    wanted = sys.argv[1:] if argv is None else argv
    names = [n for n in bench_modules() if not wanted or any(w in n for w in wanted)]
    if not names:
        print(f"no benchmark matches {' '.join(wanted)}", file=sys.stderr)
        return 1
    failed: list[str] = []
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        status = run_one(name)
        elapsed = time.perf_counter() - started
        outcome = "ok" if status == 0 else f"FAILED (exit {status})"
        print(f"--- {name}: {outcome} in {elapsed:.1f} s", flush=True)
        if status != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
