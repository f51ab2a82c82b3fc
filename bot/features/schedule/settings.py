"""The organisation's scheduling settings, stored in the `setting` table under `schedule.*`.

Every replica reads them from the database (cached for a short while), so an admin's change
reaches every process without a restart.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlmodel import col, select

from bot.features.schedule.cadence import (
    CadenceError,
    SendWindow,
    format_minutes,
    format_weekdays,
    parse_weekdays,
    parse_window,
    supported_holiday_country,
)
from storage.db import Database
from storage.models import Setting, utcnow

PREFIX = "schedule."
CACHE_SECONDS = 30.0

# Setting keys (built from PREFIX so they read differently from message-catalog keys).
KEY_WINDOW = PREFIX + "window"
KEY_WORKING_DAYS = PREFIX + "working_days"
KEY_HOLIDAYS = PREFIX + "holidays"
KEY_MEMBER_LEAD_DAYS = PREFIX + "member_lead_days"
KEY_DIGEST_LEAD_MINUTES = PREFIX + "digest_lead_minutes"
KEY_FOLLOWUP_HOURS = PREFIX + "followup_hours"
KEY_UNKNOWN_AFTER_HOURS = PREFIX + "unknown_after_hours"


@dataclass(frozen=True)
class ScheduleSettings:
    window: SendWindow = field(default_factory=SendWindow)
    # The member's reminder: this many working days before the 1on1.
    member_lead_days: int = 1
    # The leader's digest: this many minutes before the 1on1.
    digest_lead_minutes: int = 15
    # "Did it happen?" unanswered this long: one follow-up; unanswered as long again: unknown.
    followup_hours: int = 24
    unknown_after_hours: int = 24

    @property
    def digest_lead(self) -> timedelta:
        return timedelta(minutes=self.digest_lead_minutes)

    @property
    def followup_after(self) -> timedelta:
        return timedelta(hours=self.followup_hours)

    @property
    def unknown_after(self) -> timedelta:
        return timedelta(hours=self.unknown_after_hours)

    def as_text(self) -> dict[str, str]:
        """Every setting as it is stored (and as an admin types it)."""
        return {
            KEY_WINDOW: f"{format_minutes(self.window.start_minute)}-"
            f"{format_minutes(self.window.end_minute)}",
            KEY_WORKING_DAYS: format_weekdays(self.window.working_days),
            KEY_HOLIDAYS: self.window.holiday_country or "none",
            KEY_MEMBER_LEAD_DAYS: str(self.member_lead_days),
            KEY_DIGEST_LEAD_MINUTES: str(self.digest_lead_minutes),
            KEY_FOLLOWUP_HOURS: str(self.followup_hours),
            KEY_UNKNOWN_AFTER_HOURS: str(self.unknown_after_hours),
        }


class SettingError(ValueError):
    def __init__(self, key: str, value: str, reason: str) -> None:
        super().__init__(f"{key}={value!r}: {reason}")
        self.key = key
        self.value = value
        self.reason = reason


def _number(value: str, low: int, high: int) -> int:
    try:
        number = int(value.strip())
    except ValueError as exc:
        raise ValueError(f"a whole number from {low} to {high}") from exc
    if not low <= number <= high:
        raise ValueError(f"a whole number from {low} to {high}")
    return number


def _apply(current: ScheduleSettings, key: str, value: str) -> ScheduleSettings:
    """`current` with one setting changed; ValueError says what a good value looks like."""
    window = current.window
    try:
        if key == KEY_WINDOW:
            start, end = parse_window(value)
            return replace(current, window=replace(window, start_minute=start, end_minute=end))
        if key == KEY_WORKING_DAYS:
            days = parse_weekdays(value)
            return replace(current, window=replace(window, working_days=days))
        if key == KEY_HOLIDAYS:
            code = value.strip().upper()
            if code in ("", "NONE", "OFF"):
                return replace(current, window=replace(window, holiday_country=None))
            if not supported_holiday_country(code):
                raise ValueError("a country code the holidays library knows (e.g. JP) or none")
            return replace(current, window=replace(window, holiday_country=code))
    except CadenceError as exc:
        raise ValueError(_HINTS.get(key, "see `oneonone schedule settings --help`")) from exc
    if key == KEY_MEMBER_LEAD_DAYS:
        return replace(current, member_lead_days=_number(value, 1, 5))
    if key == KEY_DIGEST_LEAD_MINUTES:
        return replace(current, digest_lead_minutes=_number(value, 5, 180))
    if key == KEY_FOLLOWUP_HOURS:
        return replace(current, followup_hours=_number(value, 1, 168))
    if key == KEY_UNKNOWN_AFTER_HOURS:
        return replace(current, unknown_after_hours=_number(value, 1, 168))
    raise ValueError(f"unknown setting; known: {', '.join(sorted(KEYS))}")


_HINTS = {
    KEY_WINDOW: "local hours like 08:00-20:00",
    KEY_WORKING_DAYS: "days like mon-fri or mon,tue,wed,thu,fri",
}

KEYS = frozenset(ScheduleSettings().as_text())


def settings_from(stored: Mapping[str, str]) -> ScheduleSettings:
    """Settings from stored rows; a value that no longer parses falls back to the default."""
    settings = ScheduleSettings()
    for key in sorted(KEYS):
        if key in stored:
            try:
                settings = _apply(settings, key, stored[key])
            except ValueError:
                continue
    return settings


class ScheduleSettingsStore:
    def __init__(self, db: Database, *, cache_seconds: float = CACHE_SECONDS) -> None:
        self._db = db
        self._cache_seconds = cache_seconds
        self._cached: tuple[float, ScheduleSettings] | None = None

    async def get(self) -> ScheduleSettings:
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] < self._cache_seconds:
            return self._cached[1]
        async with self._db.read() as session:
            rows = await session.exec(
                select(Setting).where(col(Setting.key).startswith(PREFIX, autoescape=True))
            )
            stored = {row.key: row.value for row in rows.all()}
        settings = settings_from(stored)
        self._cached = (now, settings)
        return settings

    async def update(self, changes: Mapping[str, str]) -> ScheduleSettings:
        """Check every change first, then store them all; SettingError names the bad one."""
        settings = await self.get()
        for key, value in changes.items():
            try:
                settings = _apply(settings, key, value)
            except ValueError as exc:
                raise SettingError(key, value, str(exc)) from exc
        text = settings.as_text()
        async with self._db.write() as session:
            for key in changes:
                row = await session.get(Setting, key)
                if row is None:
                    row = Setting(key=key, value=text[key])
                row.value = text[key]
                row.updated_at = utcnow()
                session.add(row)
        self._cached = None
        return await self.get()

    def forget(self) -> None:
        self._cached = None
