"""The member's picks as Markup lines, for every message that shows them."""

from __future__ import annotations

from collections.abc import Iterable

from bot.catalog import expectation_def, label
from bot.core.message import Markup, esc
from bot.features.picks.service import Pick
from bot.i18n import t


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
            hint = exp.hint_en if locale == "en" else exp.hint_ja
            line += f"\n_{t(locale, 'picks.hint_prefix')} {hint}_"
        lines.append(line)
    return tuple(lines)
