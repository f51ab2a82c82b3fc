"""Block Kit for admins in chat: the menu, adding and ending a pair, the topic lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.message import esc
from bot.features.admin import (
    AddedPair,
    AdminFieldError,
    CatalogScreen,
    EndedPair,
    PairForm,
    PairsOfPerson,
    PairSummary,
    SetView,
    TopicView,
)
from bot.features.org import SET_NAME_MAX, TOPIC_LABEL_MAX
from bot.i18n import t
from handlers.slack import ids
from handlers.slack.blocks import (
    Block,
    actions,
    button,
    checkboxes,
    context,
    input_block,
    metadata,
    modal,
    option,
    section,
    static_select,
    text_input,
)

View = dict[str, Any]
MAX_SET_OPTIONS = 100


def notice_view(locale: str, key: str, **params: object) -> View:
    """A small modal with one message (a refusal, or what was done)."""
    return modal(t(locale, "admin.notice_title"), [section(t(locale, key, **params))], locale)


def menu_view(locale: str) -> View:
    return modal(
        t(locale, "admin.menu.title"),
        [
            section(t(locale, "admin.menu.intro")),
            actions(
                [
                    button(t(locale, "admin.menu.add_pair"), ids.ADMIN_OPEN_PAIR, "pair"),
                    button(t(locale, "admin.menu.end_pair"), ids.ADMIN_OPEN_END, "end"),
                    button(t(locale, "admin.menu.topics"), ids.ADMIN_OPEN_TOPICS, "topics"),
                ]
            ),
        ],
        locale,
        callback_id=ids.ADMIN_MENU_CALLBACK,
    )


def _users_select(action_id: str, initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "users_select", "action_id": action_id}
    if initial:
        element["initial_user"] = initial
    return element


def _datepicker(action_id: str, initial: date | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker", "action_id": action_id}
    if initial is not None:
        element["initial_date"] = initial.isoformat()
    return element


def _set_options(sets: list[SetView], locale: str) -> list[dict[str, Any]]:
    return [option(s.name(locale), s.key) for s in sets][:MAX_SET_OPTIONS]


def kind_label(kind: str, locale: str) -> str:
    return t(locale, f"admin.kind.{kind}")


def pair_view(form: PairForm, locale: str) -> View:
    kinds = [option(kind_label(k.value, locale), k.value) for k in form.kinds]
    programs = [option(t(locale, f"admin.program.{p}"), p) for p in form.programs]
    blocks: list[Block] = [
        input_block(
            ids.ADMIN_LEADER, t(locale, "admin.pair.leader"), _users_select(ids.ADMIN_LEADER)
        ),
        input_block(
            ids.ADMIN_MEMBER, t(locale, "admin.pair.member"), _users_select(ids.ADMIN_MEMBER)
        ),
        input_block(
            ids.ADMIN_KIND, t(locale, "admin.pair.kind"), static_select(ids.ADMIN_KIND, kinds)
        ),
        input_block(
            ids.ADMIN_PROGRAM,
            t(locale, "admin.pair.program"),
            static_select(ids.ADMIN_PROGRAM, programs),
            optional=True,
        ),
        input_block(
            ids.ADMIN_TOPIC_SET,
            t(locale, "admin.pair.topic_set"),
            static_select(ids.ADMIN_TOPIC_SET, _set_options(form.topic_sets, locale)),
            optional=True,
            hint=t(locale, "admin.pair.topic_set_hint"),
        ),
        input_block(
            ids.ADMIN_STARTS_ON,
            t(locale, "admin.pair.starts_on"),
            _datepicker(ids.ADMIN_STARTS_ON),
            optional=True,
        ),
        input_block(
            ids.ADMIN_ENDS_ON,
            t(locale, "admin.pair.ends_on"),
            _datepicker(ids.ADMIN_ENDS_ON),
            optional=True,
        ),
        context(t(locale, "admin.pair.hint")),
    ]
    return modal(
        t(locale, "admin.pair.title"),
        blocks,
        locale,
        callback_id=ids.ADMIN_PAIR_CALLBACK,
        submit=t(locale, "admin.pair.submit"),
    )


def added_view(added: AddedPair, locale: str) -> View:
    pair = added.pair
    lines = [
        t(
            locale,
            "admin.pair.added",
            leader=esc(pair.leader_name),
            member=esc(pair.member_name),
            kind=kind_label(pair.kind.value, locale),
        ),
        t(
            locale,
            "admin.pair.added_cadence" if pair.has_cadence else "admin.pair.added_no_cadence",
        ),
    ]
    return modal(t(locale, "admin.notice_title"), [section("\n".join(lines))], locale)


def _pair_option(pair: PairSummary, locale: str) -> dict[str, Any]:
    text = t(
        locale,
        "admin.end.pair_option",
        leader=pair.leader_name,
        member=pair.member_name,
        kind=kind_label(pair.kind.value, locale),
    )
    return option(text, str(pair.pair_id))


def end_view(
    locale: str, today: date, found: PairsOfPerson | None = None, *, user: str | None = None
) -> View:
    """The end form; once a person (`user`) is chosen, with their pairs (`found`). A redraw
    starts the inputs afresh, so the chosen person is given again."""
    blocks: list[Block] = [
        input_block(
            ids.ADMIN_END_PERSON,
            t(locale, "admin.end.person"),
            _users_select(ids.ADMIN_END_PERSON, user),
            dispatch=True,
            hint=t(locale, "admin.end.person_hint"),
        )
    ]
    if found is not None and found.pairs:
        options = [_pair_option(p, locale) for p in found.pairs][:MAX_SET_OPTIONS]
        blocks.append(
            input_block(
                ids.ADMIN_END_PAIR,
                t(locale, "admin.end.pair"),
                static_select(ids.ADMIN_END_PAIR, options, initial=options[0]["value"]),
            )
        )
    elif found is not None:
        blocks.append(section(t(locale, "admin.end.no_pairs", name=esc(found.person_name))))
    blocks += [
        input_block(
            ids.ADMIN_END_DATE, t(locale, "admin.end.date"), _datepicker(ids.ADMIN_END_DATE, today)
        ),
        context(t(locale, "admin.end.note")),
    ]
    return modal(
        t(locale, "admin.end.title"),
        blocks,
        locale,
        callback_id=ids.ADMIN_END_CALLBACK,
        submit=t(locale, "admin.end.submit"),
    )


def ended_view(ended: EndedPair, locale: str) -> View:
    pair = ended.pair
    assert pair.ends_on is not None
    lines = [
        t(
            locale,
            "admin.end.done",
            leader=esc(pair.leader_name),
            member=esc(pair.member_name),
            kind=kind_label(pair.kind.value, locale),
            day=pair.ends_on.isoformat(),
        )
    ]
    if ended.cancelled:
        lines.append(t(locale, "admin.end.cancelled", count=ended.cancelled))
    return modal(t(locale, "admin.notice_title"), [section("\n".join(lines))], locale)


def _topic_block(topic: TopicView, locale: str) -> Block:
    marks = []
    if not topic.active:
        marks.append(t(locale, "admin.topics.hidden"))
    if not topic.shipped:
        marks.append(t(locale, "admin.topics.own"))
    elif topic.changed:
        marks.append(t(locale, "admin.topics.changed"))
    text = t(locale, "admin.topics.line", ja=esc(topic.label_ja), en=esc(topic.label_en))
    if marks:
        text += "  " + "  ".join(marks)
    block = section(text)
    block["accessory"] = button(t(locale, "admin.topics.edit"), ids.ADMIN_TOPIC_EDIT, str(topic.id))
    return block


def catalog_view(screen: CatalogScreen, locale: str) -> View:
    current = screen.current
    options = [option(s.name(locale), str(s.id)) for s in screen.sets][:MAX_SET_OPTIONS]
    blocks: list[Block] = [
        actions(
            [
                static_select(ids.ADMIN_CATALOG_SET, options, initial=str(current.id)),
                button(t(locale, "admin.topics.add"), ids.ADMIN_TOPIC_ADD, str(current.id)),
                button(t(locale, "admin.topics.new_set"), ids.ADMIN_SET_NEW, "new"),
            ]
        ),
        section(t(locale, "admin.topics.intro", name=esc(current.name(locale)), key=current.key)),
    ]
    blocks += [_topic_block(topic, locale) for topic in screen.topics]
    if not screen.topics:
        blocks.append(context(t(locale, "admin.topics.empty")))
    return modal(
        t(locale, "admin.topics.title"),
        blocks,
        locale,
        callback_id=ids.ADMIN_CATALOG_CALLBACK,
        private_metadata=metadata(set_id=current.id),
    )


def topic_view(locale: str, *, topic: TopicView | None = None, set_id: int | None = None) -> View:
    hide = option(t(locale, "admin.topic.hidden_option"), "hidden")
    hint = t(locale, "admin.topic.hint", limit=TOPIC_LABEL_MAX)
    blocks: list[Block] = [
        input_block(
            ids.ADMIN_TOPIC_LABEL_JA,
            t(locale, "admin.topic.label_ja"),
            text_input(
                ids.ADMIN_TOPIC_LABEL_JA,
                max_length=TOPIC_LABEL_MAX,
                initial=topic.label_ja if topic else None,
            ),
            hint=hint,
        ),
        input_block(
            ids.ADMIN_TOPIC_LABEL_EN,
            t(locale, "admin.topic.label_en"),
            text_input(
                ids.ADMIN_TOPIC_LABEL_EN,
                max_length=TOPIC_LABEL_MAX,
                initial=topic.label_en if topic else None,
            ),
        ),
        input_block(
            ids.ADMIN_TOPIC_HIDDEN,
            t(locale, "admin.topic.hidden"),
            checkboxes(
                ids.ADMIN_TOPIC_HIDDEN,
                [hide],
                ticked=[hide] if topic and not topic.active else None,
            ),
            optional=True,
        ),
    ]
    if topic is not None and topic.changed and topic.shipped_labels is not None:
        ja, en = topic.shipped_labels
        blocks.append(context(t(locale, "admin.topic.shipped", ja=esc(ja), en=esc(en))))
    meta = metadata(topic_id=topic.id) if topic else metadata(set_id=set_id)
    return modal(
        t(locale, "admin.topic.title_edit" if topic else "admin.topic.title_new"),
        blocks,
        locale,
        callback_id=ids.ADMIN_TOPIC_CALLBACK,
        private_metadata=meta,
        submit=t(locale, "admin.topic.submit"),
    )


def set_view(sets: list[SetView], locale: str) -> View:
    copy = [option(s.name(locale), str(s.id)) for s in sets][:MAX_SET_OPTIONS]
    blocks: list[Block] = [
        input_block(
            ids.ADMIN_SET_NAME_JA,
            t(locale, "admin.set.name_ja"),
            text_input(ids.ADMIN_SET_NAME_JA, max_length=SET_NAME_MAX),
        ),
        input_block(
            ids.ADMIN_SET_NAME_EN,
            t(locale, "admin.set.name_en"),
            text_input(ids.ADMIN_SET_NAME_EN, max_length=SET_NAME_MAX),
        ),
        input_block(
            ids.ADMIN_SET_COPY,
            t(locale, "admin.set.copy_from"),
            static_select(ids.ADMIN_SET_COPY, copy),
            optional=True,
            hint=t(locale, "admin.set.copy_hint"),
        ),
    ]
    return modal(
        t(locale, "admin.set.title"),
        blocks,
        locale,
        callback_id=ids.ADMIN_SET_CALLBACK,
        submit=t(locale, "admin.set.submit"),
    )


_BLOCKS = {
    "leader": ids.ADMIN_LEADER,
    "member": ids.ADMIN_MEMBER,
    "kind": ids.ADMIN_KIND,
    "program": ids.ADMIN_PROGRAM,
    "topic_set": ids.ADMIN_TOPIC_SET,
    "starts_on": ids.ADMIN_STARTS_ON,
    "pair": ids.ADMIN_END_PAIR,
    "label_ja": ids.ADMIN_TOPIC_LABEL_JA,
    "label_en": ids.ADMIN_TOPIC_LABEL_EN,
    "name_ja": ids.ADMIN_SET_NAME_JA,
    "name_en": ids.ADMIN_SET_NAME_EN,
    "copy_from": ids.ADMIN_SET_COPY,
}


def field_errors(errors: list[AdminFieldError], locale: str, view: View) -> dict[str, str]:
    """The service's field errors on the blocks of the form being submitted. An error on a
    field the form does not show (the end form before a person is chosen) lands on the
    form's first input, so it is never lost."""
    callback = view.get("callback_id")
    shown = {b.get("block_id") for b in view.get("blocks") or [] if isinstance(b, dict)}
    blocks = dict(_BLOCKS)
    blocks["ends_on"] = (
        ids.ADMIN_END_DATE if callback == ids.ADMIN_END_CALLBACK else ids.ADMIN_ENDS_ON
    )
    first = next(
        (
            b.get("block_id")
            for b in view.get("blocks") or []
            if isinstance(b, dict) and b.get("type") == "input"
        ),
        None,
    )
    limit = SET_NAME_MAX if callback == ids.ADMIN_SET_CALLBACK else TOPIC_LABEL_MAX
    out: dict[str, str] = {}
    for error in errors:
        block = blocks.get(error.field)
        if block not in shown:
            block = first
        if block is None or block in out:
            continue
        out[str(block)] = (
            t(locale, f"admin.error.{error.code}", limit=limit)
            if error.code == "too_long"
            else t(locale, f"admin.error.{error.code}")
        )
    return out
