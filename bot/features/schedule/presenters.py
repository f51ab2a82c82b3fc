"""What the schedule tells people, as neutral Messages (each surface lays them out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import actions
from bot.core.message import (
    Actions,
    Button,
    Element,
    Heading,
    Lines,
    Message,
    Note,
    Style,
    Text,
    cut,
    esc,
    presents,
)
from bot.features.picks import pick_lines
from bot.features.schedule.digest import LeaderDigest
from bot.features.schedule.reminders import (
    DidItHappen,
    MemberReminder,
    RescheduleNudge,
    SlotMoved,
    StreakNote,
)
from bot.i18n import t
from bot.i18n.format import format_datetime, format_time
from storage.queries import OpenActionItem

# Open action items shown in a reminder or digest; the rest are counted.
MAX_ACTION_ITEMS = 10
TIP_BODY_MAX = 300
NEXT_FOCUS_MAX = 500


def when(moment: datetime, locale: str, timezone: str) -> str:
    return format_datetime(moment, locale, timezone)


def day_label(moment: datetime, reference: datetime, locale: str, timezone: str) -> str:
    """今日 / 明日 / 11月24日(火), as the reader counts days."""
    zone = ZoneInfo(timezone)
    days = (moment.astimezone(zone).date() - reference.astimezone(zone).date()).days
    if days == 0:
        return t(locale, "schedule.day.today")
    if days == 1:
        return t(locale, "schedule.day.tomorrow")
    return format_datetime(moment, locale, timezone).rsplit(" ", 1)[0]


def action_item_elements(items: Sequence[OpenActionItem], locale: str) -> tuple[Element, ...]:
    """The pair's open action items under a title; nothing when there are none."""
    if not items:
        return ()
    lines = [
        t(locale, "schedule.action_item", text=esc(item.text), owner=esc(item.owner_name))
        for item in items[:MAX_ACTION_ITEMS]
    ]
    if len(items) > MAX_ACTION_ITEMS:
        lines.append(t(locale, "schedule.more_items", count=len(items) - MAX_ACTION_ITEMS))
    return (Text(t(locale, "schedule.action_items_title")), Lines(tuple(lines)))


def _quote(text: str) -> str:
    return "> " + text.replace("\n", "\n> ")


@presents(MemberReminder)
def member_reminder(notice: MemberReminder, locale: str, timezone: str) -> Message:
    text = t(
        locale,
        "schedule.reminder.title",
        leader=esc(notice.leader_name),
        day=day_label(notice.starts_at, notice.sent_at, locale, timezone),
        at=format_time(notice.starts_at, timezone),
        minutes=notice.duration_minutes,
    )
    body: list[Element] = [Text(text)]
    pair = str(notice.pair_id)
    if notice.picks:
        body.append(Note(t(locale, "schedule.reminder.picks_intro")))
        body.append(Lines(pick_lines(notice.picks, locale)))
        button = Button(t(locale, "button.edit_picks"), actions.OPEN_PICKER, pair)
    else:
        body.append(Text(t(locale, "schedule.reminder.no_picks")))
        button = Button(t(locale, "button.pick"), actions.OPEN_PICKER, pair, Style.primary)
    body += action_item_elements(notice.action_items, locale)
    return Message(
        fallback=text,
        body=tuple(body),
        tail=(Actions((button,)), Note(t(locale, "privacy.notice"))),
    )


@presents(LeaderDigest)
def leader_digest(notice: LeaderDigest, locale: str, timezone: str) -> Message:
    member = esc(notice.member_name)
    at = format_time(notice.starts_at, timezone)
    body: list[Element] = [
        # A heading is plain text: the name as written.
        Heading(t(locale, "schedule.digest.header", member=notice.member_name, at=at)),
        Text(t(locale, "schedule.digest.when", at=at, minutes=notice.duration_minutes)),
    ]
    if notice.picks:
        body.append(Text(t(locale, "schedule.digest.picks_title", member=member)))
        body.append(Lines(pick_lines(notice.picks, locale, with_hints=True)))
    else:
        question = t(locale, f"schedule.opener.{notice.opener}")
        body.append(Text(t(locale, "schedule.digest.no_picks", member=member, question=question)))
    body += action_item_elements(notice.action_items, locale)
    if notice.next_focus:
        focus = _quote(esc(cut(notice.next_focus, NEXT_FOCUS_MAX)))
        body.append(Text(t(locale, "schedule.digest.next_focus") + "\n" + focus))
    if notice.tips:
        body.append(Text(t(locale, "schedule.digest.tips_title")))
        body.append(
            Lines(
                tuple(
                    f"• *{esc(tip.title)}*\n{esc(cut(tip.body, TIP_BODY_MAX))}"
                    for tip in notice.tips
                )
            )
        )
    start = Button(
        t(locale, "schedule.button.start"), actions.MEMO_START, str(notice.slot_id), Style.primary
    )
    return Message(
        fallback=t(locale, "schedule.digest.text", member=member, at=at),
        body=tuple(body),
        tail=(Actions((start,)), Note(t(locale, "schedule.digest.footer", member=member))),
    )


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


@presents(RescheduleNudge)
def reschedule_nudge(notice: RescheduleNudge, locale: str, timezone: str) -> Message:
    other = esc(notice.other_name)
    missed = when(notice.starts_at, locale, timezone)
    if notice.next_regular_at is not None:
        following = when(notice.next_regular_at, locale, timezone)
        text = t(locale, "schedule.nudge.body", other=other, when=missed, next=following)
    else:
        text = t(locale, "schedule.nudge.body_no_next", other=other, when=missed)
    reschedule = Button(
        t(locale, "schedule.button.reschedule"), actions.SLOT_RESCHEDULE, str(notice.slot_id)
    )
    return Message(fallback=text, body=(Text(text, reschedule),))


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


@presents(StreakNote)
def streak_note(notice: StreakNote, locale: str, timezone: str) -> Message:
    member = esc(notice.member_name)
    if notice.next_slot_at is not None:
        nxt = when(notice.next_slot_at, locale, timezone)
        text = t(locale, "schedule.streak.body", member=member, missed=notice.missed, next=nxt)
    else:
        # "planned for not scheduled yet" reads wrong in both languages: a sentence of its own.
        text = t(locale, "schedule.streak.body_no_next", member=member, missed=notice.missed)
    last = (
        t(locale, "schedule.streak.last", last=when(notice.last_held_at, locale, timezone))
        if notice.last_held_at
        else t(locale, "schedule.streak.never")
    )
    change = Button(t(locale, "schedule.button.change"), actions.SCHEDULE_OPEN, str(notice.pair_id))
    return Message(
        fallback=text,
        body=(Text(f"{text}\n{last}", change),),
        # Only the leader receives it: the line saying so is never cut.
        tail=(Note(t(locale, "schedule.streak.private")),),
    )
