"""One scheduler pass: find due work in the database and do it.

Every replica runs the same pass on a timer; claiming happens in the database, so no replica
is special and a pass can also be run by hand (`oneonone tick --at ...`).

A pass with nothing due is a handful of indexed range scans that find nothing: producers look
only at rows an index says are due (e.g. pairs whose planned slots run out soon), and the
ledger's claim reads `ix_delivery_status_due_at`. Nothing in a pass scans all pairs or slots.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.delivery import DeliveryLedger, DeliverySender, DueWorkProducer
from bot.core.events import EVENT_MEMORY, EventLedger

logger = logging.getLogger("oneonone.tick")


@dataclass(frozen=True)
class TickReport:
    enqueued: int
    sent: int
    retried: int
    failed: int
    forgotten_events: int
    deferred: int = 0
    cancelled: int = 0
    released: int = 0


class TickService:
    def __init__(
        self,
        events: EventLedger,
        ledger: DeliveryLedger,
        producers: Sequence[DueWorkProducer],
        senders: Mapping[str, DeliverySender],
    ) -> None:
        self._events = events
        self._ledger = ledger
        self._producers = list(producers)
        self._senders = dict(senders)
        self._first_pass = True
        self._stopping = False

    @property
    def ledger(self) -> DeliveryLedger:
        return self._ledger

    def request_stop(self) -> None:
        """The process is stopping: a pass under way ends after the batch it is sending."""
        self._stopping = True

    def _should_stop(self) -> bool:
        return self._stopping

    async def run(self, now: datetime) -> TickReport:
        released = 0
        if self._first_pass:
            # A process restarted after a crash picks up what its predecessor had claimed.
            released = await self._ledger.release_orphans(now)
            self._first_pass = False
        enqueued = 0
        for producer in self._producers:
            try:
                enqueued += await producer.enqueue_due(now)
            except Exception:
                # One feature's producer failing must not hold back every delivery.
                logger.exception("producer %s failed", type(producer).__name__)
        outcome = await self._ledger.send_due(now, self._senders, should_stop=self._should_stop)
        forgotten = await self._events.forget_before(now - EVENT_MEMORY)
        return TickReport(
            enqueued=enqueued,
            sent=outcome.sent,
            retried=outcome.retried,
            failed=outcome.failed,
            forgotten_events=forgotten,
            deferred=outcome.deferred,
            cancelled=outcome.cancelled,
            released=released,
        )
