"""A cadence as people read it, and the notice that it changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.message import Message, Text, esc, presents
from bot.features.schedule.cadence import CadenceSpec, Frequency
from bot.i18n import t
from bot.i18n.format import Weekday, format_datetime
from bot.ports import Notice


def describe_cadence(
    spec: CadenceSpec | None, rule: str | None, locale: str, *, reader_zone: str | None = None
) -> str:
    """ "隔週 火曜 10:00(30分)" / "Every other Tue at 10:00 (30 min)"."""
    if spec is None:
        if not rule:
            return t(locale, "schedule.cadence.none")
        return t(locale, "schedule.cadence.custom", rule=esc(rule.replace("\n", " ")))
    at = f"{spec.at.hour:02d}:{spec.at.minute:02d}"
    day = Weekday(spec.weekday, locale)
    if spec.frequency is Frequency.monthly:
        nth = "last" if spec.week_of_month == -1 else str(spec.week_of_month)
        text = t(
            locale, "schedule.cadence.monthly", nth=t(locale, f"schedule.nth.{nth}"), day=day, at=at
        )
    else:
        text = t(locale, f"schedule.cadence.{spec.frequency.value}", day=day, at=at)
    text += t(locale, "schedule.cadence.duration", minutes=spec.duration_minutes)
    if reader_zone is not None and spec.timezone != reader_zone:
        text += f" ({spec.timezone})"
    return text


@dataclass(frozen=True)
class CadenceChanged(Notice):
    """To the other person of the pair: someone changed our cadence."""

    actor_name: str
    spec: CadenceSpec | None
    rule: str
    next_slot_at: datetime | None


@presents(CadenceChanged)
def cadence_changed(notice: CadenceChanged, locale: str, timezone: str) -> Message:
    cadence = describe_cadence(notice.spec, notice.rule, locale, reader_zone=timezone)
    upcoming = (
        format_datetime(notice.next_slot_at, locale, timezone)
        if notice.next_slot_at
        else t(locale, "picks.next_unscheduled")
    )
    text = t(
        locale,
        "schedule.changed_by_other",
        actor=esc(notice.actor_name),
        cadence=cadence,
        next=upcoming,
    )
    return Message(fallback=text, body=(Text(text),))
