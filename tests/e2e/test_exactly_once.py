"""Exactly once, with real `oneonone serve` processes sharing one database.

(a) Three replicas on one PostgreSQL database deliver 1,000 due reminders, each exactly once.
(b) A replica killed (SIGKILL) in the middle of a fan-out and restarted delivers every reminder:
    none lost, and at most the few that were in flight at the kill go out twice.

The replicas talk to a Slack stand-in running in this test; it counts what reaches Slack.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, select

from bot.config import Settings
from bot.core.delivery import SEND_CONCURRENCY
from bot.features.org.catalog import ensure_builtin_catalog
from bot.features.schedule.slots import Kind, delivery_key
from bot.standin.slack_api import SlackStandin
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Pair, Person, Setting, Slot

SIGNING_SECRET = "exactly-once-secret"
ONEONONE = Path(sys.executable).with_name("oneonone")
STARTUP_TIMEOUT = 60.0
DELIVERY_TIMEOUT = 90.0


class Replicas:
    """`oneonone serve` processes; whatever happens in the test, none outlives it."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = self.workdir / f"serve-{len(self.procs)}.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [str(ONEONONE), "serve"],
                cwd=self.workdir,
                env=self.env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc

    def log(self, index: int) -> str:
        return (self.workdir / f"serve-{index}.log").read_text(errors="replace")

    async def ready(self, index: int) -> None:
        """Wait until the process serves HTTP (its scheduler starts with it)."""
        async with asyncio.timeout(STARTUP_TIMEOUT):
            while not re.search(r"listening on \S+:\d+", self.log(index)):
                if self.procs[index].poll() is not None:
                    raise AssertionError(f"serve exited early:\n{self.log(index)}")
                await asyncio.sleep(0.05)

    def kill_all(self) -> None:
        """Stop every replica at once (SIGKILL): what reached Slack is then final."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[Replicas]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    group = Replicas(tmp_path, env)
    try:
        yield group
    finally:
        for proc in group.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandin]:
    async with SlackStandin() as running:
        yield running


@pytest.fixture
def pg_url(postgresql_url: str) -> str:
    """PostgreSQL only: several writers at once is what SKIP LOCKED is for."""

    async def truncate() -> None:
        db = Database(postgresql_url)
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        async with db.engine.begin() as conn:
            await conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await db.dispose()

    asyncio.run(truncate())
    return postgresql_url


def configure(replicas: Replicas, standin: SlackStandin, database_url: str) -> None:
    replicas.env.update(
        SLACK_BOT_TOKEN=standin.token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT="0",
        ONEONONE_TICK_SECONDS="0.2",
    )


async def prepare(database_url: str, standin: SlackStandin, count: int) -> list[str]:
    """An org of one leader and `count` members with a 1on1 tomorrow; reminders may arrive at
    any hour (the test must not depend on the time of day it runs)."""
    db = Database(database_url)
    now = datetime.now(UTC)
    members = [f"U{i:07d}" for i in range(count)]
    try:
        await ensure_builtin_catalog(db)
        async with db.write() as session:
            for key, value in (
                ("schedule.window", "00:00-24:00"),
                ("schedule.working_days", "mon-sun"),
                ("schedule.holidays", "none"),
            ):
                session.add(Setting(key=key, value=value))
            leader = Person(email="lead@example.com", name="Lead", slack_id="ULEAD0000")
            session.add(leader)
            await session.flush()
            await session.exec(
                sa.insert(Person),
                params=[
                    {
                        "email": f"m{i}@example.com",
                        "name": f"Member {i}",
                        "slack_id": slack_id,
                        "role": "member",
                        "active": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i, slack_id in enumerate(members)
                ],
            )
            ids = (
                await session.exec(
                    select(Person.id)
                    .where(col(Person.slack_id).in_(members))
                    .order_by(col(Person.id))
                )
            ).all()
            await session.exec(
                sa.insert(Pair),
                params=[
                    {
                        "leader_id": leader.id,
                        "member_id": member_id,
                        "kind": "manager",
                        "duration_minutes": 30,
                        "active": True,
                        "created_at": now,
                    }
                    for member_id in ids
                ],
            )
            pairs = (await session.exec(select(Pair.id).order_by(col(Pair.id)))).all()
            await session.exec(
                sa.insert(Slot),
                params=[
                    {
                        "pair_id": pair_id,
                        "starts_at": now + timedelta(days=1),
                        "duration_minutes": 30,
                        "state": "planned",
                        "created_at": now,
                    }
                    for pair_id in pairs
                ],
            )
    finally:
        await db.dispose()
    for slack_id in members:
        standin.add_user(slack_id, name=slack_id)
    return members


async def make_due(database_url: str) -> int:
    """Every slot's member reminder becomes due now (the replicas are already ticking)."""
    db = Database(database_url)
    now = datetime.now(UTC)
    try:
        async with db.write() as session:
            rows = (
                await session.exec(
                    select(Slot.id, Pair.member_id).join(Pair, col(Pair.id) == Slot.pair_id)
                )
            ).all()
            await session.exec(
                sa.insert(Delivery),
                params=[
                    {
                        "key": delivery_key(Kind.member_reminder, slot_id or 0),
                        "kind": Kind.member_reminder.value,
                        "person_id": member_id,
                        "slot_id": slot_id,
                        "due_at": now - timedelta(minutes=1),
                        "status": "pending",
                        "attempts": 0,
                    }
                    for slot_id, member_id in rows
                ],
            )
            return len(rows)
    finally:
        await db.dispose()


async def ledger_state(database_url: str) -> tuple[Counter[str], Counter[str | None]]:
    db = Database(database_url)
    try:
        async with db.read() as session:
            rows = (await session.exec(select(Delivery.status, Delivery.claimed_by))).all()
    finally:
        await db.dispose()
    return Counter(str(status) for status, _ in rows), Counter(owner for _, owner in rows)


def reminders_per_member(standin: SlackStandin, members: list[str]) -> Counter[str]:
    wanted = set(members)
    return Counter(
        c.args["channel"]
        for c in standin.calls_to("chat.postMessage")
        if c.ok and c.args.get("channel") in wanted
    )


async def all_delivered(standin: SlackStandin, members: list[str]) -> None:
    async with asyncio.timeout(DELIVERY_TIMEOUT):
        # The stand-in records calls from other processes; polling is the way to watch them.
        while len(reminders_per_member(standin, members)) < len(members):  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_three_replicas_deliver_a_thousand_reminders_exactly_once(
    pg_url: str, standin: SlackStandin, replicas: Replicas
) -> None:
    members = await prepare(pg_url, standin, 1000)
    configure(replicas, standin, pg_url)
    for _ in range(3):
        replicas.start()
    for index in range(3):
        await replicas.ready(index)

    assert await make_due(pg_url) == 1000
    await all_delivered(standin, members)
    states, _ = await ledger_state(pg_url)
    async with asyncio.timeout(DELIVERY_TIMEOUT):
        while states.get(DeliveryStatus.sent.value, 0) < 1000:
            await asyncio.sleep(0.05)
            states, _ = await ledger_state(pg_url)
    replicas.kill_all()

    sent = reminders_per_member(standin, members)
    assert set(sent) == set(members)
    assert max(sent.values()) == 1, [m for m, n in sent.items() if n > 1][:10]
    assert sum(sent.values()) == 1000
    states, owners = await ledger_state(pg_url)
    assert states == Counter({DeliveryStatus.sent.value: 1000})
    # The work really was shared: more than one replica claimed rows.
    assert len([owner for owner in owners if owner]) >= 2, owners


@pytest.mark.parametrize("count", [400])
async def test_a_replica_killed_mid_fan_out_loses_nothing(
    database_url: str, standin: SlackStandin, replicas: Replicas, count: int
) -> None:
    members = await prepare(database_url, standin, count)
    configure(replicas, standin, database_url)
    first = replicas.start()
    await replicas.ready(0)

    await make_due(database_url)
    await standin.wait_for("chat.postMessage", count=60, timeout=DELIVERY_TIMEOUT)
    first.send_signal(signal.SIGKILL)
    first.wait()
    before = reminders_per_member(standin, members)
    # Killed in the middle: some reminders were out, many were not.
    assert 0 < len(before) < count

    replicas.start()
    await replicas.ready(1)
    await all_delivered(standin, members)
    replicas.kill_all()

    sent = reminders_per_member(standin, members)
    assert set(sent) == set(members), "a reminder was lost"
    twice = sum(n - 1 for n in sent.values())
    assert twice <= SEND_CONCURRENCY, f"{twice} duplicates; at most the in-flight sends may repeat"
    assert "released" in replicas.log(1)  # the restart took over the dead process's claims
