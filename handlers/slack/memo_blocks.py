"""Block Kit for memos, TODOs and reflections: the memo modals, the TODO modal, the reflection
modal and this feature's part of App Home. The memo thread's first message and the reflection
DMs are the feature's neutral messages (bot/features/memos/presenters.py).

Memo text comes from people: it is escaped, and cut to fit Block Kit's limits here (it is
stored whole).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.catalog import expectation_def, label
from bot.core.message import cut, esc
from bot.features.memos import (
    COMMENT_MAX,
    ENTRY_MAX,
    MIN_MEMBERS,
    MIN_REFLECTIONS,
    NEXT_FOCUS,
    TODO_MAX,
    AddForm,
    EntryView,
    Insight,
    InvalidEntry,
    Level,
    MemberHistory,
    MemoHistory,
    PersonItem,
    ReflectionError,
    ReflectionForm,
    StartResult,
    StartState,
    TodoDraft,
    TodoError,
    Trend,
)
from bot.features.memos import presenters as memo_text
from bot.features.org import PairsOf
from bot.features.picks import Overview
from bot.i18n import t
from handlers.slack import ids
from handlers.slack.blocks import (
    MAX_VIEW_BLOCKS,
    Block,
    context,
    divider,
    lines_as_sections,
    section,
)

# How much of one memo the history shows; the whole text stays stored.
ENTRY_SHOWN = 700
HOME_TODOS = 8
PAIR_BUTTONS_MAX = 15
SCORE_VALUES = (5, 4, 3, 2, 1)


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": _plain(text),
        "action_id": action_id,
        "value": value,
    }
    if primary:
        element["style"] = "primary"
    return element


def _metadata(**values: object) -> str:
    return json.dumps(values)


# --- the memo thread -----------------------------------------------------------------------------


def start_result_text(result: StartResult, locale: str) -> str:
    key = {
        StartState.started: "memo.started",
        StartState.already: "memo.already_started",
        StartState.in_progress: "memo.starting",
        StartState.failed: "memo.start_failed",
        StartState.not_startable: "memo.not_startable",
    }[result.state]
    return t(locale, key)


# --- /1on1 memo ----------------------------------------------------------------------------------


def _modal(title: str, blocks: list[Block], locale: str, **extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": _plain(title, 24),
        "close": _plain(t(locale, "modal.close"), 24),
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }
    view.update(extra)
    return view


def info_view(locale: str, key: str) -> dict[str, Any]:
    """A modal that only says something (a refusal, "already a TODO", ...)."""
    return _modal(
        t(locale, "memo.title"),
        [section(t(locale, key))],
        locale,
        callback_id=ids.MEMO_INFO_CALLBACK,
    )


def refusal_view(locale: str) -> dict[str, Any]:
    return info_view(locale, "error.not_your_pair")


def _pair_label(pairs: PairsOf, pair_id: int, person_is_leader: bool, locale: str) -> str:
    view = next(v for v in [*pairs.as_member, *pairs.as_leader] if v.pair_id == pair_id)
    if person_is_leader:
        return t(
            locale,
            "memo.pair_with_member",
            name=view.member_name,
            kind=t(locale, f"pair_kind.as_leader.{view.kind.value}"),
        )
    return t(
        locale,
        "memo.pair_with_leader",
        name=view.leader_name,
        kind=t(locale, f"pair_kind.as_member.{view.kind.value}"),
    )


def chooser_view(pairs: PairsOf, *, locale: str) -> dict[str, Any]:
    """For someone in several pairs: whose memos to open."""
    entries = [(v.pair_id, False) for v in pairs.as_member] + [
        (v.pair_id, True) for v in pairs.as_leader
    ]
    labels = [(pid, _pair_label(pairs, pid, lead, locale)) for pid, lead in entries]
    blocks: list[Block] = [
        section(t(locale, "memo.choose_pair")),
        context(t(locale, "privacy.notice")),
    ]
    if len(labels) <= PAIR_BUTTONS_MAX:
        for pair_id, text in labels:
            block = section(esc(text))
            block["accessory"] = _button(t(locale, "memo.open_button"), ids.MEMO_PAIR, str(pair_id))
            blocks.append(block)
    else:
        selects = [
            {
                "type": "static_select",
                "action_id": f"{ids.MEMO_PAIR_SELECT}{start // 100}",
                "placeholder": _plain(t(locale, "memo.choose_placeholder")),
                "options": [
                    {"text": _plain(text), "value": str(pair_id)}
                    for pair_id, text in labels[start : start + 100]
                ],
            }
            for start in range(0, len(labels), 100)
        ]
        for start in range(0, len(selects), 25):
            blocks.append({"type": "actions", "elements": selects[start : start + 25]})
    return _modal(t(locale, "memo.title"), blocks, locale, callback_id=ids.MEMO_CHOOSER_CALLBACK)


def _entry_line(entry: EntryView, locale: str) -> str:
    key = "memo.entry_focus" if entry.kind == NEXT_FOCUS else "memo.entry"
    line = t(
        locale,
        key,
        author=esc(entry.author_name),
        text=memo_text.shown(entry.text, ENTRY_SHOWN),
    )
    if entry.edited:
        line += " " + t(locale, "memo.edited")
    return line


def history_view(history: MemoHistory, *, locale: str, timezone: str) -> dict[str, Any]:
    head: list[Block] = [
        section(
            t(
                locale,
                "memo.history_title",
                leader=esc(history.leader_name),
                member=esc(history.member_name),
            )
        ),
        context(t(locale, "privacy.notice")),
        {
            "type": "actions",
            "elements": [
                _button(
                    t(locale, "memo.add_button"), ids.MEMO_ADD, str(history.pair_id), primary=True
                ),
                _button(t(locale, "todo.add_button"), ids.TODO_ADD, str(history.pair_id)),
            ],
        },
    ]
    if history.page == 0:
        if history.open_items:
            lines = [
                t(locale, "memo.open_todos"),
                *memo_text.item_lines(history.open_items, locale),
            ]
            head += lines_as_sections(lines)[:5]
        if history.next_focus:
            head.append(
                section(
                    t(locale, "memo.last_focus") + "\n" + memo_text.quote(history.next_focus, 1500)
                )
            )
    head.append(divider())

    paging: list[dict[str, Any]] = []
    if history.page > 0:
        paging.append(_button(t(locale, "memo.newer"), ids.MEMO_PAGE, str(history.page - 1)))
    if history.has_older:
        paging.append(_button(t(locale, "memo.older"), ids.MEMO_PAGE, str(history.page + 1)))
    tail: list[Block] = [{"type": "actions", "elements": paging}] if paging else []

    body: list[Block] = []
    for slot in history.slots:
        body.append(
            section(
                t(
                    locale,
                    "memo.slot_heading",
                    when=memo_text.when(slot.starts_at, locale, timezone),
                )
            )
        )
        if slot.entries:
            body += lines_as_sections([_entry_line(e, locale) for e in slot.entries])
        else:
            body.append(context(t(locale, "memo.slot_empty")))
    if not history.slots:
        body.append(section(t(locale, "memo.no_slots")))
    budget = MAX_VIEW_BLOCKS - len(head) - len(tail)
    if len(body) > budget:
        body = [*body[: budget - 1], context(t(locale, "memo.truncated"))]
    return _modal(
        t(locale, "memo.title"),
        head + body + tail,
        locale,
        callback_id=ids.MEMO_HISTORY_CALLBACK,
        private_metadata=_metadata(pair_id=history.pair_id, page=history.page),
    )


def add_entry_view(form: AddForm, *, locale: str, timezone: str) -> dict[str, Any]:
    intro = section(
        t(
            locale,
            "memo.add_intro",
            leader=esc(form.leader_name),
            member=esc(form.member_name),
        )
    )
    if not form.slots:
        return _modal(
            t(locale, "memo.add_title"),
            [intro, section(t(locale, "memo.add_no_slot"))],
            locale,
            callback_id=ids.MEMO_INFO_CALLBACK,
        )
    options = [
        {"text": _plain(memo_text.when(c.starts_at, locale, timezone)), "value": str(c.slot_id)}
        for c in form.slots
    ]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.MEMO_ADD_SLOT,
        "options": options,
    }
    default = next((o for o in options if o["value"] == str(form.default_slot_id)), None)
    if default is not None:
        select["initial_option"] = default
    blocks: list[Block] = [
        intro,
        {
            "type": "input",
            "block_id": ids.MEMO_ADD_SLOT_BLOCK,
            "label": _plain(t(locale, "memo.add_slot_label"), 2000),
            "element": select,
        },
        {
            "type": "input",
            "block_id": ids.MEMO_ADD_TEXT_BLOCK,
            "label": _plain(t(locale, "memo.add_text_label"), 2000),
            "element": {
                "type": "plain_text_input",
                "action_id": ids.MEMO_ADD_TEXT,
                "multiline": True,
                "max_length": ENTRY_MAX,
                "placeholder": _plain(t(locale, "memo.add_text_placeholder"), 150),
            },
        },
        {
            "type": "input",
            "block_id": ids.MEMO_ADD_KIND_BLOCK,
            "optional": True,
            "label": _plain(t(locale, "memo.add_kind_label"), 2000),
            "element": {
                "type": "checkboxes",
                "action_id": ids.MEMO_ADD_KIND,
                "options": [
                    {"text": _plain(t(locale, "memo.add_kind_option")), "value": NEXT_FOCUS}
                ],
            },
        },
        context(t(locale, "privacy.notice")),
    ]
    return _modal(
        t(locale, "memo.add_title"),
        blocks,
        locale,
        callback_id=ids.MEMO_ADD_CALLBACK,
        submit=_plain(t(locale, "memo.save"), 24),
        private_metadata=_metadata(pair_id=form.pair_id),
    )


def entry_errors(error: InvalidEntry, locale: str) -> dict[str, str]:
    if error.field == "slot":
        return {ids.MEMO_ADD_SLOT_BLOCK: t(locale, "memo.error_slot")}
    if error.code == "too_long":
        return {ids.MEMO_ADD_TEXT_BLOCK: t(locale, "memo.error_too_long", limit=ENTRY_MAX)}
    return {ids.MEMO_ADD_TEXT_BLOCK: t(locale, "memo.error_empty")}


# --- TODOs ---------------------------------------------------------------------------------------


def todo_view(draft: TodoDraft, *, locale: str) -> dict[str, Any]:
    owners = [
        {
            "text": _plain(t(locale, "todo.owner_option", name=draft.leader_name)),
            "value": str(draft.leader_id),
        },
        {
            "text": _plain(t(locale, "todo.owner_option", name=draft.member_name)),
            "value": str(draft.member_id),
        },
    ]
    initial = owners[0] if draft.actor_id == draft.leader_id else owners[1]
    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.TODO_TEXT,
        "multiline": True,
        "max_length": TODO_MAX,
        "placeholder": _plain(t(locale, "todo.text_placeholder"), 150),
    }
    if draft.text:
        text_input["initial_value"] = draft.text[:TODO_MAX]
    blocks: list[Block] = [
        section(
            t(
                locale,
                "todo.intro",
                leader=esc(draft.leader_name),
                member=esc(draft.member_name),
            )
        ),
        {
            "type": "input",
            "block_id": ids.TODO_TEXT_BLOCK,
            "label": _plain(t(locale, "todo.text_label"), 2000),
            "element": text_input,
        },
        {
            "type": "input",
            "block_id": ids.TODO_OWNER_BLOCK,
            "label": _plain(t(locale, "todo.owner_label"), 2000),
            "element": {
                "type": "radio_buttons",
                "action_id": ids.TODO_OWNER,
                "options": owners,
                "initial_option": initial,
            },
        },
        {
            "type": "input",
            "block_id": ids.TODO_DUE_BLOCK,
            "optional": True,
            "label": _plain(t(locale, "todo.due_label"), 2000),
            "hint": _plain(t(locale, "todo.due_hint"), 2000),
            "element": {"type": "datepicker", "action_id": ids.TODO_DUE},
        },
        context(t(locale, "todo.footer")),
    ]
    metadata = _metadata(
        pair_id=draft.pair_id,
        slot_id=draft.slot_id,
        channel=draft.source.conversation if draft.source else None,
        ts=draft.source.message_id if draft.source else None,
    )
    return _modal(
        t(locale, "todo.title"),
        blocks,
        locale,
        callback_id=ids.TODO_CALLBACK,
        submit=_plain(t(locale, "memo.save"), 24),
        private_metadata=metadata,
    )


def todo_errors(errors: Sequence[TodoError], locale: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for error in errors:
        if error.field == "text":
            key = "todo.error_too_long" if error.code == "too_long" else "todo.error_empty"
            out.setdefault(ids.TODO_TEXT_BLOCK, t(locale, key, limit=TODO_MAX))
        elif error.field == "owner":
            out.setdefault(ids.TODO_OWNER_BLOCK, t(locale, "todo.error_owner"))
        else:
            out.setdefault(ids.TODO_DUE_BLOCK, t(locale, "todo.error_past"))
    return out


# --- reflections ---------------------------------------------------------------------------------


# The wording of each 1-5 answer: was the expectation met, and how satisfied overall.
MET_SCALE = {score: f"reflection.score_{score}" for score in SCORE_VALUES}
SATISFACTION_SCALE = {score: f"reflection.satisfaction_{score}" for score in SCORE_VALUES}


def _score_option(scale: dict[int, str], score: int, locale: str) -> dict[str, Any]:
    return {"text": _plain(t(locale, scale[score])), "value": str(score)}


def _score_input(
    block_id: str, text: str, score: int | None, locale: str, *, scale: dict[int, str] = MET_SCALE
) -> Block:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.REFLECTION_SCORE,
        "placeholder": _plain(t(locale, "reflection.score_placeholder")),
        "options": [_score_option(scale, s, locale) for s in SCORE_VALUES],
    }
    if score in SCORE_VALUES:
        assert score is not None
        element["initial_option"] = _score_option(scale, score, locale)
    return {"type": "input", "block_id": block_id, "label": _plain(text, 2000), "element": element}


def reflection_view(form: ReflectionForm, *, locale: str, timezone: str) -> dict[str, Any]:
    leader = esc(form.leader_name)
    when = memo_text.when(form.starts_at, locale, timezone)
    blocks: list[Block] = [
        section(t(locale, "reflection.intro", leader=leader, when=when)),
        context(t(locale, "reflection.privacy", leader=leader)),
    ]
    if not form.editable:
        until = memo_text.when(form.change_until or form.starts_at, locale, timezone)
        blocks.append(section(t(locale, "reflection.closed", until=until)))
        return _modal(
            t(locale, "reflection.title"), blocks, locale, callback_id=ids.MEMO_INFO_CALLBACK
        )
    for item in form.items:
        question = t(
            locale,
            "reflection.item_label",
            topic=item.pick.label(locale),
            expectation=memo_text.expectation(item.pick.expectation, locale),
        )
        blocks.append(
            _score_input(
                f"{ids.REFLECTION_ITEM_BLOCK}{item.agenda_item_id}", question, item.score, locale
            )
        )
    blocks.append(
        _score_input(
            ids.REFLECTION_OVERALL_BLOCK,
            t(locale, "reflection.overall_label"),
            form.overall,
            locale,
            scale=SATISFACTION_SCALE,
        )
    )
    comment: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.REFLECTION_COMMENT,
        "multiline": True,
        "max_length": COMMENT_MAX,
        "placeholder": _plain(t(locale, "reflection.comment_placeholder"), 150),
    }
    if form.comment:
        comment["initial_value"] = form.comment[:COMMENT_MAX]
    blocks.append(
        {
            "type": "input",
            "block_id": ids.REFLECTION_COMMENT_BLOCK,
            "optional": True,
            "label": _plain(t(locale, "reflection.comment_label"), 2000),
            "element": comment,
        }
    )
    option = {
        "text": _plain(t(locale, "reflection.share_option", leader=form.leader_name)),
        "value": "share",
    }
    share: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ids.REFLECTION_SHARE,
        "options": [option],
    }
    if form.share:
        share["initial_options"] = [option]
    blocks.append(
        {
            "type": "input",
            "block_id": ids.REFLECTION_SHARE_BLOCK,
            "optional": True,
            "label": _plain(t(locale, "reflection.share_label"), 2000),
            "element": share,
        }
    )
    if form.answered and form.change_until is not None:
        until = memo_text.when(form.change_until, locale, timezone)
        blocks.append(context(t(locale, "reflection.answered", until=until)))
    return _modal(
        t(locale, "reflection.title"),
        blocks,
        locale,
        callback_id=ids.REFLECTION_CALLBACK,
        submit=_plain(t(locale, "reflection.submit"), 24),
        private_metadata=_metadata(slot_id=form.slot_id),
    )


def reflection_thanks_view(*, locale: str, comment_shared: bool) -> dict[str, Any]:
    blocks = [section(t(locale, "reflection.thanks"))]
    if comment_shared:
        blocks.append(context(t(locale, "reflection.thanks_shared")))
    return _modal(t(locale, "reflection.title"), blocks, locale, callback_id=ids.MEMO_INFO_CALLBACK)


def reflection_closed_view(locale: str) -> dict[str, Any]:
    return info_view(locale, "reflection.closed_short")


def reflection_errors(errors: Sequence[ReflectionError], locale: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for error in errors:
        if error.field == "item":
            out[f"{ids.REFLECTION_ITEM_BLOCK}{error.agenda_item_id}"] = t(
                locale, "reflection.error_score"
            )
        elif error.field == "overall":
            out[ids.REFLECTION_OVERALL_BLOCK] = t(locale, "reflection.error_score")
        else:
            out[ids.REFLECTION_COMMENT_BLOCK] = t(
                locale, "reflection.error_comment", limit=COMMENT_MAX
            )
    return out


# --- App Home ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoHomeExtras:
    """This feature's App Home data for one person, loaded right before their Home is drawn."""

    items: list[PersonItem]
    insight: Insight
    history: MemberHistory


_TREND = {Trend.up: "memo.trend_up", Trend.flat: "memo.trend_flat", Trend.down: "memo.trend_down"}
_LEVEL = {
    Level.strong: "insight.strong",
    Level.steady: "insight.steady",
    Level.weak: "insight.weak",
}


def _trend(trend: Trend | None, locale: str) -> str:
    return t(locale, _TREND[trend]) if trend else ""


def _todo_block(item: PersonItem, locale: str, timezone: str) -> Block:
    due = (
        memo_text.when(item.due_at, locale, timezone) if item.due_at else t(locale, "todo.due_next")
    )
    block = section(
        t(
            locale,
            "todo.home_line",
            text=memo_text.shown(item.text, memo_text.TODO_SHOWN),
            owner=esc(item.owner_name),
            other=esc(item.other_name),
            due=due,
        )
    )
    block["block_id"] = f"{ids.TODO_DONE_BLOCK}{item.item_id}"
    block["accessory"] = {
        "type": "checkboxes",
        "action_id": ids.TODO_DONE,
        "options": [{"text": _plain(t(locale, "todo.done_option")), "value": str(item.item_id)}],
    }
    return block


def insight_blocks(insight: Insight, locale: str) -> list[Block]:
    blocks: list[Block] = [section(t(locale, "insight.title"))]
    if not insight.ready:
        blocks.append(
            context(t(locale, "insight.not_yet", reflections=MIN_REFLECTIONS, members=MIN_MEMBERS))
        )
        return blocks
    lines = [
        t(
            locale,
            "insight.line",
            expectation=memo_text.expectation(stat.expectation, locale),
            mean=f"{stat.mean:.1f}",
            # In steps of ten: an exact percentage would give away how many answers there are.
            met=round(stat.met_rate * 10) * 10,
            level=t(locale, _LEVEL[stat.level]),
            trend=_trend(stat.trend, locale),
        ).rstrip()
        for stat in insight.stats
    ]
    if insight.overall_mean is not None:
        lines.append(
            t(
                locale,
                "insight.overall",
                mean=f"{insight.overall_mean:.1f}",
                trend=_trend(insight.overall_trend, locale),
            ).rstrip()
        )
    blocks += lines_as_sections(lines)
    for stat in insight.stats:
        if stat.level == Level.weak:
            exp = expectation_def(stat.expectation)
            hint = exp.hint_en if locale == "en" else exp.hint_ja
            blocks.append(
                context(t(locale, "insight.hint", expectation=label(exp, locale), hint=hint))
            )
    if insight.thin:
        names = t(locale, "insight.separator").join(
            memo_text.expectation(e, locale) for e in insight.thin
        )
        blocks.append(context(t(locale, "insight.thin", expectations=names)))
    blocks.append(context(t(locale, "insight.footer")))
    return blocks


def history_blocks(history: MemberHistory, locale: str) -> list[Block]:
    blocks: list[Block] = [section(t(locale, "insight.member_title"))]
    lines: list[str] = []
    if history.topics:
        topics = t(locale, "insight.separator").join(
            t(locale, "insight.topic_count", topic=esc(tc.label(locale)), count=tc.count)
            for tc in history.topics
        )
        lines.append(t(locale, "insight.member_topics", topics=topics))
    for met in history.expectations:
        lines.append(
            t(
                locale,
                "insight.member_met",
                expectation=memo_text.expectation(met.expectation, locale),
                met=met.met,
                total=met.total,
            )
        )
    if lines:
        blocks += lines_as_sections(lines)
    if not history.reflections:
        blocks.append(context(t(locale, "insight.member_empty")))
    return blocks


def home_blocks(
    extras: MemoHomeExtras, overview: Overview, *, locale: str, timezone: str
) -> list[Block]:
    """This feature's part of App Home: open TODOs, the member's history, the leader's insight."""
    blocks: list[Block] = [divider(), section(t(locale, "todo.home_title"))]
    if extras.items:
        blocks += [_todo_block(item, locale, timezone) for item in extras.items[:HOME_TODOS]]
        if len(extras.items) > HOME_TODOS:
            blocks.append(
                context(t(locale, "todo.home_more", count=len(extras.items) - HOME_TODOS))
            )
    else:
        blocks.append(context(t(locale, "todo.home_none")))
    blocks.append(
        {
            "type": "actions",
            "elements": [_button(t(locale, "memo.home_button"), ids.MEMO_OPEN, "home")],
        }
    )
    if overview.pairs.as_member:
        blocks += [divider(), *history_blocks(extras.history, locale)]
    if overview.pairs.as_leader:
        blocks += [divider(), *insight_blocks(extras.insight, locale)]
    return blocks
