"""Block Kit for tips: the tip form, the channel message, browsing, settings and notices."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalog import EXPECTATIONS, expectation_def, label
from bot.features.tips import (
    BODY_MAX,
    FREE_TOPIC_MAX,
    TITLE_MAX,
    TOPIC_GROUPS,
    SearchPage,
    ShareOutcome,
    TipCard,
    TipFieldError,
    TipGone,
    TipPost,
    TipQuery,
    TipsConfig,
    TipsConfigSaved,
    TipShared,
    TipsWeekly,
    TipsWelcome,
    TipThanks,
)
from bot.i18n import t
from handlers.slack import ids
from handlers.slack.blocks import (
    Block,
    context,
    cut,
    divider,
    header,
    message_blocks,
    mrkdwn_escape,
    section,
)
from handlers.slack.renderers import Rendered, renders

ANY = "any"  # the "no filter" option (an option's value cannot be empty)
BROWSE_BODY_PREVIEW = 280
WEEKLY_BODY_PREVIEW = 200
WORDS_MAX = 100


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text), "value": value}


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


def _modal(title: str, blocks: list[Block], locale: str, **extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": _plain(title, 24),
        "close": _plain(t(locale, "modal.close"), 24),
        "blocks": blocks[:100],
    }
    view.update(extra)
    return view


def _topic_options(locale: str, *, with_any: bool) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    if with_any:
        groups.append(
            {"label": _plain(t(locale, "tips.filter_any")), "options": [_any_option(locale)]}
        )
    for group in TOPIC_GROUPS:
        groups.append(
            {
                "label": _plain(group.label(locale)),
                "options": [
                    _option(topic.en if locale == "en" else topic.ja, topic.key)
                    for topic in group.topics
                ],
            }
        )
    return groups


def _any_option(locale: str) -> dict[str, Any]:
    return _option(t(locale, "tips.filter_any"), ANY)


def _topic_option(key: str | None, locale: str) -> dict[str, Any] | None:
    for group in TOPIC_GROUPS:
        for topic in group.topics:
            if topic.key == key:
                return _option(topic.en if locale == "en" else topic.ja, topic.key)
    return None


def _expectation_option(key: str | None, locale: str) -> dict[str, Any] | None:
    for exp in EXPECTATIONS:
        if exp.key.value == key:
            return _option(label(exp, locale), exp.key.value)
    return None


def expectation_label(key: str | None, locale: str) -> str | None:
    if not key:
        return None
    try:
        return label(expectation_def(key), locale)
    except KeyError:
        return None


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
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": block_id,
        "max_length": max_length,
        "multiline": multiline,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": _plain(label_text, 2000),
        "element": element,
    }


def tip_form_view(form: TipForm, *, locale: str, tip_id: int | None = None) -> dict[str, Any]:
    topic: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.TIP_TOPIC,
        "placeholder": _plain(t(locale, "tips.form.topic_placeholder")),
        "option_groups": _topic_options(locale, with_any=False),
    }
    initial_topic = _topic_option(form.topic_key, locale)
    if initial_topic is not None:
        topic["initial_option"] = initial_topic
    expectation: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.TIP_EXPECTATION,
        "placeholder": _plain(t(locale, "tips.form.expectation_placeholder")),
        "options": [_option(label(e, locale), e.key.value) for e in EXPECTATIONS],
    }
    initial_exp = _expectation_option(form.expectation, locale)
    if initial_exp is not None:
        expectation["initial_option"] = initial_exp
    blocks: list[Block] = [
        section(t(locale, "tips.form.intro")),
        context(t(locale, "tips.form.privacy")),
        {
            "type": "input",
            "block_id": ids.TIP_TOPIC,
            "optional": True,
            "label": _plain(t(locale, "tips.form.topic_label"), 2000),
            "element": topic,
        },
        _text_input(
            ids.TIP_FREE_TOPIC,
            t(locale, "tips.form.free_topic_label"),
            max_length=FREE_TOPIC_MAX,
            initial=form.free_topic,
            optional=True,
            placeholder=t(locale, "tips.form.free_topic_placeholder"),
        ),
        {
            "type": "input",
            "block_id": ids.TIP_EXPECTATION,
            "label": _plain(t(locale, "tips.form.expectation_label"), 2000),
            "element": expectation,
        },
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
    return _modal(
        t(locale, title_key),
        blocks,
        locale,
        callback_id=ids.TIP_FORM_CALLBACK,
        private_metadata=json.dumps({"tip_id": tip_id} if tip_id is not None else {}),
        submit=_plain(t(locale, "tips.form.submit"), 24),
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


# --- one tip ----------------------------------------------------------------------------------


def tags_line(card: TipCard, locale: str) -> str:
    parts: list[str] = []
    topic = card.topic(locale)
    if topic:
        parts.append(t(locale, "tips.tag_topic", topic=mrkdwn_escape(topic)))
    expectation = expectation_label(card.expectation, locale)
    if expectation:
        parts.append(t(locale, "tips.tag_expectation", expectation=expectation))
    if card.starter:
        parts.append(t(locale, "tips.starter_tag"))
    elif card.author_name:
        parts.append(t(locale, "tips.by", name=mrkdwn_escape(card.author_name)))
    parts.append(t(locale, "tips.helpful_count", count=card.helpful_count))
    return " ・ ".join(parts)


def _menu(card: TipCard, locale: str) -> dict[str, Any]:
    return {
        "type": "overflow",
        "action_id": ids.TIP_MENU,
        "options": [
            _option(t(locale, "tips.menu_edit"), f"edit:{card.tip_id}"),
            _option(t(locale, "tips.menu_delete"), f"delete:{card.tip_id}"),
        ],
    }


def _helpful_button(card: TipCard, locale: str, *, marked: bool = False) -> dict[str, Any]:
    key = "tips.helpful_button_marked" if marked else "tips.helpful_button"
    return _button(
        t(locale, key, count=card.helpful_count),
        ids.TIP_HELPFUL,
        str(card.tip_id),
        primary=marked,
    )


def tip_blocks(card: TipCard, locale: str) -> list[Block]:
    """The tip's message in the managers' channel (everyone there sees the same message)."""
    return [
        section(f"*{mrkdwn_escape(card.title)}*\n{mrkdwn_escape(card.body)}"),
        context(tags_line(card, locale)),
        {
            "type": "actions",
            "block_id": f"{ids.TIP_ACTIONS_BLOCK}{card.tip_id}",
            "elements": [_helpful_button(card, locale), _menu(card, locale)],
        },
    ]


@renders(TipPost)
def render_tip_post(notice: TipPost, locale: str, timezone: str) -> Rendered:
    text = t(locale, "tips.post_fallback", title=notice.card.title)
    return Rendered(text, tip_blocks(notice.card, locale))


@renders(TipGone)
def render_tip_gone(notice: TipGone, locale: str, timezone: str) -> Rendered:
    text = t(locale, "tips.gone")
    return Rendered(text, [context(text)])


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
    return {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "dispatch_action": True,
        "label": _plain(label_text, 2000),
        "element": element,
    }


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
    words: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.TIPS_WORDS,
        "max_length": WORDS_MAX,
        "placeholder": _plain(t(locale, "tips.browse.words_placeholder"), 150),
        "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
    }
    if query.words:
        words["initial_value"] = query.words[:WORDS_MAX]
    blocks: list[Block] = [
        {
            "type": "input",
            "block_id": ids.TIPS_WORDS,
            "optional": True,
            "dispatch_action": True,
            "label": _plain(t(locale, "tips.browse.words_label"), 2000),
            "element": words,
        },
        _filter_select(
            ids.TIPS_FILTER_TOPIC,
            t(locale, "tips.browse.topic_label"),
            {"option_groups": _topic_options(locale, with_any=True)},
            _topic_option(query.topic_key, locale),
        ),
        _filter_select(
            ids.TIPS_FILTER_EXPECTATION,
            t(locale, "tips.browse.expectation_label"),
            {
                "options": [_any_option(locale)]
                + [_option(label(e, locale), e.key.value) for e in EXPECTATIONS]
            },
            _expectation_option(query.expectation, locale),
        ),
        context(_summary(page, locale)),
    ]
    for card in page.cards:
        blocks.append(divider())
        body = cut(card.body, BROWSE_BODY_PREVIEW)
        blocks.append(section(f"*{mrkdwn_escape(card.title)}*\n{mrkdwn_escape(body)}"))
        blocks.append(context(tags_line(card, locale)))
        elements: list[dict[str, Any]] = []
        if page.can_mark and card.tip_id not in page.manageable:
            elements.append(_helpful_button(card, locale, marked=card.tip_id in page.marked))
        if card.tip_id in page.manageable:
            elements.append(_menu(card, locale))
        if elements:
            blocks.append(
                {
                    "type": "actions",
                    "block_id": f"{ids.TIP_ACTIONS_BLOCK}{card.tip_id}",
                    "elements": elements,
                }
            )
    paging: list[dict[str, Any]] = []
    if query.page > 0:
        paging.append(
            _button(t(locale, "tips.browse.prev"), ids.TIPS_PAGE_PREV, str(query.page - 1))
        )
    if page.has_next:
        paging.append(
            _button(t(locale, "tips.browse.next"), ids.TIPS_PAGE_NEXT, str(query.page + 1))
        )
    if paging:
        blocks += [divider(), {"type": "actions", "elements": paging}]
    blocks.append(context(t(locale, "tips.browse.footer")))
    return _modal(
        t(locale, "tips.browse.title"),
        blocks,
        locale,
        callback_id=ids.TIPS_BROWSE_CALLBACK,
        private_metadata=query_metadata(query),
        submit=_plain(t(locale, "tips.browse.submit"), 24),
    )


def notice_view(locale: str, key: str) -> dict[str, Any]:
    """A small modal with one message (a refusal, or "that tip is gone")."""
    return _modal(t(locale, "tips.notice_title"), [section(t(locale, key))], locale)


def delete_confirm_view(card: TipCard, *, locale: str) -> dict[str, Any]:
    blocks = [
        section(t(locale, "tips.delete.question", title=mrkdwn_escape(card.title))),
        context(t(locale, "tips.delete.starter_note" if card.starter else "tips.delete.note")),
    ]
    return _modal(
        t(locale, "tips.delete.title"),
        blocks,
        locale,
        callback_id=ids.TIP_DELETE_CALLBACK,
        private_metadata=json.dumps({"tip_id": card.tip_id}),
        submit=_plain(t(locale, "tips.delete.submit"), 24),
    )


# --- settings ------------------------------------------------------------------------------------


def weekday_name(weekday: int, locale: str) -> str:
    return t(locale, f"tips.weekday.{weekday}")


def config_view(config: TipsConfig, *, locale: str) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.TIPS_CONFIG_CHANNEL,
        "placeholder": _plain(t(locale, "tips.config.channel_placeholder")),
        "filter": {
            "include": ["public", "private"],
            "exclude_bot_users": True,
            "exclude_external_shared_channels": True,
        },
    }
    if config.channel and not config.channel_from_env:
        channel["initial_conversation"] = config.channel
    weekdays = [_option(weekday_name(d, locale), str(d)) for d in range(7)]
    blocks: list[Block] = [
        section(t(locale, "tips.config.intro")),
        {
            "type": "input",
            "block_id": ids.TIPS_CONFIG_CHANNEL,
            "optional": True,
            "label": _plain(t(locale, "tips.config.channel_label"), 2000),
            "element": channel,
        },
    ]
    if config.channel_from_env and config.channel:
        blocks.append(context(t(locale, "tips.config.channel_from_env", channel=config.channel)))
    blocks += [
        context(t(locale, "tips.config.invite_hint")),
        {
            "type": "input",
            "block_id": ids.TIPS_CONFIG_WEEKDAY,
            "label": _plain(t(locale, "tips.config.weekday_label"), 2000),
            "element": {
                "type": "static_select",
                "action_id": ids.TIPS_CONFIG_WEEKDAY,
                "options": weekdays,
                "initial_option": weekdays[config.weekday],
            },
        },
        {
            "type": "input",
            "block_id": ids.TIPS_CONFIG_TIME,
            "label": _plain(t(locale, "tips.config.time_label"), 2000),
            "element": {
                "type": "timepicker",
                "action_id": ids.TIPS_CONFIG_TIME,
                "initial_time": config.time.strftime("%H:%M"),
            },
        },
        _text_input(
            ids.TIPS_CONFIG_TIMEZONE,
            t(locale, "tips.config.timezone_label"),
            max_length=64,
            initial=config.timezone,
            placeholder="Asia/Tokyo",
        ),
    ]
    return _modal(
        t(locale, "tips.config.title"),
        blocks,
        locale,
        callback_id=ids.TIPS_CONFIG_CALLBACK,
        submit=_plain(t(locale, "tips.config.submit"), 24),
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


def schedule_text(config: TipsConfig, locale: str) -> str:
    return t(
        locale,
        "tips.schedule",
        weekday=weekday_name(config.weekday, locale),
        time=config.time.strftime("%H:%M"),
        timezone=config.timezone,
    )


# --- notices -------------------------------------------------------------------------------------

_OUTCOME_KEYS = {
    ShareOutcome.posted: "tips.shared.posted",
    ShareOutcome.not_in_channel: "tips.shared.not_in_channel",
    ShareOutcome.channel_not_found: "tips.shared.channel_not_found",
    ShareOutcome.no_channel: "tips.shared.no_channel",
    ShareOutcome.failed: "tips.shared.failed",
    ShareOutcome.busy: "tips.shared.failed",
}


@renders(TipShared)
def render_tip_shared(notice: TipShared, locale: str, timezone: str) -> Rendered:
    text = t(
        locale,
        _OUTCOME_KEYS[notice.outcome],
        title=mrkdwn_escape(notice.title),
        channel=notice.channel or "",
    )
    blocks: list[Block] = [section(text)]
    if notice.outcome is not ShareOutcome.posted:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    _button(
                        t(locale, "tips.shared.post_again"),
                        ids.TIP_POST_AGAIN,
                        str(notice.tip_id),
                        primary=True,
                    )
                ],
            }
        )
        blocks.append(context(t(locale, "tips.shared.kept")))
    return Rendered(text, blocks)


@renders(TipsWelcome)
def render_welcome(notice: TipsWelcome, locale: str, timezone: str) -> Rendered:
    text = t(locale, "tips.welcome", schedule=schedule_text(notice.config, locale))
    return Rendered(text, [section(text), context(t(locale, "tips.welcome_howto"))])


_CHECK_KEYS = {
    ShareOutcome.not_in_channel: "tips.config.saved_not_in_channel",
    ShareOutcome.channel_not_found: "tips.config.saved_not_in_channel",
    ShareOutcome.failed: "tips.config.saved_failed",
    ShareOutcome.busy: "tips.config.saved_failed",
    ShareOutcome.no_channel: "tips.config.saved_no_channel",
}


@renders(TipsConfigSaved)
def render_config_saved(notice: TipsConfigSaved, locale: str, timezone: str) -> Rendered:
    config = notice.config
    channel = (
        t(locale, "tips.config.channel_value", channel=config.channel)
        if config.channel
        else t(locale, "tips.config.no_channel")
    )
    text = t(locale, "tips.config.saved", channel=channel, schedule=schedule_text(config, locale))
    blocks: list[Block] = [section(text)]
    if notice.channel_check is not None and notice.channel_check in _CHECK_KEYS:
        blocks.append(
            section(t(locale, _CHECK_KEYS[notice.channel_check], channel=config.channel or ""))
        )
    elif notice.pending_posted:
        blocks.append(context(t(locale, "tips.config.pending_posted", count=notice.pending_posted)))
    return Rendered(text, blocks)


def _day(moment: datetime, locale: str, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return t(locale, "tips.date", month=local.month, day=local.day)


@renders(TipsWeekly)
def render_weekly(notice: TipsWeekly, locale: str, timezone: str) -> Rendered:
    # The last day covered is the day before the digest goes out.
    since = _day(notice.since, locale, notice.timezone)
    until = _day(notice.until - timedelta(days=1), locale, notice.timezone)
    title = t(locale, "tips.weekly.title", since=since, until=until)
    blocks: list[Block] = [header(title), context(t(locale, "tips.weekly.intro"))]
    for card in notice.cards:
        body = cut(card.body, WEEKLY_BODY_PREVIEW)
        blocks.append(section(f"*{mrkdwn_escape(card.title)}*\n{mrkdwn_escape(body)}"))
        blocks.append(context(tags_line(card, locale)))
    return Rendered(title, message_blocks(blocks, [context(t(locale, "tips.weekly.footer"))]))


@renders(TipThanks)
def render_thanks(notice: TipThanks, locale: str, timezone: str) -> Rendered:
    text = t(locale, "tips.thanks.intro", total=notice.total)
    lines = [
        t(locale, "tips.thanks.line", title=mrkdwn_escape(title), count=count)
        for title, count in notice.items[:20]
    ]
    blocks: list[Block] = [
        section(text),
        section("\n".join(lines)),
        context(t(locale, "tips.thanks.footer")),
    ]
    return Rendered(text, blocks)
