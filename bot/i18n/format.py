"""Dates and times as people read them, in their own zone and language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import localized, normalize_locale

# Monday first, as date.weekday() counts: Japanese short and full, English short and full.
WEEKDAYS: tuple[tuple[str, str, str, str], ...] = (
    ("月", "月曜", "Mon", "Monday"),
    ("火", "火曜", "Tue", "Tuesday"),
    ("水", "水曜", "Wed", "Wednesday"),
    ("木", "木曜", "Thu", "Thursday"),
    ("金", "金曜", "Fri", "Friday"),
    ("土", "土曜", "Sat", "Saturday"),
    ("日", "日曜", "Sun", "Sunday"),
)
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def weekday_name(weekday: int, locale: str | None, *, short: bool = False) -> str:
    """`月曜` / `Monday`; short: `月` / `Mon`. `weekday` counts from Monday = 0."""
    ja_short, ja_full, en_short, en_full = WEEKDAYS[weekday]
    return localized(locale, ja_short, en_short) if short else localized(locale, ja_full, en_full)


@dataclass(frozen=True)
class Weekday:
    """A weekday for a catalog text to place: `{day}` shows its full name, `{day:short}` the
    short one, so each language's text chooses the form that reads well in it."""

    weekday: int
    locale: str | None

    def __format__(self, spec: str) -> str:
        if spec not in ("", "short"):
            raise ValueError(f"a weekday is written {{day}} or {{day:short}}, not {{day:{spec}}}")
        return weekday_name(self.weekday, self.locale, short=spec == "short")


def format_datetime(moment: datetime, locale: str | None, timezone: str) -> str:
    """`11月24日(火) 10:00` / `Tue, Nov 24 10:00` in the reader's zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    hm = f"{local.hour:02d}:{local.minute:02d}"
    day = weekday_name(local.weekday(), locale, short=True)
    if normalize_locale(locale) == "en":
        return f"{day}, {_EN_MONTHS[local.month - 1]} {local.day} {hm}"
    return f"{local.month}月{local.day}日({day}) {hm}"


def format_time(moment: datetime, timezone: str) -> str:
    """`10:00`: the time of day in the reader's zone (the same in every language)."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local.hour:02d}:{local.minute:02d}"
