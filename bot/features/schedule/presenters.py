"""What the schedule tells people, as neutral Messages (each surface lays them out)."""

from __future__ import annotations

from datetime import datetime

from bot.core import actions
from bot.core.message import Actions, Button, Message, Note, Style, Text, esc, presents
from bot.features.schedule.reminders import DidItHappen, SlotMoved
from bot.i18n import t
from bot.i18n.format import format_datetime


def when(moment: datetime, locale: str, timezone: str) -> str:
    return format_datetime(moment, locale, timezone)


@presents(DidItHappen)
def did_it_happen(notice: DidItHappen, locale: str, timezone: str) -> Message:
    key = "schedule.did.followup" if notice.followup else "schedule.did.question"
    text = t(
        locale,
        key,
        member=esc(notice.member_name),
        when=when(notice.starts_at, locale, timezone),
    )
    value = str(notice.slot_id)
    return Message(
        fallback=text,
        body=(
            Text(text),
            Actions(
                (
                    Button(
                        t(locale, "schedule.button.held"),
                        actions.SLOT_HELD,
                        value,
                        Style.primary,
                    ),
                    Button(t(locale, "schedule.button.skipped"), actions.SLOT_SKIPPED, value),
                    Button(t(locale, "schedule.button.moved"), actions.SLOT_MOVED, value),
                )
            ),
            Note(t(locale, "schedule.did.why")),
        ),
    )


@presents(SlotMoved)
def slot_moved(notice: SlotMoved, locale: str, timezone: str) -> Message:
    text = t(
        locale,
        "schedule.moved.body",
        other=esc(notice.other_name),
        old=when(notice.old_starts_at, locale, timezone),
        new=when(notice.new_starts_at, locale, timezone),
        minutes=notice.duration_minutes,
    )
    return Message(fallback=text, body=(Text(text),))
