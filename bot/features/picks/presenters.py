"""What the picks feature says, as neutral Markup and Messages (each surface lays them out):
the member's picks as lines, and the leader's notice that they are in."""

from __future__ import annotations

from collections.abc import Iterable

from bot.catalog import expectation_def, label
from bot.core import actions
from bot.core.message import Button, Markup, Message, Note, Text, esc, presents
from bot.features.picks.notices import LeaderPicksNotice
from bot.features.picks.service import Pick
from bot.i18n import localized, t
from bot.i18n.format import format_datetime


def pick_lines(
    picks: Iterable[Pick], locale: str, *, with_hints: bool = False
) -> tuple[Markup, ...]:
    """One bullet per pick: the topic in bold, the expected response, the member's note
    quoted; with hints (for the leader), how to respond to that expectation."""
    lines: list[Markup] = []
    for pick in picks:
        exp = expectation_def(pick.expectation)
        line = f"• *{esc(pick.label(locale))}* — {label(exp, locale)}"
        if pick.note:
            line += "\n> " + esc(pick.note).replace("\n", "\n> ")
        if with_hints:
            hint = localized(locale, exp.hint_ja, exp.hint_en)
            line += f"\n_{t(locale, 'picks.hint_prefix')} {hint}_"
        lines.append(line)
    return tuple(lines)


@presents(LeaderPicksNotice)
def leader_picks(notice: LeaderPicksNotice, locale: str, timezone: str) -> Message:
    key = "picks.leader_notice_updated" if notice.updated else "picks.leader_notice"
    when = (
        format_datetime(notice.slot_at, locale, timezone)
        if notice.slot_at is not None
        else t(locale, "picks.next_unscheduled")
    )
    facts = {"when": when, "count": notice.count}
    return Message(
        # The notification shows the name as written; the body escapes it.
        fallback=t(locale, key, member=notice.member_name, **facts),
        body=(
            Text(
                t(locale, key, member=esc(notice.member_name), **facts),
                action=Button(
                    t(locale, "button.view_picks"), actions.VIEW_PICKS, str(notice.pair_id)
                ),
            ),
            Note(t(locale, "picks.leader_notice_footer", member=esc(notice.member_name))),
        ),
    )
