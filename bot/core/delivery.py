"""The Delivery ledger: every outbound reminder goes out exactly once, however many replicas.

Producers enqueue rows under a unique key (inserting the same key twice is a no-op). The tick
claims due rows with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer
at a time anyway), sends them outside any transaction, and records the outcome. A process that
dies after claiming leaves the lease to expire, and another pass sends the row then: at most
the one row in flight at a crash can go out twice, none is lost. The lease is short (a
minute) and a live worker renews it while its sends are under way, so a dead replica's claims
pass to the others within a minute however long a batch takes. A process restarted on the
same host does not wait for the lease: it frees the rows of its dead predecessors at once.

The hot path of every pass is one range scan of `ix_delivery_status_due_at`: rows that are not
due yet cost nothing, however many there are.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.metrics import Metrics
from bot.ports import DeliveryFailed
from storage.db import Database, insert_in
from storage.models import Delivery, DeliveryStatus

logger = logging.getLogger("oneonone.delivery")

# A claimed row not marked sent within this long is taken to be orphaned by a dead process;
# the worker holding it renews it every quarter of this while it works.
LEASE = timedelta(minutes=1)
MAX_ATTEMPTS = 6
CLAIM_BATCH = 100
# One send at a time per process: chat APIs take no idempotency key, so every send in flight
# when a process dies may be repeated; one at a time keeps that to one message. Slack's own
# limits (about one message a second per conversation, a few hundred a minute per workspace)
# leave little to gain from more; replicas add their own sends.
SEND_CONCURRENCY = 1
# A rate-limited send waits out Retry-After and tries again this often before it counts as a
# failed attempt (the platform client may already have retried it itself).
RATE_LIMIT_RETRIES = 20


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Held:
    """When a batch's lease was last stamped (monotonic seconds), by claim or renewal."""

    since: float


class _LeaseRunningOut(Exception):
    """A send held up (by rate limits) for so long that the row's lease is half gone."""


class DeliveryDeferred(Exception):
    """Raised by a sender: not now (e.g. the recipient's quiet hours), try again at `until`."""

    def __init__(self, until: datetime, reason: str = "deferred") -> None:
        super().__init__(reason)
        self.until = until
        self.reason = reason


class DeliveryCancelled(Exception):
    """Raised by a sender: this message is no longer wanted (its slot moved on); never send."""

    def __init__(self, reason: str = "obsolete") -> None:
        super().__init__(reason)
        self.reason = reason


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    person_id: int,
    due_at: datetime,
    slot_id: int | None = None,
    payload: Mapping[str, Any] | None = None,
    replace: bool = False,
) -> bool:
    """Add a delivery unless one with this key exists; True when this call added (or changed)
    it.

    With `replace`, a row that is still pending (or was cancelled) takes the new due time and
    payload and is pending again: plans change, and a replanned slot keeps its keys. A row that
    was sent or failed for good is never touched.
    """
    values = {
        "key": key,
        "kind": kind,
        "person_id": person_id,
        "slot_id": slot_id,
        "due_at": due_at,
        "status": DeliveryStatus.pending,
        "attempts": 0,
        "payload": json.dumps(payload, ensure_ascii=False) if payload is not None else None,
    }
    stmt = insert_in(session, Delivery).values(**values)
    if replace:
        revived = col(Delivery.status) == DeliveryStatus.cancelled
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "due_at": stmt.excluded.due_at,
                "payload": stmt.excluded.payload,
                "person_id": stmt.excluded.person_id,
                "slot_id": stmt.excluded.slot_id,
                "status": DeliveryStatus.pending,
                # A cancelled row may still carry an old claim; a pending one keeps its own.
                "claimed_at": sa.case((revived, sa.null()), else_=col(Delivery.claimed_at)),
                "claimed_by": sa.case((revived, sa.null()), else_=col(Delivery.claimed_by)),
            },
            where=col(Delivery.status).in_([DeliveryStatus.pending, DeliveryStatus.cancelled]),
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=["key"])
    result = await session.exec(stmt)
    return bool(result.rowcount)


async def cancel_pending(session: AsyncSession, keys: Sequence[str]) -> int:
    """Cancel the still-pending deliveries with these keys (found through the unique key)."""
    if not keys:
        return 0
    result = await session.exec(
        sa.update(Delivery)
        .where(col(Delivery.key).in_(list(keys)), col(Delivery.status) == DeliveryStatus.pending)
        .values(status=DeliveryStatus.cancelled, last_error="cancelled")
    )
    return int(result.rowcount)


def payload_of(delivery: Delivery) -> dict[str, Any]:
    data = json.loads(delivery.payload) if delivery.payload else {}
    return data if isinstance(data, dict) else {}


class DueWorkProducer(Protocol):
    """Finds work that has become due and enqueues deliveries for it (idempotently)."""

    async def enqueue_due(self, now: datetime) -> int: ...


class DeliverySender(Protocol):
    """Sends deliveries of one kind; raises DeliveryFailed when the platform refuses,
    DeliveryDeferred to try later, DeliveryCancelled when the message is no longer wanted."""

    async def send(self, delivery: Delivery, now: datetime) -> None: ...


@dataclass(frozen=True)
class DeliveryOutcome:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0
    cancelled: int = 0


class SendGate:
    """One rate-limit answer pauses every send of this process for its Retry-After.

    Without it each concurrent send would find the limit on its own and keep knocking; with
    it the whole process waits once and resumes together when the platform said it may.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0

    def pause(self, seconds: float) -> None:
        self._until = max(self._until, self._clock() + max(seconds, 0.0))

    @property
    def remaining(self) -> float:
        return max(0.0, self._until - self._clock())

    async def wait(self) -> None:
        # A loop, not an Event: another 429 can push the deadline later while we sleep.
        while (left := self._until - self._clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(left)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed process nobody has reaped yet still answers kill(0); it is dead all the same.
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _host_and_pid(worker_id: str) -> tuple[str, int] | None:
    """`host:pid:tag` as `container.worker_id()` writes it."""
    parts = worker_id.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


class DeliveryLedger:
    def __init__(
        self,
        db: Database,
        metrics: Metrics,
        *,
        worker_id: str,
        lease: timedelta = LEASE,
        concurrency: int = SEND_CONCURRENCY,
        claim_batch: int = CLAIM_BATCH,
        wall: Callable[[], datetime] = wall_clock,
    ) -> None:
        self._db = db
        # Leases run on the real clock, whatever time a pass works for (`oneonone tick --at`
        # in the past or future must not make a live replica take its rows for orphans, or
        # leave rows looking claimed for days).
        self._wall = wall
        self._metrics = metrics
        self.worker_id = worker_id
        self.lease = lease
        self.concurrency = concurrency
        self.claim_batch = claim_batch
        self.gate = SendGate()
        self._to_mark: list[tuple[int, datetime, asyncio.Future[None]]] = []
        self._marking: asyncio.Task[None] | None = None
        metrics.describe(
            "oneonone_deliveries_total",
            "Outbound deliveries by kind and outcome",
            labels=("kind", "outcome"),
        )
        metrics.describe(
            "oneonone_delivery_errors_total",
            "Platform errors while delivering, by kind and error code",
            labels=("kind", "code"),
        )
        metrics.describe(
            "oneonone_delivery_rate_limited_total",
            "Rate-limit answers that paused this process's sending",
        )

    async def claim(self, now: datetime, limit: int | None = None) -> list[Delivery]:
        """Lease up to `limit` rows due at `now` to this worker."""
        leased_at = self.wall()
        async with self._db.write() as session:
            stmt = (
                select(Delivery)
                .where(
                    Delivery.status == DeliveryStatus.pending,
                    col(Delivery.due_at) <= now,
                    sa.or_(
                        col(Delivery.claimed_at).is_(None),
                        col(Delivery.claimed_at) < leased_at - self.lease,
                    ),
                )
                .order_by(col(Delivery.due_at), col(Delivery.id))
                .limit(limit or self.claim_batch)
            )
            if self._db.is_postgresql:
                stmt = stmt.with_for_update(skip_locked=True)
            rows = list((await session.exec(stmt)).all())
            for row in rows:
                row.claimed_by = self.worker_id
                row.claimed_at = leased_at
                row.attempts += 1
                session.add(row)
            return rows

    async def mark_sent(self, delivery_id: int, now: datetime) -> None:
        """Record a send. Concurrent sends share one transaction (a group commit); each
        caller returns only once its own row is stored as sent."""
        done = asyncio.get_running_loop().create_future()
        self._to_mark.append((delivery_id, now, done))
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._mark_pending())
        await done

    async def _mark_pending(self) -> None:
        while self._to_mark:
            batch, self._to_mark = self._to_mark, []
            try:
                async with self._db.write() as session:
                    await session.exec(
                        sa.update(Delivery)
                        .where(col(Delivery.id).in_([delivery_id for delivery_id, _, _ in batch]))
                        .values(
                            status=DeliveryStatus.sent,
                            sent_at=max(now for _, now, _ in batch),
                            last_error=None,
                        )
                    )
            except Exception as exc:
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def mark_failed(self, delivery: Delivery, error: DeliveryFailed, now: datetime) -> bool:
        """Record a failure; True when the row will be tried again."""
        retry = not error.permanent and delivery.attempts < MAX_ATTEMPTS
        wait = backoff(delivery.attempts)
        if error.retry_after is not None:
            wait = max(wait, timedelta(seconds=error.retry_after))
        values: dict[str, Any] = {"last_error": error.code[:200]}
        if retry:
            values |= {"due_at": now + wait, "claimed_at": None, "claimed_by": None}
        else:
            values |= {"status": DeliveryStatus.failed}
        async with self._db.write() as session:
            await session.exec(
                sa.update(Delivery).where(col(Delivery.id) == delivery.id).values(**values)
            )
        return retry

    async def defer(self, delivery: Delivery, until: datetime) -> None:
        """Not now: due again at `until`, and the claim did not count as an attempt."""
        async with self._db.write() as session:
            await session.exec(
                sa.update(Delivery)
                .where(col(Delivery.id) == delivery.id)
                .values(
                    due_at=until,
                    claimed_at=None,
                    claimed_by=None,
                    attempts=self._db.greatest(col(Delivery.attempts) - 1, 0),
                )
            )

    async def cancel(self, delivery: Delivery, reason: str) -> None:
        async with self._db.write() as session:
            await session.exec(
                sa.update(Delivery)
                .where(col(Delivery.id) == delivery.id)
                .values(status=DeliveryStatus.cancelled, last_error=reason[:200])
            )

    async def release(self, delivery: Delivery) -> None:
        """Give a claimed row back unsent, for this or another worker to claim again."""
        async with self._db.write() as session:
            await session.exec(
                sa.update(Delivery)
                .where(
                    col(Delivery.id) == delivery.id,
                    col(Delivery.claimed_by) == self.worker_id,
                    col(Delivery.status) == DeliveryStatus.pending,
                )
                # Given back unsent: the claim did not count as an attempt (as in defer()).
                .values(
                    claimed_at=None,
                    claimed_by=None,
                    attempts=self._db.greatest(col(Delivery.attempts) - 1, 0),
                )
            )

    def wall(self) -> datetime:
        """The real time leases are stamped and checked with."""
        return self._wall()

    async def release_orphans(self, now: datetime) -> int:
        """Free rows claimed by dead processes of this host (e.g. the one this process
        replaces after a crash), instead of waiting for their lease to run out."""
        me = _host_and_pid(self.worker_id)
        if me is None:
            return 0
        host, my_pid = me
        async with self._db.read() as session:
            # Claimed rows were due when claimed: the (status, due_at) index finds them.
            owners = (
                await session.exec(
                    select(Delivery.claimed_by)
                    .where(
                        Delivery.status == DeliveryStatus.pending,
                        col(Delivery.due_at) <= now,
                        col(Delivery.claimed_by).is_not(None),
                    )
                    .distinct()
                )
            ).all()
        dead: list[str] = []
        for owner in owners:
            if owner is None or owner == self.worker_id:
                continue
            found = _host_and_pid(owner)
            if found is None or found[0] != host:
                continue
            # Our own pid under another tag is an earlier incarnation (a restarted container).
            if found[1] == my_pid or not _pid_alive(found[1]):
                dead.append(owner)
        if not dead:
            return 0
        async with self._db.write() as session:
            result = await session.exec(
                sa.update(Delivery)
                .where(
                    col(Delivery.claimed_by).in_(dead),
                    col(Delivery.status) == DeliveryStatus.pending,
                )
                .values(claimed_at=None, claimed_by=None)
            )
            released = int(result.rowcount)
        logger.warning("released %d deliveries claimed by dead workers %s", released, dead)
        return released

    async def send_due(
        self,
        now: datetime,
        senders: Mapping[str, DeliverySender],
        *,
        should_stop: Callable[[], bool] | None = None,
    ) -> DeliveryOutcome:
        """Claim and send everything due at `now`, a batch at a time.

        A long pass keeps its clock moving (`now` plus the time spent), so later batches are
        stamped with a fresh claim time and other workers do not mistake them for orphans.
        """
        counts: dict[str, int] = {}
        gate = asyncio.Semaphore(self.concurrency)
        started = time.monotonic()

        def clock() -> datetime:
            return now + timedelta(seconds=time.monotonic() - started)

        async def one(delivery: Delivery, held: _Held) -> str:
            async with gate:
                try:
                    self._check_lease(held)
                    return await self._send_one(delivery, clock(), senders, held)
                except _LeaseRunningOut:
                    # Held up so long that the lease is running out: let it be claimed again
                    # rather than risk a second worker sending it alongside us.
                    await self.release(delivery)
                    return "released"

        while not (should_stop is not None and should_stop()):
            batch = await self.claim(clock())
            if not batch:
                break
            held = _Held(time.monotonic())
            renewing = asyncio.create_task(self._keep_leased(batch, held))
            try:
                results = await asyncio.gather(*(one(d, held) for d in batch))
            finally:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
            for result in results:
                counts[result] = counts.get(result, 0) + 1
            if len(batch) < self.claim_batch:
                break
        return DeliveryOutcome(
            sent=counts.get("sent", 0),
            retried=counts.get("retried", 0),
            failed=counts.get("failed", 0),
            deferred=counts.get("deferred", 0),
            cancelled=counts.get("cancelled", 0),
        )

    def _check_lease(self, held: _Held) -> None:
        if time.monotonic() - held.since > self.lease.total_seconds() / 2:
            raise _LeaseRunningOut

    async def _keep_leased(self, batch: Sequence[Delivery], held: _Held) -> None:
        """Renew the lease of the batch's rows still in hand, every quarter lease, until the
        batch is done. A renewal that fails leaves `held` as it was: the sends stop once half
        the lease is gone, before another worker may take the rows."""
        period = self.lease.total_seconds() / 4
        if period <= 0:
            return
        ids = [d.id for d in batch if d.id is not None]
        while True:
            await asyncio.sleep(period)
            started = time.monotonic()
            try:
                await self.renew(ids)
            except Exception as exc:
                logger.warning(
                    "could not renew the lease of %d deliveries (%s)", len(ids), type(exc).__name__
                )
            else:
                held.since = started

    async def renew(self, ids: Sequence[int]) -> None:
        """Stamp this worker's claims on these rows (those still pending) with the time."""
        async with self._db.write() as session:
            await session.exec(
                sa.update(Delivery)
                .where(
                    col(Delivery.id).in_(ids),
                    col(Delivery.claimed_by) == self.worker_id,
                    col(Delivery.status) == DeliveryStatus.pending,
                )
                .values(claimed_at=self.wall())
            )

    async def _attempt(
        self, delivery: Delivery, now: datetime, sender: DeliverySender, held: _Held
    ) -> None:
        """One send, waiting out rate limits together with every other send of the process;
        the lease is checked again after every wait."""
        for _ in range(RATE_LIMIT_RETRIES):
            await self.gate.wait()
            self._check_lease(held)
            try:
                await sender.send(delivery, now)
                return
            except DeliveryFailed as error:
                if error.permanent or error.retry_after is None:
                    raise
                self.gate.pause(error.retry_after)
                self._metrics.inc("oneonone_delivery_rate_limited_total")
        await self.gate.wait()
        self._check_lease(held)
        await sender.send(delivery, now)

    async def _send_one(
        self,
        delivery: Delivery,
        now: datetime,
        senders: Mapping[str, DeliverySender],
        held: _Held,
    ) -> str:
        assert delivery.id is not None
        sender = senders.get(delivery.kind)
        kind = delivery.kind
        try:
            if sender is None:
                raise DeliveryFailed(f"no_sender:{kind}", permanent=True)
            await self._attempt(delivery, now, sender, held)
        except _LeaseRunningOut:
            raise
        except DeliveryDeferred as deferred:
            await self.defer(delivery, deferred.until)
            self._metrics.inc("oneonone_deliveries_total", kind=kind, outcome="deferred")
            logger.debug("delivery %s (%s) deferred: %s", delivery.id, kind, deferred.reason)
            return "deferred"
        except DeliveryCancelled as cancelled:
            await self.cancel(delivery, cancelled.reason)
            self._metrics.inc("oneonone_deliveries_total", kind=kind, outcome="cancelled")
            logger.info("delivery %s (%s) cancelled: %s", delivery.id, kind, cancelled.reason)
            return "cancelled"
        except DeliveryFailed as error:
            return await self._failed(delivery, error, now)
        except Exception as exc:
            # A bug or an outage in one sender must not stall the rows after it.
            logger.exception("delivery %s (%s) raised %s", delivery.id, kind, type(exc).__name__)
            return await self._failed(
                delivery, DeliveryFailed(type(exc).__name__, permanent=False), now
            )
        await self.mark_sent(delivery.id, now)
        self._metrics.inc("oneonone_deliveries_total", kind=kind, outcome="sent")
        return "sent"

    async def _failed(self, delivery: Delivery, error: DeliveryFailed, now: datetime) -> str:
        retry = await self.mark_failed(delivery, error, now)
        outcome = "retried" if retry else "failed"
        kind = delivery.kind
        self._metrics.inc("oneonone_deliveries_total", kind=kind, outcome=outcome)
        self._metrics.inc("oneonone_delivery_errors_total", kind=kind, code=error.code[:64])
        log = logger.warning if retry else logger.error
        # Ids and codes only: payloads can reference private content.
        log("delivery %s (%s) %s: %s", delivery.id, kind, outcome, error.code)
        return outcome

    async def count(self, *, status: DeliveryStatus | None = None, kind: str | None = None) -> int:
        async with self._db.read() as session:
            stmt = sa.select(sa.func.count()).select_from(Delivery)
            if status is not None:
                stmt = stmt.where(col(Delivery.status) == status)
            if kind is not None:
                stmt = stmt.where(col(Delivery.kind) == kind)
            return int((await session.execute(stmt)).scalar_one())


def senders_by_kind(pairs: Sequence[tuple[str, DeliverySender]]) -> dict[str, DeliverySender]:
    found: dict[str, DeliverySender] = {}
    for kind, sender in pairs:
        if kind in found:
            raise ValueError(f"two senders for delivery kind {kind!r}")
        found[kind] = sender
    return found
