"""Block Kit for tips: the tip form, browsing and settings. The tip's channel message and the
feature's notices are its neutral messages (bot/features/tips/presenters.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.catalog import EXPECTATIONS, label
from bot.core.message import Button, Menu, esc
from bot.features.tips import (
    BODY_MAX,
    FREE_TOPIC_MAX,
    TITLE_MAX,
    TOPIC_GROUPS,
    SearchPage,
    TipCard,
    TipFieldError,
    TipQuery,
    TipsConfig,
)
from bot.features.tips import presenters as tip_text
from bot.i18n import t
from bot.i18n.format import Weekday
from handlers.slack import ids
from handlers.slack.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    input_block,
    metadata,
    modal,
    option,
    plain,
    section,
    static_select,
    text_input,
)
from handlers.slack.message import blocks_of

ANY = "any"  # the "no filter" option (an option's value cannot be empty)
BROWSE_BODY_PREVIEW = 280
WORDS_MAX = 100


def _topic_options(locale: str, *, with_any: bool) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    if with_any:
        groups.append(
            {"label": plain(t(locale, "tips.filter_any")), "options": [_any_option(locale)]}
        )
    for group in TOPIC_GROUPS:
        groups.append(
            {
                "label": plain(label(group, locale)),
                "options": [option(label(topic, locale), topic.key) for topic in group.topics],
            }
        )
    return groups


def _any_option(locale: str) -> dict[str, Any]:
    return option(t(locale, "tips.filter_any"), ANY)


def _topic_option(key: str | None, locale: str) -> dict[str, Any] | None:
    for group in TOPIC_GROUPS:
        for topic in group.topics:
            if topic.key == key:
                return option(label(topic, locale), topic.key)
    return None


def _expectation_options(locale: str) -> list[dict[str, Any]]:
    return [option(label(e, locale), e.key.value) for e in EXPECTATIONS]


def _expectation_option(key: str | None, locale: str) -> dict[str, Any] | None:
    return next((o for o in _expectation_options(locale) if o["value"] == key), None)


# --- the tip form ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TipForm:
    """What the form shows: empty for a new tip, the tip's values when editing."""

    topic_key: str | None = None
    free_topic: str | None = None
    expectation: str | None = None
    title: str = ""
    body: str = ""

    @classmethod
    def of(cls, card: TipCard) -> TipForm:
        return cls(card.topic_key, card.free_topic, card.expectation, card.title, card.body)


def _text_input(
    block_id: str,
    label_text: str,
    *,
    max_length: int,
    initial: str | None,
    optional: bool = False,
    multiline: bool = False,
    placeholder: str | None = None,
) -> Block:
    element = text_input(
        block_id,
        max_length=max_length,
        multiline=multiline,
        placeholder=placeholder,
        initial=initial,
    )
    return input_block(block_id, label_text, element, optional=optional)


def tip_form_view(form: TipForm, *, locale: str, tip_id: int | None = None) -> dict[str, Any]:
    topic: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.TIP_TOPIC,
        "placeholder": plain(t(locale, "tips.form.topic_placeholder")),
        "option_groups": _topic_options(locale, with_any=False),
    }
    initial_topic = _topic_option(form.topic_key, locale)
    if initial_topic is not None:
        topic["initial_option"] = initial_topic
    expectation = static_select(
        ids.TIP_EXPECTATION,
        _expectation_options(locale),
        placeholder=t(locale, "tips.form.expectation_placeholder"),
        initial=form.expectation,
    )
    blocks: list[Block] = [
        section(t(locale, "tips.form.intro")),
        context(t(locale, "tips.form.privacy")),
        input_block(ids.TIP_TOPIC, t(locale, "tips.form.topic_label"), topic, optional=True),
        _text_input(
            ids.TIP_FREE_TOPIC,
            t(locale, "tips.form.free_topic_label"),
            max_length=FREE_TOPIC_MAX,
            initial=form.free_topic,
            optional=True,
            placeholder=t(locale, "tips.form.free_topic_placeholder"),
        ),
        input_block(ids.TIP_EXPECTATION, t(locale, "tips.form.expectation_label"), expectation),
        _text_input(
            ids.TIP_TITLE,
            t(locale, "tips.form.title_label"),
            max_length=TITLE_MAX,
            initial=form.title,
            placeholder=t(locale, "tips.form.title_placeholder"),
        ),
        _text_input(
            ids.TIP_BODY,
            t(locale, "tips.form.body_label"),
            max_length=BODY_MAX,
            initial=form.body,
            multiline=True,
            placeholder=t(locale, "tips.form.body_placeholder"),
        ),
    ]
    title_key = "tips.form.title_edit" if tip_id is not None else "tips.form.title_new"
    return modal(
        t(locale, title_key),
        blocks,
        locale,
        callback_id=ids.TIP_FORM_CALLBACK,
        private_metadata=json.dumps({"tip_id": tip_id} if tip_id is not None else {}),
        submit=t(locale, "tips.form.submit"),
    )


_FIELD_BLOCKS = {
    "topic": ids.TIP_TOPIC,
    "free_topic": ids.TIP_FREE_TOPIC,
    "expectation": ids.TIP_EXPECTATION,
    "title": ids.TIP_TITLE,
    "body": ids.TIP_BODY,
}


def tip_form_errors(errors: list[TipFieldError], locale: str) -> dict[str, str]:
    limits = {"free_topic": FREE_TOPIC_MAX, "title": TITLE_MAX, "body": BODY_MAX}
    out: dict[str, str] = {}
    for error in errors:
        block = _FIELD_BLOCKS.get(error.field)
        if block is None:
            continue
        if error.code == "too_long":
            message = t(locale, "tips.error.too_long", limit=limits.get(error.field, 0))
        elif error.code == "unknown":
            message = t(locale, "tips.error.unknown_choice")
        else:
            message = t(locale, f"tips.error.required_{error.field}")
        out.setdefault(block, message)
    return out


# --- browsing -----------------------------------------------------------------------------------


def query_metadata(query: TipQuery) -> str:
    return json.dumps(
        {"w": query.words, "t": query.topic_key, "e": query.expectation, "p": query.page},
        ensure_ascii=False,
    )


def query_from_metadata(raw: str | None) -> TipQuery:
    """The query a browse modal last ran; odd values become "no filter"."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    words, topic, exp, page = data.get("w"), data.get("t"), data.get("e"), data.get("p")
    return TipQuery(
        words=words[:WORDS_MAX] if isinstance(words, str) else "",
        topic_key=topic if isinstance(topic, str) else None,
        expectation=exp if isinstance(exp, str) else None,
        page=page if isinstance(page, int) and 0 <= page < 1000 else 0,
    )


def _filter_select(
    block_id: str, label_text: str, options: dict[str, Any], initial: dict[str, Any] | None
) -> Block:
    element: dict[str, Any] = {"type": "static_select", "action_id": block_id, **options}
    if initial is not None:
        element["initial_option"] = initial
    return input_block(block_id, label_text, element, optional=True, dispatch=True)


def _summary(page: SearchPage, locale: str) -> str:
    shown = len(page.cards)
    if shown == 0:
        return t(locale, "tips.browse.none")
    first = page.query.page * page.page_size + 1
    last = first + shown - 1
    if page.capped:
        return t(locale, "tips.browse.capped", first=first, last=last)
    return t(locale, "tips.browse.count", total=page.total or 0, first=first, last=last)


def browse_view(page: SearchPage, *, locale: str) -> dict[str, Any]:
    query = page.query
    words = text_input(
        ids.TIPS_WORDS,
        max_length=WORDS_MAX,
        placeholder=t(locale, "tips.browse.words_placeholder"),
        initial=query.words,
        on_enter=True,
    )
    blocks: list[Block] = [
        input_block(
            ids.TIPS_WORDS,
            t(locale, "tips.browse.words_label"),
            words,
            optional=True,
            dispatch=True,
        ),
        _filter_select(
            ids.TIPS_FILTER_TOPIC,
            t(locale, "tips.browse.topic_label"),
            {"option_groups": _topic_options(locale, with_any=True)},
            _topic_option(query.topic_key, locale),
        ),
        _filter_select(
            ids.TIPS_FILTER_EXPECTATION,
            t(locale, "tips.browse.expectation_label"),
            {"options": [_any_option(locale), *_expectation_options(locale)]},
            _expectation_option(query.expectation, locale),
        ),
        context(_summary(page, locale)),
    ]
    for card in page.cards:
        blocks.append(divider())
        blocks.append(section(tip_text.card_text(card, BROWSE_BODY_PREVIEW)))
        blocks.append(context(tip_text.tags_line(card, locale)))
        items: list[Button | Menu] = []
        if page.can_mark and card.tip_id not in page.manageable:
            marked = card.tip_id in page.marked
            items.append(tip_text.helpful_button(card, locale, marked=marked))
        if card.tip_id in page.manageable:
            items.append(tip_text.tip_menu(card, locale))
        if items:
            blocks += blocks_of((tip_text.tip_actions(card, tuple(items)),))
    paging: list[dict[str, Any]] = []
    if query.page > 0:
        paging.append(
            button(t(locale, "tips.browse.prev"), ids.TIPS_PAGE_PREV, str(query.page - 1))
        )
    if page.has_next:
        paging.append(
            button(t(locale, "tips.browse.next"), ids.TIPS_PAGE_NEXT, str(query.page + 1))
        )
    if paging:
        blocks += [divider(), actions(paging)]
    blocks.append(context(t(locale, "tips.browse.footer")))
    return modal(
        t(locale, "tips.browse.title"),
        blocks,
        locale,
        callback_id=ids.TIPS_BROWSE_CALLBACK,
        private_metadata=query_metadata(query),
        submit=t(locale, "tips.browse.submit"),
    )


def notice_view(locale: str, key: str) -> dict[str, Any]:
    """A small modal with one message (a refusal, or "that tip is gone")."""
    return modal(t(locale, "tips.notice_title"), [section(t(locale, key))], locale)


def delete_confirm_view(card: TipCard, *, locale: str) -> dict[str, Any]:
    blocks = [
        section(t(locale, "tips.delete.question", title=esc(card.title))),
        context(t(locale, "tips.delete.starter_note" if card.starter else "tips.delete.note")),
    ]
    return modal(
        t(locale, "tips.delete.title"),
        blocks,
        locale,
        callback_id=ids.TIP_DELETE_CALLBACK,
        private_metadata=metadata(tip_id=card.tip_id),
        submit=t(locale, "tips.delete.submit"),
    )


# --- settings ------------------------------------------------------------------------------------


def config_view(config: TipsConfig, *, locale: str) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.TIPS_CONFIG_CHANNEL,
        "placeholder": plain(t(locale, "tips.config.channel_placeholder")),
        "filter": {
            "include": ["public", "private"],
            "exclude_bot_users": True,
            "exclude_external_shared_channels": True,
        },
    }
    if config.channel and not config.channel_from_env:
        channel["initial_conversation"] = config.channel
    weekdays = [
        option(t(locale, "tips.config.weekday_option", day=Weekday(d, locale)), str(d))
        for d in range(7)
    ]
    blocks: list[Block] = [
        section(t(locale, "tips.config.intro")),
        input_block(
            ids.TIPS_CONFIG_CHANNEL, t(locale, "tips.config.channel_label"), channel, optional=True
        ),
    ]
    if config.channel_from_env and config.channel:
        blocks.append(context(t(locale, "tips.config.channel_from_env", channel=config.channel)))
    blocks += [
        context(t(locale, "tips.config.invite_hint")),
        input_block(
            ids.TIPS_CONFIG_WEEKDAY,
            t(locale, "tips.config.weekday_label"),
            static_select(ids.TIPS_CONFIG_WEEKDAY, weekdays, initial=str(config.weekday)),
        ),
        input_block(
            ids.TIPS_CONFIG_TIME,
            t(locale, "tips.config.time_label"),
            {
                "type": "timepicker",
                "action_id": ids.TIPS_CONFIG_TIME,
                "initial_time": config.time.strftime("%H:%M"),
            },
        ),
        _text_input(
            ids.TIPS_CONFIG_TIMEZONE,
            t(locale, "tips.config.timezone_label"),
            max_length=64,
            initial=config.timezone,
            placeholder="Asia/Tokyo",
        ),
    ]
    return modal(
        t(locale, "tips.config.title"),
        blocks,
        locale,
        callback_id=ids.TIPS_CONFIG_CALLBACK,
        submit=t(locale, "tips.config.submit"),
    )


def config_errors(errors: list[TipFieldError], locale: str) -> dict[str, str]:
    blocks = {
        "channel": ids.TIPS_CONFIG_CHANNEL,
        "weekday": ids.TIPS_CONFIG_WEEKDAY,
        "time": ids.TIPS_CONFIG_TIME,
        "timezone": ids.TIPS_CONFIG_TIMEZONE,
    }
    return {
        blocks[e.field]: t(locale, f"tips.config.error_{e.field}")
        for e in errors
        if e.field in blocks
    }
