"""App Home: the member's next 1on1s with their picks, the leader's members with status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.message import Style, esc
from bot.features.picks import Overview
from bot.features.schedule import ScheduleHome
from bot.i18n import t
from handlers.slack import ids, memo_blocks, schedule_blocks
from handlers.slack import picks_blocks as pb
from handlers.slack.blocks import (
    MAX_VIEW_BLOCKS,
    Block,
    button,
    context,
    divider,
    header,
    section,
)

# Room kept for the header, greeting and footer when a leader has many members.
_LEADER_BLOCK_BUDGET = 60


@dataclass(frozen=True)
class HomeData:
    """Everything one person's Home shows, loaded together right before it is published."""

    overview: Overview
    memo: memo_blocks.MemoHomeExtras
    schedule: ScheduleHome


def home_view(home: HomeData, *, name: str, locale: str, timezone: str) -> dict[str, Any]:
    overview = home.overview
    pairs = overview.pairs
    blocks: list[Block] = [
        header(t(locale, "home.title")),
        section(t(locale, "home.greeting", name=esc(name))),
        context(t(locale, "privacy.notice")),
    ]
    if pairs.as_member:
        blocks += [divider(), section(t(locale, "home.as_member"))]
    for view in pairs.as_member:
        picks = overview.own_picks.get(view.pair_id)
        line = section(
            t(
                locale,
                "chooser.member_line",
                leader=esc(view.leader_name),
                kind=t(locale, f"pair_kind.as_member.{view.kind.value}"),
                when=pb.slot_text(view, locale, timezone),
                status=t(locale, "status.picked" if picks and picks.picks else "status.not_picked"),
            )
        )
        key = "button.edit_picks" if picks and picks.picks else "button.pick"
        line["accessory"] = button(
            t(locale, key), ids.OPEN_PICKER, str(view.pair_id), style=Style.primary
        )
        blocks.append(line)
        if picks and picks.picks:
            blocks.append(context(t(locale, "home.picks_for")))
            blocks += pb.picks_section_blocks(picks.picks, locale)
        else:
            blocks.append(context(t(locale, "home.no_picks_yet")))
    if pairs.as_leader:
        blocks += [divider(), section(t(locale, "home.as_leader"))]
        rows = pb.leader_rows(pairs.as_leader, overview.counts, locale=locale, timezone=timezone)
        blocks += rows[:_LEADER_BLOCK_BUDGET]
    blocks += memo_blocks.home_blocks(home.memo, overview, locale=locale, timezone=timezone)
    blocks += schedule_blocks.health_blocks(home.schedule, locale=locale, timezone=timezone)
    if not pairs.as_member and not pairs.as_leader:
        blocks += [divider(), section(t(locale, "home.no_pairs"))]
    footer = [divider(), context(t(locale, "home.footer"))]
    return {"type": "home", "blocks": blocks[: MAX_VIEW_BLOCKS - len(footer)] + footer}
