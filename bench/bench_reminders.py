"""10,000 reminders due in the same minute, through a Slack-like workspace cap.

    python -m bench.bench_reminders [--reminders 10000] [--cap 80]
        [--mode both|wired|ledger]
        [--database-url URL] [--strict]

Builds an organisation of --reminders members with a 1on1 tomorrow, makes every member's
reminder due at the same moment, and caps the Slack stand-in's chat.postMessage at --cap per
second (a token bucket holding one second's worth; beyond it Slack answers 429 with
Retry-After). Then the real tick sends everything and the bench checks that every member got
exactly one reminder, and compares the time taken with the time the cap itself allows:
(reminders - the one-second burst) / cap. Target: within 1.1x. Two wirings are measured:

- wired: the messenger as `oneonone serve` builds it (bot/app.py build_core): its Slack client
  answers a 429 with `PausingRateLimitHandler` (handlers/slack/schedule.py), which shares the
  Delivery ledger's gate, so a 429 pauses every send of the process for exactly Retry-After
  and they resume together;
- ledger: a client that leaves 429s to the Delivery ledger, which pauses and retries the same
  way one level up.

Uses a fresh SQLite file unless --database-url names an *empty* database.
Exit status: 1 when a reminder is lost or sent twice, 2 with --strict when a measured wiring
misses the target, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from bot.app import build_core, prepare_database
from bot.config import Settings
from bot.container import Services, build_services
from bot.features.org.people import PeopleService
from bot.features.schedule.slots import Kind, delivery_key
from bot.ports import Messenger
from bot.standin.slack_api import SlackStandin
from handlers.slack.messenger import SlackMessenger
from storage.db import Database
from storage.models import DeliveryStatus

TARGET_RATIO = 1.1
TABLES = SQLModel.metadata.tables
CHUNK = 5_000


@dataclass(frozen=True)
class Result:
    mode: str
    reminders: int
    elapsed: float
    ideal: float
    delivered: int
    duplicates: int
    rate_limited: int

    @property
    def ratio(self) -> float:
        return self.elapsed / self.ideal if self.ideal > 0 else float("inf")


async def _insert(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with db.engine.begin() as conn:
            await conn.execute(sa.insert(TABLES[table]), rows[start : start + CHUNK])


async def populate(db: Database, count: int, now: datetime) -> list[str]:
    """A leader, `count` members each with a 1on1 tomorrow, and every member's reminder due
    now. Reminders may arrive at any hour, so the bench does not depend on when it runs."""
    members = [f"U{i:08d}" for i in range(count)]
    await _insert(
        db,
        "setting",
        [
            {"key": key, "value": value, "updated_at": now}
            for key, value in (
                ("schedule.window", "00:00-24:00"),
                ("schedule.working_days", "mon-sun"),
                ("schedule.holidays", "none"),
            )
        ],
    )
    people = [("lead@example.com", "ULEAD0000")] + [
        (f"m{i}@example.com", slack_id) for i, slack_id in enumerate(members)
    ]
    await _insert(
        db,
        "person",
        [
            {
                "email": email,
                "name": slack_id,
                "department": "",
                "slack_id": slack_id,
                "role": "member",
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for email, slack_id in people
        ],
    )
    await _insert(
        db,
        "pair",
        [
            {
                "leader_id": 1,
                "member_id": i + 2,
                "kind": "manager",
                "duration_minutes": 30,
                "active": True,
                "created_at": now,
            }
            for i in range(count)
        ],
    )
    await _insert(
        db,
        "slot",
        [
            {
                "pair_id": i + 1,
                "starts_at": now + timedelta(days=1),
                "duration_minutes": 30,
                "state": "planned",
                "created_at": now,
            }
            for i in range(count)
        ],
    )
    await _insert(
        db,
        "delivery",
        [
            {
                "key": delivery_key(Kind.member_reminder, i + 1),
                "kind": Kind.member_reminder.value,
                "person_id": i + 2,
                "slot_id": i + 1,
                "due_at": now - timedelta(seconds=i % 60),
                "status": "pending",
                "attempts": 0,
            }
            for i in range(count)
        ],
    )
    return members


def settings_for(standin: SlackStandin, url: str) -> Settings:
    return Settings(
        slack_bot_token=standin.token,
        slack_signing_secret="bench",
        slack_api_url=standin.api_url,
        database_url=url,
        _env_file=None,
    )


async def build(mode: str, standin: SlackStandin, url: str) -> Services:
    settings = settings_for(standin, url)
    if mode == "wired":
        return await build_core(settings)
    db = Database(url)
    await prepare_database(db)
    handlers: list[AsyncRetryHandler] = [
        AsyncConnectionErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=3),
    ]
    client = AsyncWebClient(token=standin.token, base_url=standin.api_url, retry_handlers=handlers)

    def factory(people: PeopleService) -> Messenger:
        return SlackMessenger(client, people)

    return build_services(
        db, messenger_factory=factory, default_locale="ja", default_timezone="Asia/Tokyo"
    )


async def pending(db: Database) -> int:
    delivery = TABLES["delivery"]
    async with db.engine.connect() as conn:
        result = await conn.execute(
            sa.select(sa.func.count())
            .select_from(delivery)
            .where(delivery.c.status == DeliveryStatus.pending.value)
        )
        return int(result.scalar_one())


async def measure(mode: str, url: str, args: argparse.Namespace) -> Result:
    async with SlackStandin() as standin:
        services = await build(mode, standin, url)
        db = services.db
        try:
            now = datetime.now(UTC)
            members = await populate(db, args.reminders, now)
            for slack_id in members:
                standin.add_user(slack_id, name=slack_id)
            standin.set_rate_cap("chat.postMessage", per_second=args.cap)
            print(f"[{mode}] {args.reminders:,} reminders due; cap {args.cap}/s", flush=True)
            started = time.monotonic()
            passes = 0
            while await pending(db) and passes < 100:
                await services.tick.run(now + timedelta(seconds=time.monotonic() - started))
                passes += 1
            calls = standin.calls_to("chat.postMessage")
            sent = [c for c in calls if c.ok]
            per_member = Counter(c.args["channel"] for c in sent)
            finished = max((c.at for c in sent), default=started)
            burst = max(1.0, float(args.cap))
            return Result(
                mode=mode,
                reminders=args.reminders,
                elapsed=finished - started,
                ideal=max(args.reminders - burst, 1.0) / args.cap,
                delivered=len(set(per_member) & set(members)),
                duplicates=sum(n - 1 for n in per_member.values()),
                rate_limited=sum(1 for c in calls if c.status == 429),
            )
        finally:
            await db.dispose()


async def run(args: argparse.Namespace) -> int:
    modes = ("wired", "ledger") if args.mode == "both" else (args.mode,)
    results: list[Result] = []
    for mode in modes:
        if args.database_url:
            url = args.database_url
            results.append(await measure(mode, url, args))
            continue
        with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
            results.append(await measure(mode, f"sqlite:///{Path(tmp) / 'r.db'}", args))
    broken = False
    for r in results:
        print(
            f"[{r.mode}] delivered {r.delivered:,}/{r.reminders:,}, sent twice {r.duplicates}, "
            f"429 answers {r.rate_limited:,}; {r.elapsed:.1f} s against {r.ideal:.1f} s the cap "
            f"allows: ratio {r.ratio:.3f} (target <= {TARGET_RATIO})",
            flush=True,
        )
        broken |= r.delivered != r.reminders or r.duplicates != 0
    if broken:
        print("verdict: FAILED (a reminder was lost or sent twice)")
        return 1
    missed = [r.mode for r in results if r.ratio > TARGET_RATIO]
    print("verdict: " + ("target met" if not missed else f"target missed: {', '.join(missed)}"))
    return 2 if missed and args.strict else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--cap", type=float, default=80.0)
    parser.add_argument("--mode", choices=("both", "wired", "ledger"), default="both")
    parser.add_argument(
        "--database-url", default=None, help="an empty database (default: a fresh SQLite file)"
    )
    parser.add_argument("--strict", action="store_true")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
