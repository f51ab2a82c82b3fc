"""Correctly signed but odd Slack requests through the real server, counted.

    python -m bench.bench_fuzz [--requests 30000] [--seed N] [--database-url URL]

Sends seeded, oddly changed requests of every kind (bot/standin/fuzz.py) as people who are
party to no pair, and prints the counts the hostile-input work is judged by: requests, 5xx,
404s from a lost ack, tracebacks and error lines in the log, and the content tables a
stranger's requests changed (all zero for bad input). SQLite in a temporary file by default;
--database-url postgresql://... for PostgreSQL (a throwaway database is created there).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from bot.demo import sample_org_csv
from bot.standin.fuzz import FuzzReport, run_fuzz
from storage.db import Database

STRANGERS = ["U01HR0001", "U0NOBODY"]


async def _on_postgresql(admin_url: str, requests: int, seed: int) -> FuzzReport:
    name = f"oneonone_fuzz_{uuid.uuid4().hex[:8]}"
    admin = Database(admin_url).engine.execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = str(sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    try:
        return await run_fuzz(
            url, requests=requests, seed=seed, strangers=STRANGERS, org_csv=sample_org_csv()
        )
    finally:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _run(args: argparse.Namespace) -> FuzzReport:
    if args.database_url:
        return await _on_postgresql(args.database_url, args.requests, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'fuzz.db'}"
        return await run_fuzz(
            url,
            requests=args.requests,
            seed=args.seed,
            strangers=STRANGERS,
            org_csv=sample_org_csv(),
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_fuzz")
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="", help="a PostgreSQL admin URL")
    args = parser.parse_args(argv)
    report = asyncio.run(_run(args))
    print(report.summary())
    for label, count in Counter(report.server_errors + report.lost_acks).most_common(10):
        print(f"  {count:5} x {label}")
    for line, count in Counter(report.error_lines).most_common(10):
        print(f"  {count:5} x {line}")
    bad = report.server_errors or report.lost_acks or report.tracebacks or report.changed_tables
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
