"""One tick pass over a large organisation with nothing due.

    python -m bench.bench_tick [--pairs 100000] [--slots-per-pair 3] [--passes 30]
        [--backend sqlite|postgresql|both] [--postgresql-url URL] [--strict]

Builds, on each backend, an organisation of --pairs manager pairs (one leader per ten
members), every pair with a biweekly cadence and --slots-per-pair planned slots ahead, each
with the five reminders the schedule plans for it (pending, due later), plus one held slot of
history per pair with its sent reminders. Nothing is due at the measured moment. Then it runs
the real tick (every feature's producers, the ledger's claim, forgetting old events) --passes
times and prints the median, p95 and worst pass, the time each producer takes, and the query
plans the schedule relies on. Target: a pass under 50 ms.

PostgreSQL comes from --postgresql-url (an admin URL; a throwaway database is created and
dropped) or the local server; when it is unreachable that backend is skipped with a note.
Exit status: 1 on errors, 2 with --strict when a pass misses the target, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from bot.container import Services, build_services
from bot.features.org.catalog import ensure_builtin_catalog
from bot.features.schedule.slots import SLOT_KINDS, delivery_key
from handlers.slack.messenger import SlackMessenger
from storage.db import Database
from storage.migrate import upgrade

TARGET_MS = 50.0
DEFAULT_PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
CHUNK = 20_000
TABLES = SQLModel.metadata.tables
RULE = "DTSTART:20260106T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"


def chunks(rows: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _sqlite_value(value: Any) -> Any:
    # As SQLAlchemy stores them: naive UTC text for datetimes, 0/1 for booleans.
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    if isinstance(value, bool):
        return int(value)
    return value


async def insert(db: Database, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk load with the driver's fastest path (COPY on PostgreSQL): this is set-up only."""
    if not rows:
        return
    columns = list(rows[0])
    if db.is_sqlite:
        path = str(db.url.database)
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)

        def load() -> None:
            with contextlib.closing(sqlite3.connect(path)) as con:
                con.executemany(
                    f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                    ([_sqlite_value(row[c]) for c in columns] for row in rows),
                )
                con.commit()

        await asyncio.to_thread(load)
        return
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        for part in chunks(rows):
            await driver.copy_records_to_table(
                table.name,
                records=[tuple(row[c] for c in columns) for row in part],
                columns=columns,
            )


async def populate(db: Database, *, pairs: int, per_pair: int, now: datetime) -> int:
    """The organisation; returns the number of delivery rows."""
    leaders = max(1, pairs // 10)
    people = [
        {
            "email": f"p{i}@example.com",
            "name": f"Person {i}",
            "department": "営業部",
            "slack_id": f"U{i:09d}",
            "role": "member",
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(leaders + pairs)
    ]
    await insert(db, TABLES["person"], people)
    await insert(
        db,
        TABLES["pair"],
        [
            {
                "leader_id": 1 + (i % leaders),
                "member_id": 1 + leaders + i,
                "kind": "manager",
                "rrule": RULE,
                "timezone": "Asia/Tokyo",
                "duration_minutes": 30,
                "active": True,
                "created_at": now,
                "materialized_until": now + timedelta(weeks=6),
            }
            for i in range(pairs)
        ],
    )
    # One held 1on1 a month ago per pair (long since reflected on), then the planned ones.
    held: list[dict[str, Any]] = [
        {
            "pair_id": pair_id,
            "starts_at": now - timedelta(days=30, minutes=pair_id % 600),
            "duration_minutes": 30,
            "state": "held",
            "created_at": now,
            "answered_at": now - timedelta(days=30, minutes=pair_id % 600),
            "reflection_requested_at": now - timedelta(days=30, minutes=pair_id % 600),
            "memo_platform": "slack",
            "memo_conversation": "G1",
            "memo_message_id": "1.0",
        }
        for pair_id in range(1, pairs + 1)
    ]
    ahead: list[dict[str, Any]] = [
        {
            "pair_id": pair_id,
            "starts_at": now + timedelta(days=2 + 14 * n, minutes=pair_id % 600),
            "duration_minutes": 30,
            "state": "planned",
            "created_at": now,
        }
        for n in range(per_pair)
        for pair_id in range(1, pairs + 1)
    ]
    await insert(db, TABLES["slot"], held)
    await insert(db, TABLES["slot"], ahead)
    slots = held + ahead
    deliveries: list[dict[str, Any]] = []
    for slot_id, slot in enumerate(slots, start=1):
        done = slot["state"] == "held"
        for k, kind in enumerate(SLOT_KINDS):
            due = slot["starts_at"] + timedelta(minutes=15 * k - 30)
            deliveries.append(
                {
                    "key": delivery_key(kind, slot_id),
                    "kind": kind.value,
                    "person_id": 1 + (slot["pair_id"] % (leaders + pairs)),
                    "slot_id": slot_id,
                    "due_at": due,
                    "status": "sent" if done else "pending",
                    "attempts": 1 if done else 0,
                    "sent_at": due if done else None,
                }
            )
    await insert(db, TABLES["delivery"], deliveries)
    if db.is_postgresql:
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(sa.text("ANALYZE"))
    return len(deliveries)


def services_for(db: Database) -> Services:
    # Nothing is due: the messenger is never called.
    return build_services(
        db,
        messenger_factory=lambda people: SlackMessenger(AsyncWebClient(token="unused"), people),
        default_locale="ja",
        default_timezone="Asia/Tokyo",
    )


class Timed:
    """Wraps a producer to time it inside the real pass."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = type(inner).__name__
        self.times: list[float] = []

    async def enqueue_due(self, now: datetime) -> int:
        started = time.perf_counter()
        try:
            return int(await self.inner.enqueue_due(now))
        finally:
            self.times.append((time.perf_counter() - started) * 1000)


async def plans(db: Database, now: datetime) -> list[str]:
    delivery, pair = TABLES["delivery"], TABLES["pair"]
    statements = {
        "ledger claim": sa.select(delivery.c.id)
        .where(delivery.c.status == "pending", delivery.c.due_at <= now)
        .order_by(delivery.c.due_at, delivery.c.id)
        .limit(100),
        "pairs to top up": sa.select(pair.c.id)
        .where(pair.c.active == sa.true(), pair.c.materialized_until < now + timedelta(weeks=4))
        .limit(1),
    }
    found: list[str] = []
    async with db.engine.connect() as conn:
        for name, statement in statements.items():
            compiled = statement.compile(
                db.engine.sync_engine, compile_kwargs={"literal_binds": True}
            )
            explain = "EXPLAIN" if db.is_postgresql else "EXPLAIN QUERY PLAN"
            rows = (await conn.execute(sa.text(f"{explain} {compiled}"))).all()
            text = " / ".join(" ".join(str(c) for c in row if c is not None) for row in rows)
            found.append(f"  plan, {name}: {text}")
    return found


async def measure(url: str, label: str, args: argparse.Namespace) -> tuple[bool, list[float]]:
    db = Database(url)
    try:
        await upgrade(db)
        await ensure_builtin_catalog(db)
        now = datetime.now(UTC).replace(microsecond=0)
        started = time.perf_counter()
        rows = await populate(db, pairs=args.pairs, per_pair=args.slots_per_pair, now=now)
        print(
            f"[{label}] {args.pairs:,} pairs, {args.pairs * (args.slots_per_pair + 1):,} slots, "
            f"{rows:,} deliveries built in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        services = services_for(db)
        tick = services.tick
        timed = [Timed(p) for p in tick._producers]
        tick._producers = list(timed)  # time each producer inside the real pass
        first = await tick.run(now)  # the first pass also frees orphaned claims
        if first.enqueued or first.sent or first.failed:
            print(f"[{label}] ERROR: something was due: {first}")
            return False, []
        for producer in timed:
            producer.times.clear()
        passes: list[float] = []
        for i in range(args.passes):
            at = now + timedelta(seconds=1 + i)
            started = time.perf_counter()
            report = await tick.run(at)
            passes.append((time.perf_counter() - started) * 1000)
            if report.enqueued or report.sent or report.failed or report.retried:
                print(f"[{label}] ERROR: pass {i} found work: {report}")
                return False, passes
        for line in await plans(db, now):
            print(f"[{label}]{line}")
        for producer in timed:
            print(
                f"[{label}]   producer {producer.name}: median "
                f"{statistics.median(producer.times):.1f} ms"
            )
        ordered = sorted(passes)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(
            f"[{label}] one tick pass with nothing due: median {statistics.median(passes):.1f} ms,"
            f" p95 {p95:.1f} ms, worst {max(passes):.1f} ms (target < {TARGET_MS:.0f} ms)",
            flush=True,
        )
        return True, passes
    finally:
        await db.dispose()


async def _admin(url: str, statement: str) -> None:
    engine = Database(url).engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


async def run(args: argparse.Namespace) -> int:
    ok = True
    medians: dict[str, float] = {}
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="bench-tick-") as tmp:
            good, passes = await measure(f"sqlite:///{Path(tmp) / 'tick.db'}", "sqlite", args)
            ok &= good
            if passes:
                medians["sqlite"] = statistics.median(passes)
    if args.backend in ("postgresql", "both"):
        admin = args.postgresql_url
        name = f"bench_tick_{uuid.uuid4().hex[:8]}"
        try:
            await _admin(admin, f'CREATE DATABASE "{name}"')
        except Exception as exc:
            print(f"[postgresql] skipped: {make_url(admin).render_as_string()} unreachable ({exc})")
        else:
            try:
                url = make_url(admin).set(database=name).render_as_string(hide_password=False)
                good, passes = await measure(url, "postgresql", args)
                ok &= good
                if passes:
                    medians["postgresql"] = statistics.median(passes)
            finally:
                await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if not ok:
        return 1
    missed = [label for label, median in medians.items() if median >= TARGET_MS]
    verdict = "target met" if not missed else f"target missed on {', '.join(missed)}"
    print(f"verdict: {verdict}")
    return 2 if missed and args.strict else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--slots-per-pair", type=int, default=3)
    parser.add_argument("--passes", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgresql-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--strict", action="store_true")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
