"""What the memos feature tells people, as neutral Messages (each surface lays them out).

Memo text comes from people: it is cut to fit (it is stored whole) and escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.catalog import Expectation, expectation_def, label
from bot.core import actions
from bot.core.message import (
    Button,
    Element,
    Lines,
    Message,
    Note,
    Style,
    Text,
    cut,
    esc,
    presents,
)
from bot.features.memos.memos import MemoParent
from bot.features.memos.reflections import ReflectionCommentShared, ReflectionRequest
from bot.features.picks import Pick
from bot.i18n import t
from bot.i18n.format import format_datetime
from storage.queries import OpenActionItem

# How much of one TODO a message shows; the whole text stays stored.
TODO_SHOWN = 300
# At most this many parts of the open TODOs in the memo thread's first message.
PARENT_TODO_PARTS = 20


def shown(text: str, limit: int) -> str:
    """Cut before escaping, so an entity like `&amp;` is never split in half."""
    return esc(cut(text, limit))


def quote(text: str, limit: int) -> str:
    return "> " + shown(text, limit).replace("\n", "\n> ")


def when(moment: datetime, locale: str, timezone: str) -> str:
    return format_datetime(moment, locale, timezone)


def expectation(value: Expectation | str, locale: str) -> str:
    return label(expectation_def(value), locale)


def pick_lines(picks: Sequence[Pick], locale: str) -> list[str]:
    lines = []
    for pick in picks:
        line = f"• *{shown(pick.label(locale), 75)}* — {expectation(pick.expectation, locale)}"
        if pick.note:
            line += "\n> " + shown(pick.note, 500).replace("\n", "\n> ")
        lines.append(line)
    return lines


def item_lines(items: Sequence[OpenActionItem], locale: str) -> list[str]:
    return [
        t(
            locale,
            "memo.todo_line",
            text=shown(item.text, TODO_SHOWN),
            owner=esc(item.owner_name),
        )
        for item in items
    ]


# --- the memo thread -----------------------------------------------------------------------------


@presents(MemoParent)
def memo_parent(notice: MemoParent, locale: str, timezone: str) -> Message:
    zone = notice.timezone or timezone
    at = when(notice.starts_at, locale, zone)
    body: list[Element] = [
        Text(
            t(
                locale,
                "memo.parent_title",
                when=at,
                leader=esc(notice.leader_name),
                member=esc(notice.member_name),
            )
        )
    ]
    if notice.picks:
        body.append(Lines((t(locale, "memo.parent_picks"), *pick_lines(notice.picks, locale))))
    else:
        body.append(Note(t(locale, "memo.parent_no_picks")))
    if notice.open_items:
        lines = (t(locale, "memo.parent_todos"), *item_lines(notice.open_items, locale))
        body.append(Lines(lines, max_parts=PARENT_TODO_PARTS))
    if notice.next_focus:
        body.append(Text(t(locale, "memo.parent_focus") + "\n" + quote(notice.next_focus, 1500)))
    return Message(
        fallback=t(
            locale,
            "memo.parent_fallback",
            when=at,
            leader=notice.leader_name,
            member=notice.member_name,
        ),
        body=tuple(body),
        tail=(Note(t(locale, "memo.parent_howto")), Note(t(locale, "privacy.notice"))),
    )


# --- reflections ---------------------------------------------------------------------------------


@presents(ReflectionRequest)
def reflection_request(notice: ReflectionRequest, locale: str, timezone: str) -> Message:
    at = when(notice.starts_at, locale, timezone)
    leader = esc(notice.leader_name)
    open_button = Button(
        t(locale, "reflection.open_button"),
        actions.REFLECTION_OPEN,
        str(notice.slot_id),
        Style.primary,
    )
    return Message(
        fallback=t(locale, "reflection.request_fallback", leader=notice.leader_name, when=at),
        body=(Text(t(locale, "reflection.request", leader=leader, when=at), open_button),),
        tail=(Note(t(locale, "reflection.privacy", leader=leader)),),
    )


@presents(ReflectionCommentShared)
def reflection_comment(notice: ReflectionCommentShared, locale: str, timezone: str) -> Message:
    at = when(notice.starts_at, locale, timezone)
    head = t(locale, "reflection.comment_shared", member=esc(notice.member_name), when=at)
    return Message(
        fallback=t(locale, "reflection.comment_fallback", member=notice.member_name),
        body=(Text(head + "\n" + quote(notice.comment, 2500)),),
        tail=(Note(t(locale, "reflection.comment_footer")),),
    )
