"""Block Kit for memos, TODOs and reflections: the memo modals, the TODO modal, the reflection
modal and this feature's part of App Home. The memo thread's first message and the reflection
DMs are the feature's neutral messages (bot/features/memos/presenters.py).

Memo text comes from people: it is escaped, and cut to fit Block Kit's limits here (it is
stored whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.catalog import expectation_def, label
from bot.core.message import Style, esc
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
from bot.i18n import localized, t
from handlers.slack import ids
from handlers.slack.blocks import (
    MAX_VIEW_BLOCKS,
    Block,
    actions,
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

# How much of one memo the history shows; the whole text stays stored.
ENTRY_SHOWN = 700
HOME_TODOS = 8
PAIR_BUTTONS_MAX = 15
SCORE_VALUES = (5, 4, 3, 2, 1)


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


def info_view(locale: str, key: str) -> dict[str, Any]:
    """A modal that only says something (a refusal, "already a TODO", ...)."""
    return modal(
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
            block["accessory"] = button(t(locale, "memo.open_button"), ids.MEMO_PAIR, str(pair_id))
            blocks.append(block)
    else:
        blocks += paged_selects(
            ids.MEMO_PAIR_SELECT,
            t(locale, "memo.choose_placeholder"),
            [option(text, str(pair_id)) for pair_id, text in labels],
        )
    return modal(t(locale, "memo.title"), blocks, locale, callback_id=ids.MEMO_CHOOSER_CALLBACK)


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
        actions(
            [
                button(
                    t(locale, "memo.add_button"),
                    ids.MEMO_ADD,
                    str(history.pair_id),
                    style=Style.primary,
                ),
                button(t(locale, "todo.add_button"), ids.TODO_ADD, str(history.pair_id)),
            ]
        ),
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
        paging.append(button(t(locale, "memo.newer"), ids.MEMO_PAGE, str(history.page - 1)))
    if history.has_older:
        paging.append(button(t(locale, "memo.older"), ids.MEMO_PAGE, str(history.page + 1)))
    tail: list[Block] = [actions(paging)] if paging else []

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
    return modal(
        t(locale, "memo.title"),
        head + body + tail,
        locale,
        callback_id=ids.MEMO_HISTORY_CALLBACK,
        private_metadata=metadata(pair_id=history.pair_id, page=history.page),
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
        return modal(
            t(locale, "memo.add_title"),
            [intro, section(t(locale, "memo.add_no_slot"))],
            locale,
            callback_id=ids.MEMO_INFO_CALLBACK,
        )
    options = [
        option(memo_text.when(c.starts_at, locale, timezone), str(c.slot_id)) for c in form.slots
    ]
    select = static_select(ids.MEMO_ADD_SLOT, options, initial=str(form.default_slot_id))
    text = text_input(
        ids.MEMO_ADD_TEXT,
        multiline=True,
        max_length=ENTRY_MAX,
        placeholder=t(locale, "memo.add_text_placeholder"),
    )
    kind = checkboxes(ids.MEMO_ADD_KIND, [option(t(locale, "memo.add_kind_option"), NEXT_FOCUS)])
    blocks: list[Block] = [
        intro,
        input_block(ids.MEMO_ADD_SLOT_BLOCK, t(locale, "memo.add_slot_label"), select),
        input_block(ids.MEMO_ADD_TEXT_BLOCK, t(locale, "memo.add_text_label"), text),
        input_block(ids.MEMO_ADD_KIND_BLOCK, t(locale, "memo.add_kind_label"), kind, optional=True),
        context(t(locale, "privacy.notice")),
    ]
    return modal(
        t(locale, "memo.add_title"),
        blocks,
        locale,
        callback_id=ids.MEMO_ADD_CALLBACK,
        submit=t(locale, "memo.save"),
        private_metadata=metadata(pair_id=form.pair_id),
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
        option(t(locale, "todo.owner_option", name=draft.leader_name), str(draft.leader_id)),
        option(t(locale, "todo.owner_option", name=draft.member_name), str(draft.member_id)),
    ]
    initial = owners[0] if draft.actor_id == draft.leader_id else owners[1]
    text = text_input(
        ids.TODO_TEXT,
        multiline=True,
        max_length=TODO_MAX,
        placeholder=t(locale, "todo.text_placeholder"),
        initial=draft.text,
    )
    blocks: list[Block] = [
        section(
            t(
                locale,
                "todo.intro",
                leader=esc(draft.leader_name),
                member=esc(draft.member_name),
            )
        ),
        input_block(ids.TODO_TEXT_BLOCK, t(locale, "todo.text_label"), text),
        input_block(
            ids.TODO_OWNER_BLOCK,
            t(locale, "todo.owner_label"),
            {
                "type": "radio_buttons",
                "action_id": ids.TODO_OWNER,
                "options": owners,
                "initial_option": initial,
            },
        ),
        input_block(
            ids.TODO_DUE_BLOCK,
            t(locale, "todo.due_label"),
            {"type": "datepicker", "action_id": ids.TODO_DUE},
            optional=True,
            hint=t(locale, "todo.due_hint"),
        ),
        context(t(locale, "todo.footer")),
    ]
    private = metadata(
        pair_id=draft.pair_id,
        slot_id=draft.slot_id,
        channel=draft.source.conversation if draft.source else None,
        ts=draft.source.message_id if draft.source else None,
    )
    return modal(
        t(locale, "todo.title"),
        blocks,
        locale,
        callback_id=ids.TODO_CALLBACK,
        submit=t(locale, "memo.save"),
        private_metadata=private,
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


def _score_input(
    block_id: str, text: str, score: int | None, locale: str, *, scale: dict[int, str] = MET_SCALE
) -> Block:
    element = static_select(
        ids.REFLECTION_SCORE,
        [option(t(locale, scale[s]), str(s)) for s in SCORE_VALUES],
        placeholder=t(locale, "reflection.score_placeholder"),
        initial=None if score is None else str(score),
    )
    return input_block(block_id, text, element)


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
        return modal(
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
    comment = text_input(
        ids.REFLECTION_COMMENT,
        multiline=True,
        max_length=COMMENT_MAX,
        placeholder=t(locale, "reflection.comment_placeholder"),
        initial=form.comment,
    )
    blocks.append(
        input_block(
            ids.REFLECTION_COMMENT_BLOCK,
            t(locale, "reflection.comment_label"),
            comment,
            optional=True,
        )
    )
    shared = option(t(locale, "reflection.share_option", leader=form.leader_name), "share")
    share = checkboxes(ids.REFLECTION_SHARE, [shared], ticked=[shared] if form.share else None)
    blocks.append(
        input_block(
            ids.REFLECTION_SHARE_BLOCK, t(locale, "reflection.share_label"), share, optional=True
        )
    )
    if form.answered and form.change_until is not None:
        until = memo_text.when(form.change_until, locale, timezone)
        blocks.append(context(t(locale, "reflection.answered", until=until)))
    return modal(
        t(locale, "reflection.title"),
        blocks,
        locale,
        callback_id=ids.REFLECTION_CALLBACK,
        submit=t(locale, "reflection.submit"),
        private_metadata=metadata(slot_id=form.slot_id),
    )


def reflection_thanks_view(*, locale: str, comment_shared: bool) -> dict[str, Any]:
    blocks = [section(t(locale, "reflection.thanks"))]
    if comment_shared:
        blocks.append(context(t(locale, "reflection.thanks_shared")))
    return modal(t(locale, "reflection.title"), blocks, locale, callback_id=ids.MEMO_INFO_CALLBACK)


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
    block["accessory"] = checkboxes(
        ids.TODO_DONE, [option(t(locale, "todo.done_option"), str(item.item_id))]
    )
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
            hint = localized(locale, exp.hint_ja, exp.hint_en)
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
            t(
                locale,
                "insight.topic_count",
                topic=esc(localized(locale, tc.label_ja, tc.label_en)),
                count=tc.count,
            )
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
    blocks.append(actions([button(t(locale, "memo.home_button"), ids.MEMO_OPEN, "home")]))
    if overview.pairs.as_member:
        blocks += [divider(), *history_blocks(extras.history, locale)]
    if overview.pairs.as_leader:
        blocks += [divider(), *insight_blocks(extras.insight, locale)]
    return blocks
