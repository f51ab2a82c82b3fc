"""Block Kit for picks: the member's picker, the chooser, the leader's view and the notices."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.catalog import EXPECTATIONS, Expectation, expectation_def, label
from bot.core.message import cut, esc
from bot.features.org import PairsOf, PairView
from bot.features.picks import (
    FREE_TOPIC_MAX,
    NOTE_MAX,
    FieldError,
    PairPicks,
    Pick,
    pick_lines,
)
from bot.i18n import t
from bot.i18n.format import format_datetime
from handlers.slack import ids
from handlers.slack.blocks import Block, context, divider, section

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


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": _plain(text),
        "action_id": action_id,
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


def metadata(pair_id: int) -> str:
    return json.dumps({"pair_id": pair_id})


def slot_text(picks: PairPicks | PairView, locale: str, timezone: str) -> str:
    moment = picks.slot_at if isinstance(picks, PairPicks) else picks.next_slot_at
    if moment is None:
        return t(locale, "picks.next_unscheduled")
    return format_datetime(moment, locale, timezone)


def _expectation_option(exp: Expectation, locale: str) -> dict[str, Any]:
    return {"text": _plain(label(expectation_def(exp), locale)), "value": exp.value}


def _expectation_block(topic_label: str, key: str, state: PickerState, locale: str) -> Block:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.PICKER_EXPECTATION,
        "placeholder": _plain(t(locale, "picker.expectation_placeholder")),
        "options": [_expectation_option(e.key, locale) for e in EXPECTATIONS],
    }
    current = state.expectations.get(key)
    if current in {e.value for e in Expectation}:
        element["initial_option"] = _expectation_option(Expectation(current), locale)
    return {
        "type": "input",
        "block_id": f"{ids.PICKER_EXPECTATION_BLOCK}{key}",
        "label": _plain(t(locale, "picker.expectation_label", topic=topic_label), 2000),
        "element": element,
    }


def _note_block(key: str, state: PickerState, locale: str) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.PICKER_NOTE,
        "multiline": True,
        "max_length": NOTE_MAX,
        "placeholder": _plain(t(locale, "picker.note_placeholder"), 150),
    }
    if state.notes.get(key):
        element["initial_value"] = state.notes[key][:NOTE_MAX]
    return {
        "type": "input",
        "block_id": f"{ids.PICKER_NOTE_BLOCK}{key}",
        "optional": True,
        "label": _plain(t(locale, "picker.note_label"), 2000),
        "element": element,
    }


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
        options: list[dict[str, Any]] = [
            {"text": _plain(label_of(topic, locale)), "value": str(topic.id)}
            for topic in topics[start : start + CHECKBOX_GROUP]
        ]
        element: dict[str, Any] = {
            "type": "checkboxes",
            "action_id": ids.PICKER_TOPICS,
            "options": options,
        }
        initial = [o for o in options if int(o["value"]) in chosen]
        if initial:
            element["initial_options"] = initial
        blocks.append(
            {
                "type": "input",
                "block_id": f"{ids.PICKER_TOPICS_BLOCK}{group}",
                "optional": True,
                # Choosing a topic redraws the modal so its expectation input appears.
                "dispatch_action": True,
                "label": _plain(
                    t(locale, "picker.topics_label" if group == 0 else "picker.topics_more"),
                    2000,
                ),
                "element": element,
            }
        )
    for topic in topics:
        if topic.id in chosen:
            key = _key(topic.id)
            blocks.append(_expectation_block(label_of(topic, locale), key, state, locale))
            blocks.append(_note_block(key, state, locale))
    free_element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.PICKER_FREE,
        "max_length": FREE_TOPIC_MAX,
        "placeholder": _plain(t(locale, "picker.free_placeholder"), 150),
        "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
    }
    if state.free_topic:
        free_element["initial_value"] = state.free_topic[:FREE_TOPIC_MAX]
    blocks.append(divider())
    blocks.append(
        {
            "type": "input",
            "block_id": ids.PICKER_FREE_BLOCK,
            "optional": True,
            "label": _plain(t(locale, "picker.free_label"), 2000),
            "element": free_element,
        }
    )
    if state.free_topic:
        blocks.append(_expectation_block(state.free_topic, FREE, state, locale))
        blocks.append(_note_block(FREE, state, locale))
    blocks.append(context(t(locale, "picker.expectations_help")))
    return {
        "type": "modal",
        "callback_id": ids.PICKER_CALLBACK,
        "private_metadata": metadata(picks.pair_id),
        "title": _plain(t(locale, "picker.title"), 24),
        "submit": _plain(t(locale, "picker.submit"), 24),
        "close": _plain(t(locale, "modal.close"), 24),
        "blocks": blocks,
    }


def label_of(topic: Any, locale: str) -> str:
    return str(topic.label_en if locale == "en" else topic.label_ja)


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
    from handlers.slack.blocks import lines_as_sections

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
    return {
        "type": "modal",
        "callback_id": ids.PICKS_VIEW_CALLBACK,
        "title": _plain(t(locale, "picks.view_title"), 24),
        "close": _plain(t(locale, "modal.close"), 24),
        "blocks": blocks[:100],
    }


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
                t(locale, "button.pick"), ids.OPEN_PICKER, str(view.pair_id), primary=True
            )
            blocks.append(block)
    if pairs.as_leader:
        if blocks:
            blocks.append(divider())
        blocks.append(section(t(locale, "chooser.as_leader")))
        blocks += leader_rows(pairs.as_leader, counts, locale=locale, timezone=timezone)
    return {
        "type": "modal",
        "callback_id": ids.CHOOSER_CALLBACK,
        "title": _plain(t(locale, "chooser.title"), 24),
        "close": _plain(t(locale, "modal.close"), 24),
        "blocks": blocks[:100],
    }


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
    from handlers.slack.blocks import lines_as_sections

    blocks = lines_as_sections(lines)
    selects = []
    for start in range(0, len(views), 100):  # 100 options per select
        selects.append(
            {
                "type": "static_select",
                "action_id": f"{ids.VIEW_PICKS_SELECT}{start // 100}",
                "placeholder": _plain(t(locale, "chooser.select_member")),
                "options": [
                    {"text": _plain(v.member_name), "value": str(v.pair_id)}
                    for v in views[start : start + 100]
                ],
            }
        )
    for start in range(0, len(selects), 25):  # 25 elements per actions block
        blocks.append({"type": "actions", "elements": selects[start : start + 25]})
    return blocks


def refusal_view(locale: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": _plain(t(locale, "chooser.title"), 24),
        "close": _plain(t(locale, "modal.close"), 24),
        "blocks": [section(t(locale, "error.not_your_pair"))],
    }


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
