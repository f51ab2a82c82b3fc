"""Programme pairs: their default cadence, and closing pairs whose last day has passed.

A pair imported into a programme (bot.features.org pairs import) without a cadence gets the
programme's default for its kind, starting on its first day (else the next working day) at
10:00 in the leader's zone, never past its last day. A pair with a cadence keeps it, and
anyone can change the default afterwards like any other cadence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlmodel import col, select

from bot.features.schedule.cadence import WEEKDAY_CODES, is_working_day, local_wall, place
from bot.features.schedule.settings import ScheduleSettings
from storage.db import Database
from storage.models import Pair, PairKind

START_TIME = time(10, 0)


class Repeat(StrEnum):
    weekly = "weekly"
    biweekly = "biweekly"
    monthly = "monthly"


@dataclass(frozen=True)
class ProgramCadence:
    repeat: Repeat
    duration_minutes: int
    # The cadence ends this many months after its first 1on1 (None: it runs on).
    months: int | None = None


# (programme, kind) -> the default cadence. Kinds a programme does not list get none.
PROGRAM_CADENCES: dict[tuple[str, PairKind], ProgramCadence] = {
    ("new_hire", PairKind.senior): ProgramCadence(Repeat.weekly, 30, months=3),
    ("new_hire", PairKind.manager): ProgramCadence(Repeat.biweekly, 30),
    ("mid_career", PairKind.peer): ProgramCadence(Repeat.weekly, 30, months=3),
    ("mid_career", PairKind.manager): ProgramCadence(Repeat.biweekly, 30),
    ("mentoring", PairKind.mentor): ProgramCadence(Repeat.monthly, 45),
}


def program_cadence(program: str | None, kind: PairKind) -> ProgramCadence | None:
    return PROGRAM_CADENCES.get((program, kind)) if program else None


def first_day(starts_on: date | None, now: datetime, zone: str, settings: ScheduleSettings) -> date:
    """The pair's first day, else the next working day after today (in `zone`)."""
    if starts_on is not None:
        return starts_on
    day = local_wall(now, zone).date() + timedelta(days=1)
    for _ in range(366):
        if is_working_day(day, settings.window):
            return day
        day += timedelta(days=1)
    return day


def program_rule(cadence: ProgramCadence, start: date, ends_on: date | None) -> str:
    """The RRULE text (with its floating DTSTART) of a default cadence from `start`."""
    weekday = WEEKDAY_CODES[start.weekday()]
    if cadence.repeat is Repeat.monthly:
        nth = (start.day - 1) // 7 + 1
        body = f"FREQ=MONTHLY;BYDAY={nth if nth <= 4 else -1:+d}{weekday}"
    else:
        interval = 2 if cadence.repeat is Repeat.biweekly else 1
        body = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={weekday}"
    until: datetime | None = None
    if cadence.months is not None:
        until = datetime.combine(start + relativedelta(months=cadence.months), START_TIME)
    if ends_on is not None:
        last = datetime.combine(ends_on, time(23, 59, 59))
        until = min(until, last) if until is not None else last
    if until is not None:
        body += f";UNTIL={until:%Y%m%dT%H%M%S}"
    return f"DTSTART:{datetime.combine(start, START_TIME):%Y%m%dT%H%M%S}\nRRULE:{body}"


def end_of(ends_on: date | None, zone: str) -> datetime | None:
    """The moment a pair's last day is over in `zone` (None: open-ended)."""
    if ends_on is None:
        return None
    return place(datetime.combine(ends_on + timedelta(days=1), time(0, 0)), zone)


def ended_pairs(today: date) -> tuple[sa.ColumnElement[bool], ...]:
    """Active pairs whose last day is before `today`. `active` is read through coalesce so
    that both databases seek `ix_pair_ends_on_active` by the day: compared plainly, they
    take the index that leads with `active` and walk every active pair, on every tick."""
    return (sa.func.coalesce(col(Pair.active), sa.false()) == sa.true(), col(Pair.ends_on) < today)


class PairEnds:
    """The tick's producer that closes pairs whose last day has passed (in the org's zone).

    Their slots and history stay; reminders of an inactive pair are dropped when due.
    """

    def __init__(self, db: Database, timezone: str) -> None:
        self._db = db
        self._timezone = timezone

    async def enqueue_due(self, now: datetime) -> int:
        today = local_wall(now, self._timezone).date()
        ended = ended_pairs(today)
        async with self._db.read() as session:
            if (await session.exec(select(Pair.id).where(*ended).limit(1))).first() is None:
                return 0
        async with self._db.write() as session:
            await session.exec(sa.update(Pair).where(*ended).values(active=False))
        return 0
