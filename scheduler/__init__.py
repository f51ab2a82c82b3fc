"""APScheduler drives only a periodic tick; due work is claimed in the database.

APScheduler's job stores must not be shared between processes, so every replica runs its own
in-memory scheduler with one interval job, and the tick itself is safe to run concurrently.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.clock import Clock
from bot.core.tick import TickService

logger = logging.getLogger("oneonone.scheduler")

DRAIN_TIMEOUT = 10.0


async def run_tick(tick: TickService, clock: Clock) -> None:
    try:
        report = await tick.run(clock.now())
        logger.debug("tick: %s", report)
    except Exception:
        # A failed pass (e.g. the database briefly away) must not stop the next one.
        logger.exception("tick failed")


# APScheduler ships no type information.
class TickScheduler(AsyncIOScheduler):  # type: ignore[misc]
    """The scheduler with a way to stop that lets the pass under way finish its batch.

    `shutdown(wait=False)` cancels a running pass wherever it is; a query cancelled midway
    can leave aiosqlite's worker waiting for ever, and the process would not exit. `drain()`
    stops new passes, asks the current one to stop after its batch, waits for it, then shuts
    down.
    """

    def __init__(self, tick: TickService, clock: Clock, *, interval_seconds: float) -> None:
        super().__init__(timezone=UTC)
        self._tick = tick
        self._clock = clock
        self._current: asyncio.Task[None] | None = None
        self.add_job(
            self._run,
            "interval",
            seconds=interval_seconds,
            id="tick",
            max_instances=1,
            coalesce=True,
            # APScheduler's timer runs on the real clock; each pass reads the wired one.
            next_run_time=datetime.now(UTC),
        )

    async def _run(self) -> None:
        self._current = asyncio.current_task()
        try:
            await run_tick(self._tick, self._clock)
        finally:
            self._current = None

    async def drain(self, timeout: float = DRAIN_TIMEOUT) -> None:  # noqa: ASYNC109
        if not self.running:
            return
        self.pause()
        self._tick.request_stop()
        current = self._current
        if current is not None and not current.done():
            await asyncio.wait({current}, timeout=timeout)
        self.shutdown(wait=False)


def build_scheduler(tick: TickService, clock: Clock, *, interval_seconds: float) -> TickScheduler:
    return TickScheduler(tick, clock, interval_seconds=interval_seconds)
