"""Dates and times as people read them, in their own zone and language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import normalize_locale

_JA_WEEKDAYS = "月火水木金土日"
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_datetime(moment: datetime, locale: str | None, timezone: str) -> str:
    """`11月24日(火) 10:00` / `Tue, Nov 24 10:00` in the reader's zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    hm = f"{local.hour:02d}:{local.minute:02d}"
    if normalize_locale(locale) == "en":
        return f"{_EN_WEEKDAYS[local.weekday()]}, {_EN_MONTHS[local.month - 1]} {local.day} {hm}"
    return f"{local.month}月{local.day}日({_JA_WEEKDAYS[local.weekday()]}) {hm}"


def format_time(moment: datetime, timezone: str) -> str:
    """`10:00`: the time of day in the reader's zone (the same in every language)."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local.hour:02d}:{local.minute:02d}"
