"""Block Kit for picks: the member's picker, the chooser, the leader's view and the notices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.catalog import EXPECTATIONS, label
from bot.core.message import Style, esc
from bot.features.org import PairsOf, PairView
from bot.features.picks import (
    FREE_TOPIC_MAX,
    NOTE_MAX,
    FieldError,
    PairPicks,
    Pick,
    pick_lines,
)
from bot.i18n import localized, t
from bot.i18n.format import format_datetime
from handlers.slack import ids
from handlers.slack.blocks import (
    Block,
    button,
    checkboxes,
    context,
    divider,
    input_block,
    lines_as_sections,
    metadata,
    modal,
    option,
    paged_selects,
    section,
    static_select,
    text_input,
)

CHECKBOX_GROUP = 10  # Block Kit: at most 10 options in one checkbox group
# Past this many members a leader's chooser shows a select instead of a button per member.
MEMBER_BUTTONS_MAX = 15

FREE = "free"


@dataclass(frozen=True)
class PickerState:
    """What the member has entered so far, read back from the modal."""

    chosen: list[int]
    expectations: Mapping[str, str]
    notes: Mapping[str, str]
    free_topic: str = ""

    @classmethod
    def from_saved(cls, picks: PairPicks) -> PickerState:
        chosen = [p.topic_id for p in picks.picks if p.topic_id is not None]
        expectations = {_key(p.topic_id): p.expectation.value for p in picks.picks}
        notes = {_key(p.topic_id): p.note or "" for p in picks.picks}
        free = next((p.label_ja for p in picks.picks if p.free), "")
        return cls(chosen, expectations, notes, free)


def _key(topic_id: int | None) -> str:
    return FREE if topic_id is None else str(topic_id)


def slot_text(picks: PairPicks | PairView, locale: str, timezone: str) -> str:
    moment = picks.slot_at if isinstance(picks, PairPicks) else picks.next_slot_at
    if moment is None:
        return t(locale, "picks.next_unscheduled")
    return format_datetime(moment, locale, timezone)


def _expectation_block(topic_label: str, key: str, state: PickerState, locale: str) -> Block:
    element = static_select(
        ids.PICKER_EXPECTATION,
        [option(label(e, locale), e.key.value) for e in EXPECTATIONS],
        placeholder=t(locale, "picker.expectation_placeholder"),
        initial=state.expectations.get(key),
    )
    return input_block(
        f"{ids.PICKER_EXPECTATION_BLOCK}{key}",
        t(locale, "picker.expectation_label", topic=topic_label),
        element,
    )


def _note_block(key: str, state: PickerState, locale: str) -> Block:
    element = text_input(
        ids.PICKER_NOTE,
        multiline=True,
        max_length=NOTE_MAX,
        placeholder=t(locale, "picker.note_placeholder"),
        initial=state.notes.get(key),
    )
    return input_block(
        f"{ids.PICKER_NOTE_BLOCK}{key}", t(locale, "picker.note_label"), element, optional=True
    )


def picker_view(
    picks: PairPicks, state: PickerState, *, locale: str, timezone: str
) -> dict[str, Any]:
    """The member's picker. Expectation and note inputs exist for exactly the chosen topics."""
    blocks: list[Block] = [
        section(
            t(
                locale,
                "picker.intro",
                leader=esc(picks.leader.name),
                when=slot_text(picks, locale, timezone),
            )
        ),
        context(t(locale, "privacy.notice")),
    ]
    topics = picks.topics
    chosen = set(state.chosen)
    for group, start in enumerate(range(0, len(topics), CHECKBOX_GROUP)):
        options = [
            option(localized(locale, topic.label_ja, topic.label_en), str(topic.id))
            for topic in topics[start : start + CHECKBOX_GROUP]
        ]
        ticked = [o for o in options if int(o["value"]) in chosen]
        element = checkboxes(ids.PICKER_TOPICS, options, ticked=ticked)
        blocks.append(
            input_block(
                f"{ids.PICKER_TOPICS_BLOCK}{group}",
                t(locale, "picker.topics_label" if group == 0 else "picker.topics_more"),
                element,
                optional=True,
                # Choosing a topic redraws the modal so its expectation input appears.
                dispatch=True,
            )
        )
    for topic in topics:
        if topic.id in chosen:
            key = _key(topic.id)
            topic_label = localized(locale, topic.label_ja, topic.label_en)
            blocks.append(_expectation_block(topic_label, key, state, locale))
            blocks.append(_note_block(key, state, locale))
    free_element = text_input(
        ids.PICKER_FREE,
        max_length=FREE_TOPIC_MAX,
        placeholder=t(locale, "picker.free_placeholder"),
        initial=state.free_topic,
        on_enter=True,
    )
    blocks.append(divider())
    blocks.append(
        input_block(
            ids.PICKER_FREE_BLOCK, t(locale, "picker.free_label"), free_element, optional=True
        )
    )
    if state.free_topic:
        blocks.append(_expectation_block(state.free_topic, FREE, state, locale))
        blocks.append(_note_block(FREE, state, locale))
    blocks.append(context(t(locale, "picker.expectations_help")))
    return modal(
        t(locale, "picker.title"),
        blocks,
        locale,
        callback_id=ids.PICKER_CALLBACK,
        private_metadata=metadata(pair_id=picks.pair_id),
        submit=t(locale, "picker.submit"),
    )


def picker_errors(
    errors: list[FieldError], view_blocks: list[dict[str, Any]], locale: str
) -> dict[str, str]:
    """Map service field errors to the block ids Slack shows them under."""
    present = {b.get("block_id") for b in view_blocks}
    topics_block = f"{ids.PICKER_TOPICS_BLOCK}0"
    out: dict[str, str] = {}
    for error in errors:
        key = _key(error.topic_id)
        if error.field == "expectation":
            block = f"{ids.PICKER_EXPECTATION_BLOCK}{key}"
            message = t(locale, "picker.error.expectation")
        elif error.field == "note":
            block = f"{ids.PICKER_NOTE_BLOCK}{key}"
            message = t(locale, "picker.error.note_too_long", limit=NOTE_MAX)
        elif error.field == "free_topic":
            block = ids.PICKER_FREE_BLOCK
            message = t(locale, "picker.error.free_too_long", limit=FREE_TOPIC_MAX)
        elif error.code == "unknown":
            block, message = topics_block, t(locale, "picker.error.unknown_topic")
        elif error.code == "too_many":
            block, message = topics_block, t(locale, "picker.error.too_many")
        else:
            block, message = topics_block, t(locale, "picker.error.no_topic")
        # An input the modal does not show yet (a redraw was still on its way) cannot carry
        # an error; say it under the topics instead.
        if block not in present:
            block = topics_block
        out.setdefault(block, message)
    return out


def picks_section_blocks(
    picks: list[Pick], locale: str, *, with_hints: bool = False
) -> list[Block]:
    return lines_as_sections(list(pick_lines(picks, locale, with_hints=with_hints)))


def picks_view(picks: PairPicks, *, locale: str, timezone: str, for_leader: bool) -> dict[str, Any]:
    """Read-only picks for either party; the leader also gets a hint per expectation."""
    blocks: list[Block] = [
        section(
            t(
                locale,
                "picks.view_intro",
                member=esc(picks.member.name),
                leader=esc(picks.leader.name),
                when=slot_text(picks, locale, timezone),
            )
        )
    ]
    if picks.picks:
        blocks += picks_section_blocks(picks.picks, locale, with_hints=for_leader)
    else:
        blocks.append(section(t(locale, "picks.none_yet")))
    blocks.append(context(t(locale, "privacy.notice")))
    return modal(t(locale, "picks.view_title"), blocks, locale, callback_id=ids.PICKS_VIEW_CALLBACK)


def chooser_view(
    pairs: PairsOf, counts: Mapping[int, int], *, locale: str, timezone: str
) -> dict[str, Any]:
    """For someone in several pairs: choose which 1on1 to prepare, or whose picks to see."""
    blocks: list[Block] = []
    if pairs.as_member:
        blocks.append(section(t(locale, "chooser.as_member")))
        for view in pairs.as_member:
            status = t(locale, "status.picked" if counts.get(view.pair_id) else "status.not_picked")
            block = section(
                t(
                    locale,
                    "chooser.member_line",
                    leader=esc(view.leader_name),
                    kind=t(locale, f"pair_kind.as_member.{view.kind.value}"),
                    when=slot_text(view, locale, timezone),
                    status=status,
                )
            )
            block["accessory"] = button(
                t(locale, "button.pick"), ids.OPEN_PICKER, str(view.pair_id), style=Style.primary
            )
            blocks.append(block)
    if pairs.as_leader:
        if blocks:
            blocks.append(divider())
        blocks.append(section(t(locale, "chooser.as_leader")))
        blocks += leader_rows(pairs.as_leader, counts, locale=locale, timezone=timezone)
    return modal(t(locale, "chooser.title"), blocks, locale, callback_id=ids.CHOOSER_CALLBACK)


def leader_rows(
    views: list[PairView], counts: Mapping[int, int], *, locale: str, timezone: str
) -> list[Block]:
    """A button per member for small teams; a compact list plus selects for large ones."""
    lines = [
        t(
            locale,
            "chooser.leader_line",
            member=esc(v.member_name),
            when=slot_text(v, locale, timezone),
            status=t(locale, "status.picked" if counts.get(v.pair_id) else "status.not_picked"),
        )
        for v in views
    ]
    if len(views) <= MEMBER_BUTTONS_MAX:
        blocks: list[Block] = []
        for view, line in zip(views, lines, strict=True):
            block = section(line)
            block["accessory"] = button(
                t(locale, "button.view_picks"), ids.VIEW_PICKS, str(view.pair_id)
            )
            blocks.append(block)
        return blocks
    return lines_as_sections(lines) + paged_selects(
        ids.VIEW_PICKS_SELECT,
        t(locale, "chooser.select_member"),
        [option(v.member_name, str(v.pair_id)) for v in views],
    )


def refusal_view(locale: str) -> dict[str, Any]:
    return modal(t(locale, "chooser.title"), [section(t(locale, "error.not_your_pair"))], locale)


def confirmation_message(picks: PairPicks, *, locale: str, timezone: str) -> list[Block]:
    return [
        section(
            t(
                locale,
                "picks.saved",
                leader=esc(picks.leader.name),
                when=slot_text(picks, locale, timezone),
            )
        ),
        *picks_section_blocks(picks.picks, locale),
        context(t(locale, "picks.saved_footer")),
    ]
