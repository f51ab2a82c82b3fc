"""The time of day, read in one place.

Services take `now` as an argument; the edges (listeners, the scheduler's tick, the CLI) ask
the Clock wired into the services for it. Tests and rehearsals wire a clock of their own, so
nothing they check depends on the day they run.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """Reads `start` when made and then runs at real speed."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware start time")
        self._start = start.astimezone(UTC)
        self._began = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)
