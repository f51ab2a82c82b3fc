"""The Delivery ledger and the tick, on SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bench import bench_reminders, bench_tick
from bot.core.clock import ShiftedClock
from bot.core.delivery import (
    DeliveryCancelled,
    DeliveryDeferred,
    DeliveryLedger,
    SendGate,
    backoff,
    cancel_pending,
    enqueue,
)
from bot.core.events import EventLedger
from bot.core.tick import TickService
from bot.features.schedule.programs import ended_pairs
from bot.metrics import Metrics
from bot.ports import DeliveryFailed
from scheduler import build_scheduler
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Pair, Person

NOW = datetime(2026, 11, 24, 0, 45, tzinfo=UTC)
HOST = socket.gethostname()


def worker(tag: str = "me", pid: int | None = None) -> str:
    return f"{HOST}:{pid if pid is not None else os.getpid()}:{tag}"


async def person(db: Database, email: str = "a@example.com") -> int:
    async with db.write() as session:
        row = Person(email=email, name=email.split("@")[0], slack_id=f"U{abs(hash(email)) % 10**8}")
        session.add(row)
        await session.flush()
        assert row.id is not None
        return row.id


async def add(db: Database, person_id: int, keys: Sequence[str], *, due: datetime = NOW) -> None:
    async with db.write() as session:
        for key in keys:
            await enqueue(session, key=key, kind="test", person_id=person_id, due_at=due)


async def rows(db: Database) -> dict[str, Delivery]:
    async with db.read() as session:
        return {d.key: d for d in (await session.exec(select(Delivery))).all()}


class Recorder:
    """A sender that records what it sent and can be told to fail."""

    def __init__(self, fail: dict[str, Exception] | None = None) -> None:
        self.sent: list[str] = []
        self.fail = dict(fail or {})
        self.at: dict[str, float] = {}

    async def send(self, delivery: Delivery, now: datetime) -> None:
        error = self.fail.get(delivery.key)
        if error is not None:
            raise error
        self.sent.append(delivery.key)
        self.at[delivery.key] = time.monotonic()


def clock_from(start: datetime) -> Callable[[], datetime]:
    """A wall clock that reads `start` now and then runs at real speed.

    Leases are judged on the wall clock, so tests that stamp claims at NOW must give the
    ledger a wall that agrees with NOW, or they start failing once the calendar passes it."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def ledger_of(db: Database, metrics: Metrics | None = None, **kwargs: Any) -> DeliveryLedger:
    kwargs.setdefault("wall", clock_from(NOW))
    return DeliveryLedger(db, metrics or Metrics(), worker_id=worker(), **kwargs)


# --- enqueue ------------------------------------------------------------------------------------


async def test_enqueue_is_idempotent_by_key(db: Database) -> None:
    pid = await person(db)
    async with db.write() as session:
        first = await enqueue(session, key="k", kind="test", person_id=pid, due_at=NOW)
        again = await enqueue(
            session, key="k", kind="test", person_id=pid, due_at=NOW + timedelta(hours=1)
        )

    assert (first, again) == (True, False)
    assert (await rows(db))["k"].due_at == NOW


async def test_replace_moves_pending_revives_cancelled_and_never_touches_sent(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["pending", "cancelled", "sent"])
    async with db.write() as session:
        await cancel_pending(session, ["cancelled"])
        await session.exec(
            sa.update(Delivery).where(col(Delivery.key) == "sent").values(status="sent")
        )
    later = NOW + timedelta(hours=3)
    async with db.write() as session:
        changed = [
            await enqueue(session, key=key, kind="test", person_id=pid, due_at=later, replace=True)
            for key in ("pending", "cancelled", "sent")
        ]

    found = await rows(db)
    assert changed == [True, True, False]
    assert found["pending"].due_at == later
    assert found["cancelled"].status is DeliveryStatus.pending
    assert found["cancelled"].due_at == later
    assert found["sent"].status is DeliveryStatus.sent
    assert found["sent"].due_at == NOW


async def test_cancel_pending_leaves_other_rows(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["a", "b"])

    async with db.write() as session:
        cancelled = await cancel_pending(session, ["a", "missing"])

    found = await rows(db)
    assert cancelled == 1
    assert found["a"].status is DeliveryStatus.cancelled
    assert found["b"].status is DeliveryStatus.pending


# --- claiming -----------------------------------------------------------------------------------


async def test_claim_takes_only_due_rows_and_leases_them(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["due1", "due2"])
    await add(db, pid, ["later"], due=NOW + timedelta(minutes=1))
    ledger = ledger_of(db)

    claimed = await ledger.claim(NOW)
    again = await ledger.claim(NOW)

    assert sorted(d.key for d in claimed) == ["due1", "due2"]
    assert again == []
    found = await rows(db)
    assert found["due1"].claimed_by == ledger.worker_id
    assert found["due1"].attempts == 1
    assert found["later"].claimed_by is None


async def test_an_expired_lease_is_claimed_again(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    wall = [NOW]
    lease = timedelta(minutes=5)
    first = ledger_of(db, wall=lambda: wall[0], lease=lease)
    second = DeliveryLedger(
        db, Metrics(), worker_id=worker("other"), wall=lambda: wall[0], lease=lease
    )

    assert len(await first.claim(NOW)) == 1
    wall[0] = NOW + timedelta(minutes=4)
    assert await second.claim(NOW) == []
    wall[0] = NOW + timedelta(minutes=6)
    taken = await second.claim(NOW)

    assert [d.key for d in taken] == ["k"]
    assert taken[0].attempts == 2


@pytest.mark.parametrize("pass_time", [NOW - timedelta(days=400), NOW + timedelta(days=400)])
async def test_leases_run_on_the_real_clock_whatever_time_a_pass_works_for(
    db: Database, pass_time: datetime
) -> None:
    # `oneonone tick --at` works "as if the clock read" another time; a live replica must
    # neither take its claims for expired orphans nor see rows claimed for days to come.
    pid = await person(db)
    await add(db, pid, ["k"], due=pass_time - timedelta(minutes=1))
    wall = [NOW]
    replay = ledger_of(db, wall=lambda: wall[0])
    live = DeliveryLedger(db, Metrics(), worker_id=worker("live"), wall=lambda: wall[0])

    assert len(await replay.claim(pass_time)) == 1
    assert (await rows(db))["k"].claimed_at == NOW
    assert await live.claim(NOW + timedelta(days=500)) == []  # due, but leased just now
    wall[0] = NOW + timedelta(minutes=6)
    assert [d.key for d in await live.claim(NOW + timedelta(days=500))] == ["k"]


async def test_concurrent_claims_never_share_a_row(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, [f"k{i}" for i in range(60)])
    ledgers = [
        DeliveryLedger(db, Metrics(), worker_id=worker(f"w{i}"), wall=clock_from(NOW))
        for i in range(4)
    ]

    batches = await asyncio.gather(*(ledger.claim(NOW, limit=20) for ledger in ledgers))

    keys = [d.key for batch in batches for d in batch]
    assert len(keys) == len(set(keys)) == 60


# --- sending ------------------------------------------------------------------------------------


async def test_send_due_sends_marks_and_counts(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["a", "b", "c"])
    metrics = Metrics()
    ledger, sender = ledger_of(db, metrics), Recorder()

    outcome = await ledger.send_due(NOW, {"test": sender})
    again = await ledger.send_due(NOW + timedelta(hours=1), {"test": sender})

    assert outcome.sent == 3
    assert again.sent == 0
    assert sorted(sender.sent) == ["a", "b", "c"]
    assert {d.status for d in (await rows(db)).values()} == {DeliveryStatus.sent}
    assert metrics.value("oneonone_deliveries_total", kind="test", outcome="sent") == 3


async def test_a_transient_error_retries_with_backoff(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    ledger = ledger_of(db)
    sender = Recorder({"k": DeliveryFailed("internal_error", permanent=False)})

    outcome = await ledger.send_due(NOW, {"test": sender})

    row = (await rows(db))["k"]
    assert outcome.retried == 1
    assert row.status is DeliveryStatus.pending
    # The pass's clock runs on while it works, so "now" at the failure is a moment later.
    assert NOW + backoff(1) <= row.due_at < NOW + backoff(1) + timedelta(seconds=5)
    assert row.last_error == "internal_error"
    assert row.claimed_by is None
    sender.fail.clear()
    assert (await ledger.send_due(row.due_at, {"test": sender})).sent == 1


async def test_a_permanent_error_stops_and_shows_in_metrics(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    metrics = Metrics()
    ledger = ledger_of(db, metrics)
    sender = Recorder({"k": DeliveryFailed("account_inactive", permanent=True)})

    outcome = await ledger.send_due(NOW, {"test": sender})
    later = await ledger.send_due(NOW + timedelta(days=1), {"test": sender})

    row = (await rows(db))["k"]
    assert outcome.failed == 1
    assert later.failed == 0
    assert row.status is DeliveryStatus.failed
    assert row.last_error == "account_inactive"
    errors = metrics.value("oneonone_delivery_errors_total", kind="test", code="account_inactive")
    assert errors == 1
    assert metrics.value("oneonone_deliveries_total", kind="test", outcome="failed") == 1


async def test_attempts_run_out(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    ledger = ledger_of(db)
    sender = Recorder({"k": DeliveryFailed("internal_error", permanent=False)})

    at = NOW
    for _ in range(10):
        await ledger.send_due(at, {"test": sender})
        at += timedelta(hours=2)

    row = (await rows(db))["k"]
    assert row.status is DeliveryStatus.failed
    assert row.attempts == 6


async def test_a_crashing_sender_does_not_hold_back_the_others(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["bad", "good"])
    ledger = ledger_of(db)
    sender = Recorder({"bad": RuntimeError("bug")})

    outcome = await ledger.send_due(NOW, {"test": sender})

    found = await rows(db)
    assert outcome.sent == 1
    assert outcome.retried == 1
    assert found["bad"].status is DeliveryStatus.pending
    assert found["bad"].last_error == "RuntimeError"


async def test_an_unknown_kind_fails_for_good(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])

    outcome = await ledger_of(db).send_due(NOW, {})

    assert outcome.failed == 1
    assert (await rows(db))["k"].last_error == "no_sender:test"


async def test_deferred_rows_come_back_at_the_time_given_without_an_attempt(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    ledger = ledger_of(db)
    morning = NOW + timedelta(hours=8)
    sender = Recorder({"k": DeliveryDeferred(morning, "quiet_hours")})

    outcome = await ledger.send_due(NOW, {"test": sender})

    row = (await rows(db))["k"]
    assert outcome.deferred == 1
    assert (row.status, row.due_at, row.attempts, row.claimed_by) == (
        DeliveryStatus.pending,
        morning,
        0,
        None,
    )
    sender.fail.clear()
    assert (await ledger.send_due(morning - timedelta(minutes=1), {"test": sender})).sent == 0
    assert (await ledger.send_due(morning, {"test": sender})).sent == 1


async def test_cancelled_rows_are_never_sent(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    ledger = ledger_of(db)
    sender = Recorder({"k": DeliveryCancelled("answered")})

    outcome = await ledger.send_due(NOW, {"test": sender})

    row = (await rows(db))["k"]
    assert outcome.cancelled == 1
    assert (row.status, row.last_error) == (DeliveryStatus.cancelled, "answered")
    assert (await ledger.send_due(NOW + timedelta(days=1), {"test": sender})).cancelled == 0


# --- rate limits --------------------------------------------------------------------------------


class RateLimited:
    """Answers 429 (Retry-After) the first `times` calls, then sends."""

    def __init__(self, times: int, retry_after: float) -> None:
        self.left = times
        self.retry_after = retry_after
        self.calls: list[tuple[str, float]] = []
        self.sent: list[str] = []

    async def send(self, delivery: Delivery, now: datetime) -> None:
        self.calls.append((delivery.key, time.monotonic()))
        if self.left > 0:
            self.left -= 1
            raise DeliveryFailed("ratelimited", permanent=False, retry_after=self.retry_after)
        self.sent.append(delivery.key)


async def test_a_rate_limit_pauses_every_send_of_the_process_then_sends(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, [f"k{i}" for i in range(6)])
    metrics = Metrics()
    ledger = ledger_of(db, metrics, concurrency=1)
    sender = RateLimited(times=1, retry_after=0.2)

    outcome = await ledger.send_due(NOW, {"test": sender})

    assert outcome.sent == 6
    assert sorted(sender.sent) == [f"k{i}" for i in range(6)]
    # Nothing was sent again after the 429: the refused call is retried once, after the pause.
    first_key, refused_at = sender.calls[0]
    retried_at = sender.calls[1][1]
    assert sender.calls[1][0] == first_key
    assert retried_at - refused_at >= 0.2
    assert len(sender.calls) == 7
    assert metrics.value("oneonone_delivery_rate_limited_total") == 1
    assert {d.attempts for d in (await rows(db)).values()} == {1}


async def test_the_gate_holds_every_waiter_until_the_pause_ends() -> None:
    gate = SendGate()
    gate.pause(0.15)
    deadline = time.monotonic() + 0.15
    woke: list[float] = []

    async def waiter() -> None:
        await gate.wait()
        woke.append(time.monotonic())

    await asyncio.gather(waiter(), waiter(), waiter())

    assert len(woke) == 3
    assert min(woke) >= deadline - 0.01
    assert gate.remaining == 0.0


# --- crashed workers ----------------------------------------------------------------------------


def _dead_pid() -> int:
    """A pid no process has: a child that has exited and been reaped."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


async def test_rows_of_a_dead_process_on_this_host_are_released_on_start(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["dead", "alive", "elsewhere", "mine"])
    owners = {
        "dead": worker("old", _dead_pid()),
        "alive": worker("live", os.getppid()),
        "elsewhere": f"another-host:{_dead_pid()}:x",
        "mine": worker("previous-incarnation"),
    }
    async with db.write() as session:
        for key, owner in owners.items():
            await session.exec(
                sa.update(Delivery)
                .where(col(Delivery.key) == key)
                .values(claimed_by=owner, claimed_at=NOW, attempts=1)
            )
    ledger = ledger_of(db)

    released = await ledger.release_orphans(NOW)

    found = await rows(db)
    assert released == 2
    assert found["dead"].claimed_by is None
    assert found["mine"].claimed_by is None
    assert found["alive"].claimed_by == owners["alive"]
    assert found["elsewhere"].claimed_by == owners["elsewhere"]
    assert sorted(d.key for d in await ledger.claim(NOW)) == ["dead", "mine"]


async def test_the_first_tick_releases_orphans_and_sends_them(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    async with db.write() as session:
        await session.exec(
            sa.update(Delivery).values(claimed_by=worker("old", _dead_pid()), claimed_at=NOW)
        )
    sender = Recorder()
    tick = TickService(EventLedger(db), ledger_of(db), [], {"test": sender})

    report = await tick.run(NOW + timedelta(seconds=30))

    assert report.released == 1
    assert report.sent == 1
    assert sender.sent == ["k"]


async def test_a_dead_workers_claims_pass_to_another_within_a_minute(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    wall = [NOW]
    dead = DeliveryLedger(db, Metrics(), worker_id="elsewhere:1:dead", wall=lambda: wall[0])
    other = ledger_of(db, wall=lambda: wall[0])

    assert len(await dead.claim(NOW)) == 1  # ...and then it is killed: it renews nothing
    wall[0] = NOW + timedelta(seconds=50)
    assert await other.claim(NOW) == []
    wall[0] = NOW + timedelta(seconds=61)
    assert [d.key for d in await other.claim(NOW)] == ["k"]


async def test_a_live_worker_renews_its_lease_while_a_slow_send_is_under_way(
    db: Database,
) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    lease, wall = timedelta(seconds=0.4), clock_from(NOW)
    ledger = ledger_of(db, lease=lease, wall=wall)
    other = DeliveryLedger(db, Metrics(), worker_id=worker("other"), lease=lease, wall=wall)
    sending, finish = asyncio.Event(), asyncio.Event()
    stolen: list[str] = []

    class Slow(Recorder):
        async def send(self, delivery: Delivery, now: datetime) -> None:
            sending.set()
            await finish.wait()
            await super().send(delivery, now)

    sender = Slow()
    task = asyncio.create_task(ledger.send_due(NOW, {"test": sender}))
    await sending.wait()
    # Three leases long, another worker keeps looking: the row stays this worker's.
    for _ in range(12):
        await asyncio.sleep(0.1)
        stolen += [d.key for d in await other.claim(NOW)]
    finish.set()
    outcome = await task

    assert stolen == []
    assert outcome.sent == 1
    assert sender.sent == ["k"]


async def test_a_send_held_up_by_rate_limits_past_half_its_lease_is_given_back(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    ledger = ledger_of(db, lease=timedelta(seconds=0.2))

    async def database_away(ids: Sequence[int]) -> None:
        raise OSError("the database is away")

    # The lease cannot be renewed, so the worker gives the row back rather than risk a
    # second worker sending it alongside.
    monkeypatch.setattr(ledger, "renew", database_away)
    sender = Recorder(fail={"k": DeliveryFailed("ratelimited", permanent=False, retry_after=0.3)})

    outcome = await ledger.send_due(NOW, {"test": sender})

    row = (await rows(db))["k"]
    assert outcome.sent == 0
    assert (row.status, row.claimed_by) == (DeliveryStatus.pending, None)
    # Given back for another pass, not counted as a failed attempt with an error.
    assert row.last_error is None
    assert row.attempts == 0
    assert row.due_at == NOW


async def test_a_claim_held_past_half_its_lease_is_given_back_unsent(db: Database) -> None:
    pid = await person(db)
    await add(db, pid, ["k"])
    ledger = ledger_of(db, lease=timedelta(0))
    sender = Recorder()

    outcome = await ledger.send_due(NOW, {"test": sender})

    row = (await rows(db))["k"]
    assert sender.sent == []
    assert outcome.sent == 0
    assert (row.status, row.claimed_by) == (DeliveryStatus.pending, None)
    assert row.attempts == 0  # given back unsent: not an attempt


# --- the tick finds due work through indexes ----------------------------------------------------


async def _plan(db: Database, statement: sa.Select[Any]) -> str:
    compiled = statement.compile(db.engine.sync_engine, compile_kwargs={"literal_binds": True})
    async with db.engine.connect() as conn:
        if db.is_postgresql:
            # The test tables are tiny; ask whether an index *can* answer, as it must at scale.
            await conn.execute(sa.text("SET enable_seqscan = off"))
            result = await conn.execute(sa.text(f"EXPLAIN {compiled}"))
        else:
            result = await conn.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}"))
        return "\n".join(" ".join(str(c) for c in row) for row in result.all())


async def test_the_claim_reads_the_due_index(db: Database) -> None:
    statement = (
        sa.select(Delivery)
        .where(
            col(Delivery.status) == "pending",
            col(Delivery.due_at) <= NOW,
            sa.or_(col(Delivery.claimed_at).is_(None), col(Delivery.claimed_at) < NOW),
        )
        .order_by(col(Delivery.due_at), col(Delivery.id))
        .limit(100)
    )

    plan = await _plan(db, statement)

    assert "ix_delivery_status_due_at" in plan, plan


async def test_the_materializer_probe_reads_the_pair_index(db: Database) -> None:
    statement = (
        sa.select(col(Pair.id))
        .where(col(Pair.active) == sa.true(), col(Pair.materialized_until) < NOW)
        .limit(1)
    )

    plan = await _plan(db, statement)

    assert "ix_pair_active_materialized_until" in plan, plan


async def test_the_ended_pairs_probe_reads_its_own_index(db: Database) -> None:
    # PairEnds asks whether any active pair's last day has passed, on every tick.
    statement = sa.select(col(Pair.id)).where(*ended_pairs(NOW.date())).limit(1)

    plan = await _plan(db, statement)

    assert "ix_pair_ends_on_active" in plan, plan


@pytest.mark.parametrize("attempts", [1, 2, 3, 8, 20])
def test_backoff_doubles_and_is_capped(attempts: int) -> None:
    expected = min(30 * 2 ** (attempts - 1), 3600)

    assert backoff(attempts) == timedelta(seconds=expected)


# --- stopping a replica -------------------------------------------------------------------------


async def test_draining_the_scheduler_finishes_the_batch_and_starts_no_other(db: Database) -> None:
    pid = await person(db)
    # The scheduler's passes read the clock it is given.
    await add(db, pid, ["a", "b", "c"], due=NOW - timedelta(minutes=1))
    started, release = asyncio.Event(), asyncio.Event()
    sent: list[str] = []

    class Slow:
        async def send(self, delivery: Delivery, now: datetime) -> None:
            started.set()
            await release.wait()
            sent.append(delivery.key)

    ledger = ledger_of(db, claim_batch=2)
    scheduler = build_scheduler(
        TickService(EventLedger(db), ledger, [], {"test": Slow()}),
        ShiftedClock(NOW),
        interval_seconds=3600,
    )
    scheduler.start()
    async with asyncio.timeout(5):
        await started.wait()

    draining = asyncio.create_task(scheduler.drain())
    release.set()
    await draining

    found = await rows(db)
    assert not scheduler.running
    # The batch under way was sent and recorded; the next one was never claimed.
    assert sorted(sent) == ["a", "b"]
    assert [found[k].status for k in ("a", "b", "c")] == [
        DeliveryStatus.sent,
        DeliveryStatus.sent,
        DeliveryStatus.pending,
    ]
    assert found["c"].claimed_by is None


# --- the benches still run (tiny sizes; their figures are not checked here) ---------------------


def test_the_tick_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    status = bench_tick.main(["--pairs", "40", "--passes", "3", "--backend", "sqlite"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "one tick pass with nothing due" in out
    assert "ix_delivery_status_due_at" in out


def test_the_reminders_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    status = bench_reminders.main(["--reminders", "30", "--cap", "500", "--mode", "ledger"])

    out = capsys.readouterr().out
    assert status == 0, out
    assert "delivered 30/30, sent twice 0" in out
