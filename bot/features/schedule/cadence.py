"""Cadence maths: RFC 5545 rules in an IANA zone, and when a message may be sent.

Pure functions with explicit zones: no database, no clock. A rule is kept as dateutil writes
it ("DTSTART:20261124T100000\\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU") with a *floating*
DTSTART: the wall-clock time in the pair's zone. Occurrences are computed in local wall time
and only then placed in the zone, so a 10:00 1on1 stays at 10:00 across DST changes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from bot.core.errors import FieldError, InvalidInput

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DURATIONS = (15, 30, 45, 60)
MIN_DURATION, MAX_DURATION = 5, 480
# One occurrence a day is the most a 1on1 cadence can sensibly ask for.
_ALLOWED_FREQUENCIES = {DAILY, WEEKLY, MONTHLY, YEARLY}


class CadenceError(ValueError):
    """A rule, zone or duration that cannot be a cadence; `code` names the problem."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CadenceError("timezone", name) from exc


def check_duration(minutes: int) -> int:
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise CadenceError("duration", str(minutes))
    return minutes


def local_wall(moment: datetime, zone: str) -> datetime:
    """The naive wall-clock time of an aware moment in `zone`."""
    return moment.astimezone(zone_of(zone)).replace(tzinfo=None)


def place(wall: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` as an aware moment.

    A time skipped by a spring-forward change (02:30 in New York) lands after the gap (03:30);
    a time that happens twice in autumn takes the first of the two.
    """
    placed = wall.replace(tzinfo=zone_of(zone), fold=0)
    # In UTC: arithmetic between two times of one zone in Python ignores DST changes.
    return placed.astimezone(UTC)


@dataclass(frozen=True)
class _Parts:
    """dateutil keeps a parsed rule's fields private and untyped; read them in one place."""

    freq: int
    interval: int
    dtstart: datetime | None
    until: datetime | None
    count: int | None
    byhour: tuple[int, ...]
    byminute: tuple[int, ...]
    byweekday: tuple[int, ...]
    bynweekday: tuple[tuple[int, int], ...]
    bysetpos: tuple[int, ...]


def _parts(rule: rrule) -> _Parts:
    def seq(name: str) -> tuple[Any, ...]:
        return tuple(sorted(getattr(rule, name, None) or ()))

    return _Parts(
        freq=int(getattr(rule, "_freq")),  # noqa: B009
        interval=int(getattr(rule, "_interval")),  # noqa: B009
        dtstart=getattr(rule, "_dtstart", None),
        until=getattr(rule, "_until", None),
        count=getattr(rule, "_count", None),
        byhour=seq("_byhour"),
        byminute=seq("_byminute"),
        byweekday=seq("_byweekday"),
        bynweekday=seq("_bynweekday"),
        bysetpos=seq("_bysetpos"),
    )


def _parse(text: str, dtstart: datetime | None = None) -> rrule:
    try:
        parsed = rrulestr(text, dtstart=dtstart, forceset=False, compatible=False)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise CadenceError("syntax", text[:100]) from exc
    if not isinstance(parsed, rrule):
        raise CadenceError("syntax", "only one RRULE (no RDATE/EXDATE sets)")
    return parsed


def parse_rule(text: str, timezone: str, *, now: datetime) -> str:
    """Check a rule as people write it and return it in the stored, canonical form.

    Accepts a bare `FREQ=...` or `RRULE:...`, with or without a `DTSTART` line. Without one,
    the rule starts today in `timezone` and the time of day must come from BYHOUR (BYMINUTE).
    A DTSTART with a zone or `Z` is moved into `timezone` and kept as wall-clock time.
    """
    zone_of(timezone)
    lines = [line.strip() for line in text.strip().replace("\\n", "\n").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise CadenceError("syntax", "empty rule")
    has_dtstart = any(line.upper().startswith("DTSTART") for line in lines)
    body = "\n".join(
        line if ":" in line or line.upper().startswith("DTSTART") else f"RRULE:{line}"
        for line in lines
    )
    if has_dtstart:
        rule = _parse(body)
        start = _parts(rule).dtstart
        if start is None:
            raise CadenceError("syntax", "DTSTART")
        if start.tzinfo is not None:
            start = local_wall(start, timezone)
        rule = rule.replace(dtstart=start.replace(microsecond=0), until=_floating(rule, timezone))
    else:
        today = local_wall(now, timezone).replace(hour=0, minute=0, second=0, microsecond=0)
        rule = _parse(body, dtstart=today)
        if "BYHOUR" not in body.upper():
            raise CadenceError("no_time", "add BYHOUR=10;BYMINUTE=0 or a DTSTART line")
        rule = rule.replace(until=_floating(rule, timezone))
        # Start on the first occurrence, so "every other week" counts from the next one
        # rather than from whatever week today happens to be.
        first = rule.replace(interval=1).after(local_wall(now, timezone))
        if first is not None:
            rule = rule.replace(dtstart=first)
    parts = _parts(rule)
    if parts.freq not in _ALLOWED_FREQUENCIES:
        raise CadenceError("frequency", "use DAILY, WEEKLY, MONTHLY or YEARLY")
    if len(parts.byhour) > 1 or len(parts.byminute) > 1:
        raise CadenceError("frequency", "one time of day per occurrence")
    canonical = str(rule)
    if len(canonical) > 500:
        raise CadenceError("syntax", "rule too long")
    return canonical


def _floating(rule: rrule, timezone: str) -> datetime | None:
    until = _parts(rule).until
    if until is None or until.tzinfo is None:
        return until
    return local_wall(until, timezone)


@functools.lru_cache(maxsize=4096)
def _rule(text: str) -> rrule:
    # Stored rules are parsed again on every materialization; they rarely change.
    return _parse(text)


def occurrences(
    rule: str, timezone: str, *, after: datetime, until: datetime, limit: int = 100
) -> list[datetime]:
    """Aware starts in (after, until], at most `limit`, placed in `timezone`."""
    parsed = _rule(rule)
    # One day of slack on each side: placing wall times can move them across the bounds.
    low = local_wall(after, timezone) - timedelta(days=1)
    high = local_wall(until, timezone) + timedelta(days=1)
    found: list[datetime] = []
    for wall in parsed.xafter(low, inc=False):
        if wall > high or len(found) >= limit:
            break
        moment = place(wall, timezone)
        if after < moment <= until:
            found.append(moment)
    return found


def next_occurrence(rule: str, timezone: str, *, after: datetime) -> datetime | None:
    """The first start after `after`, however far ahead; None once the rule has ended."""
    low = local_wall(after, timezone) - timedelta(days=1)
    for wall in _rule(rule).xafter(low, inc=False):
        moment = place(wall, timezone)
        if moment > after:
            return moment
    return None


# --- the modal's shapes ----------------------------------------------------------------------


class Frequency(StrEnum):
    weekly = "weekly"
    biweekly = "biweekly"
    monthly = "monthly"


@dataclass(frozen=True)
class CadenceSpec:
    """What the `/1on1 schedule` modal asks for."""

    frequency: Frequency
    weekday: int  # 0 = Monday
    at: time
    duration_minutes: int
    timezone: str
    # Monthly only: 1-4 for the n-th weekday of the month, -1 for the last one.
    week_of_month: int = 1
    # The first 1on1 is on or after this local date (today when None).
    starting: date | None = None


DEFAULT_FREQUENCY = Frequency.biweekly
DEFAULT_DURATION = 30
DEFAULT_TIME = time(10, 0)


def rule_from_spec(spec: CadenceSpec, *, now: datetime) -> str:
    """The stored rule for a modal answer; the first occurrence is after `now`."""
    zone_of(spec.timezone)
    check_duration(spec.duration_minutes)
    if not 0 <= spec.weekday <= 6:
        raise CadenceError("weekday", str(spec.weekday))
    if spec.week_of_month not in (1, 2, 3, 4, -1):
        raise CadenceError("week_of_month", str(spec.week_of_month))
    today = local_wall(now, spec.timezone).date()
    first_day = max(spec.starting or today, today)
    day = WEEKDAY_CODES[spec.weekday]
    if spec.frequency is Frequency.monthly:
        start = datetime.combine(first_day, spec.at)
        body = f"FREQ=MONTHLY;BYDAY={spec.week_of_month:+d}{day}"
    else:
        # DTSTART on the first occurrence itself, so "every other week" counts from it.
        first = first_day + timedelta(days=(spec.weekday - first_day.weekday()) % 7)
        if place(datetime.combine(first, spec.at), spec.timezone) <= now:
            first += timedelta(days=7)
        start = datetime.combine(first, spec.at)
        interval = 2 if spec.frequency is Frequency.biweekly else 1
        body = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={day}"
    return str(_parse(f"RRULE:{body}", dtstart=start))


def spec_from_rule(rule: str, timezone: str, duration_minutes: int) -> CadenceSpec | None:
    """The modal's fields for a stored rule, or None when the rule is beyond the modal."""
    parts = _parts(_rule(rule))
    start = parts.dtstart
    if start is None or parts.count or parts.until or parts.bysetpos:
        return None
    if len(parts.byhour) > 1 or len(parts.byminute) > 1:
        return None
    at = time(min(parts.byhour or (start.hour,)), min(parts.byminute or (start.minute,)))
    weekdays, nth = parts.byweekday, parts.bynweekday
    if parts.freq == WEEKLY and len(weekdays) == 1 and not nth and parts.interval in (1, 2):
        frequency = Frequency.biweekly if parts.interval == 2 else Frequency.weekly
        return CadenceSpec(frequency, weekdays[0], at, duration_minutes, timezone)
    if parts.freq == MONTHLY and parts.interval == 1 and len(nth) == 1 and not weekdays:
        weekday, n = nth[0]
        if n in (1, 2, 3, 4, -1):
            return CadenceSpec(Frequency.monthly, weekday, at, duration_minutes, timezone, n)
    return None


# --- when a message may arrive ---------------------------------------------------------------


@dataclass(frozen=True)
class SendWindow:
    """When reminders may reach people: local hours on working days (default 08:00-20:00,
    Monday to Friday, Japanese public holidays off)."""

    start_minute: int = 8 * 60
    end_minute: int = 20 * 60  # exclusive; 1440 = midnight
    working_days: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    holiday_country: str | None = "JP"

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= 24 * 60:
            raise CadenceError("window", f"{self.start_minute}-{self.end_minute}")
        if not self.working_days or not self.working_days <= set(range(7)):
            raise CadenceError("working_days", ",".join(map(str, sorted(self.working_days))))


@functools.lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def supported_holiday_country(code: str) -> bool:
    try:
        holidays.country_holidays(code, years=2026)
    except (NotImplementedError, KeyError, AttributeError):
        return False
    return True


def is_working_day(day: date, window: SendWindow) -> bool:
    if day.weekday() not in window.working_days:
        return False
    return not (window.holiday_country and day in _holidays(window.holiday_country, day.year))


def _at_minute(day: date, minute: int, zone: str) -> datetime:
    if minute >= 24 * 60:
        return place(datetime.combine(day + timedelta(days=1), time(0)), zone)
    return place(datetime.combine(day, time(minute // 60, minute % 60)), zone)


def allowed_at(moment: datetime, zone: str, window: SendWindow) -> datetime:
    """`moment` itself when a message may arrive then, else the next moment one may."""
    local = moment.astimezone(zone_of(zone))
    day = local.date()
    minute = local.hour * 60 + local.minute
    if is_working_day(day, window):
        if window.start_minute <= minute < window.end_minute:
            return moment
        if minute < window.start_minute:
            return _at_minute(day, window.start_minute, zone)
    for offset in range(1, 370):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, window):
            return _at_minute(candidate, window.start_minute, zone)
    raise CadenceError("working_days", "no working day within a year")


def latest_allowed_before(moment: datetime, zone: str, window: SendWindow) -> datetime:
    """The last moment a message may arrive at or before `moment` (within a year)."""
    local = moment.astimezone(zone_of(zone))
    day = local.date()
    minute = local.hour * 60 + local.minute
    if is_working_day(day, window):
        if window.start_minute <= minute < window.end_minute:
            return moment
        if minute >= window.end_minute:
            return _at_minute(day, window.end_minute - 1, zone)
    for offset in range(1, 370):
        candidate = day - timedelta(days=offset)
        if is_working_day(candidate, window):
            return _at_minute(candidate, window.end_minute - 1, zone)
    raise CadenceError("working_days", "no working day within a year")


def fit(due: datetime, zone: str, window: SendWindow, *, deadline: datetime) -> datetime:
    """Move `due` into the window: forward as a rule, but back when forward would arrive
    after `deadline` (a digest after the 1on1 started helps nobody)."""
    forward = allowed_at(due, zone, window)
    if forward < deadline:
        return forward
    return min(latest_allowed_before(due, zone, window), due)


def previous_working_day(day: date, window: SendWindow, days: int = 1) -> date:
    """`days` working days before `day` (never `day` itself)."""
    found = day
    for _ in range(days):
        for _ in range(370):
            found -= timedelta(days=1)
            if is_working_day(found, window):
                break
    return found


def member_reminder_due(
    slot_start: datetime, zone: str, window: SendWindow, *, lead_days: int = 1
) -> datetime:
    """One working day before, at the 1on1's own time of day, moved into the window."""
    local = slot_start.astimezone(zone_of(zone))
    day = previous_working_day(local.date(), window, lead_days)
    due = place(datetime.combine(day, local.time().replace(tzinfo=None)), zone)
    return fit(due, zone, window, deadline=slot_start)


def parse_window(text: str) -> tuple[int, int]:
    """ "08:00-20:00" -> (480, 1200); "24:00" is midnight at the end of the day."""
    try:
        start_text, end_text = (part.strip() for part in text.split("-", 1))
        start, end = _minutes(start_text), _minutes(end_text)
    except ValueError as exc:
        raise CadenceError("window", text) from exc
    if not 0 <= start < end <= 24 * 60:
        raise CadenceError("window", text)
    return start, end


def _minutes(text: str) -> int:
    hours, minutes = text.split(":", 1)
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(text)
    return h * 60 + m


def format_minutes(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_weekdays(text: str) -> frozenset[int]:
    """ "mon,tue,wed" or "mon-fri" -> {0, 1, 2} / {0..4}."""
    names = [code.lower() for code in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    found: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if "-" in part:
            first, last = (x.strip()[:3] for x in part.split("-", 1))
            if first not in names or last not in names:
                raise CadenceError("working_days", text)
            i, j = names.index(first), names.index(last)
            found.update(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
        elif part[:3] in names:
            found.add(names.index(part[:3]))
        else:
            raise CadenceError("working_days", text)
    if not found:
        raise CadenceError("working_days", text)
    return frozenset(found)


def format_weekdays(days: frozenset[int]) -> str:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return ",".join(names[d] for d in sorted(days))


# --- the cadence form's answers ------------------------------------------------------------------

REQUIRED = "schedule.error.required"
INVALID = "schedule.error.invalid"
_WEEKS = {"1": 1, "2": 2, "3": 3, "4": 4, "last": -1}


@dataclass(frozen=True)
class CadenceInput:
    """The cadence form's answers as the person gave them (any surface, unchecked)."""

    frequency: str | None
    weekday: str | None
    at: str | None  # "HH:MM"
    duration: str | None  # minutes
    timezone: str | None
    week_of_month: str | None = None  # "1".."4" or "last"; empty means the first
    starting: str | None = None  # ISO date; empty means from today


def _weekday(value: str) -> int:
    day = int(value)
    if not 0 <= day <= 6:
        raise ValueError(value)
    return day


def _form_minutes(value: str) -> int:
    minutes = int(value)
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise ValueError(value)
    return minutes


def _zone_name(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(value) from exc
    return value


def cadence_spec(answers: CadenceInput) -> CadenceSpec:
    """The one check of the cadence form: a CadenceSpec, or InvalidInput naming each field
    (frequency, weekday, time, duration, timezone, week_of_month, starting)."""
    errors: list[FieldError] = []

    def need(name: str, raw: str | None, parse: Any) -> Any:
        if raw in (None, ""):
            errors.append(FieldError(name, REQUIRED))
            return None
        try:
            return parse(raw)
        except (ValueError, TypeError):
            errors.append(FieldError(name, INVALID))
            return None

    frequency = need("frequency", answers.frequency, Frequency)
    weekday = need("weekday", answers.weekday, _weekday)
    at = need("time", answers.at, time.fromisoformat)
    duration = need("duration", answers.duration, _form_minutes)
    zone = need("timezone", answers.timezone, _zone_name)
    week_raw = answers.week_of_month
    if week_raw not in (None, "") and week_raw not in _WEEKS:
        errors.append(FieldError("week_of_month", INVALID))
    week = _WEEKS.get(week_raw or "", 1)
    starting: date | None = None
    if answers.starting:
        try:
            starting = date.fromisoformat(answers.starting)
        except ValueError:
            errors.append(FieldError("starting", INVALID))
    if errors:
        raise InvalidInput(errors)
    return CadenceSpec(
        frequency=frequency,
        weekday=weekday,
        at=at,
        duration_minutes=duration,
        timezone=zone,
        week_of_month=week,
        starting=starting,
    )
