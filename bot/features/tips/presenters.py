"""What the tips feature tells people, as neutral Messages (each surface lays them out).

A tip's title and body come from people: they are escaped, and cut where a message shows only
a preview (the tip is stored whole).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.catalog import expectation_def, label
from bot.core import actions
from bot.core.message import (
    Actions,
    Button,
    Choice,
    Element,
    Heading,
    Markup,
    Menu,
    Message,
    Note,
    Style,
    Text,
    cut,
    esc,
    presents,
)
from bot.features.tips.service import (
    ShareOutcome,
    TipCard,
    TipGone,
    TipPost,
    TipsConfig,
    TipsConfigSaved,
    TipShared,
    TipsWeekly,
    TipsWelcome,
    TipThanks,
)
from bot.i18n import t
from bot.i18n.format import Weekday

WEEKLY_BODY_PREVIEW = 200
THANKS_TITLES = 20  # the author's weekly note lists at most this many tips


def expectation_label(key: str | None, locale: str) -> str | None:
    if not key:
        return None
    try:
        return label(expectation_def(key), locale)
    except KeyError:
        return None


def tags_line(card: TipCard, locale: str) -> Markup:
    """The tip's topic, expectation, author and helpful count on one line."""
    parts: list[str] = []
    topic = card.topic(locale)
    if topic:
        parts.append(t(locale, "tips.tag_topic", topic=esc(topic)))
    expectation = expectation_label(card.expectation, locale)
    if expectation:
        parts.append(t(locale, "tips.tag_expectation", expectation=expectation))
    if card.starter:
        parts.append(t(locale, "tips.starter_tag"))
    elif card.author_name:
        parts.append(t(locale, "tips.by", name=esc(card.author_name)))
    parts.append(t(locale, "tips.helpful_count", count=card.helpful_count))
    return " ・ ".join(parts)


def card_text(card: TipCard, body_limit: int | None = None) -> Markup:
    """The title in bold over the body; a preview cuts the body (before escaping it)."""
    body = card.body if body_limit is None else cut(card.body, body_limit)
    return f"*{esc(card.title)}*\n{esc(body)}"


def helpful_button(card: TipCard, locale: str, *, marked: bool = False) -> Button:
    key = "tips.helpful_button_marked" if marked else "tips.helpful_button"
    return Button(
        t(locale, key, count=card.helpful_count),
        actions.TIP_HELPFUL,
        str(card.tip_id),
        Style.primary if marked else Style.default,
    )


def tip_menu(card: TipCard, locale: str) -> Menu:
    return Menu(
        actions.TIP_MENU,
        (
            Choice(t(locale, "tips.menu_edit"), f"edit:{card.tip_id}"),
            Choice(t(locale, "tips.menu_delete"), f"delete:{card.tip_id}"),
        ),
    )


def tip_actions(card: TipCard, items: tuple[Button | Menu, ...]) -> Actions:
    """The row of one tip's actions, named so an update can find the tip's helpful button."""
    return Actions(items, group=f"{actions.TIP_ACTIONS_GROUP}{card.tip_id}")


def schedule_text(config: TipsConfig, locale: str) -> str:
    return t(
        locale,
        "tips.schedule",
        weekday=Weekday(config.weekday, locale),
        time=config.time.strftime("%H:%M"),
        timezone=config.timezone,
    )


# --- one tip -------------------------------------------------------------------------------------


@presents(TipPost)
def tip_post(notice: TipPost, locale: str, timezone: str) -> Message:
    """The tip's message in the managers' channel (everyone there sees the same message); it
    is updated in place when the helpful count changes."""
    card = notice.card
    return Message(
        fallback=t(locale, "tips.post_fallback", title=card.title),
        body=(Text(card_text(card)), Note(tags_line(card, locale))),
        tail=(tip_actions(card, (helpful_button(card, locale), tip_menu(card, locale))),),
    )


@presents(TipGone)
def tip_gone(notice: TipGone, locale: str, timezone: str) -> Message:
    text = t(locale, "tips.gone")
    return Message(fallback=text, body=(Note(text),))


# --- notices -------------------------------------------------------------------------------------

_OUTCOME_KEYS = {
    ShareOutcome.posted: "tips.shared.posted",
    ShareOutcome.not_in_channel: "tips.shared.not_in_channel",
    ShareOutcome.channel_not_found: "tips.shared.channel_not_found",
    ShareOutcome.no_channel: "tips.shared.no_channel",
    ShareOutcome.failed: "tips.shared.failed",
    ShareOutcome.busy: "tips.shared.failed",
}


@presents(TipShared)
def tip_shared(notice: TipShared, locale: str, timezone: str) -> Message:
    text = t(
        locale,
        _OUTCOME_KEYS[notice.outcome],
        title=esc(notice.title),
        channel=notice.channel or "",
    )
    if notice.outcome is ShareOutcome.posted:
        return Message(fallback=text, body=(Text(text),))
    again = Button(
        t(locale, "tips.shared.post_again"),
        actions.TIP_POST_AGAIN,
        str(notice.tip_id),
        Style.primary,
    )
    return Message(
        fallback=text,
        body=(Text(text),),
        tail=(Actions((again,)), Note(t(locale, "tips.shared.kept"))),
    )


@presents(TipsWelcome)
def tips_welcome(notice: TipsWelcome, locale: str, timezone: str) -> Message:
    text = t(locale, "tips.welcome", schedule=schedule_text(notice.config, locale))
    return Message(fallback=text, body=(Text(text), Note(t(locale, "tips.welcome_howto"))))


_CHECK_KEYS = {
    ShareOutcome.not_in_channel: "tips.config.saved_not_in_channel",
    ShareOutcome.channel_not_found: "tips.config.saved_not_in_channel",
    ShareOutcome.failed: "tips.config.saved_failed",
    ShareOutcome.busy: "tips.config.saved_failed",
    ShareOutcome.no_channel: "tips.config.saved_no_channel",
}


@presents(TipsConfigSaved)
def tips_config_saved(notice: TipsConfigSaved, locale: str, timezone: str) -> Message:
    config = notice.config
    channel = (
        t(locale, "tips.config.channel_value", channel=config.channel)
        if config.channel
        else t(locale, "tips.config.no_channel")
    )
    text = t(locale, "tips.config.saved", channel=channel, schedule=schedule_text(config, locale))
    body: list[Element] = [Text(text)]
    if notice.channel_check is not None and notice.channel_check in _CHECK_KEYS:
        body.append(
            Text(t(locale, _CHECK_KEYS[notice.channel_check], channel=config.channel or ""))
        )
    elif notice.pending_posted:
        body.append(Note(t(locale, "tips.config.pending_posted", count=notice.pending_posted)))
    return Message(fallback=text, body=tuple(body))


def _day(moment: datetime, locale: str, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return t(locale, "tips.date", month=local.month, day=local.day)


@presents(TipsWeekly)
def tips_weekly(notice: TipsWeekly, locale: str, timezone: str) -> Message:
    # The digest's own time zone, and the last day covered is the day before it goes out.
    since = _day(notice.since, locale, notice.timezone)
    until = _day(notice.until - timedelta(days=1), locale, notice.timezone)
    title = t(locale, "tips.weekly.title", since=since, until=until)
    body: list[Element] = [Heading(title), Note(t(locale, "tips.weekly.intro"))]
    for card in notice.cards:
        body += [Text(card_text(card, WEEKLY_BODY_PREVIEW)), Note(tags_line(card, locale))]
    return Message(fallback=title, body=tuple(body), tail=(Note(t(locale, "tips.weekly.footer")),))


@presents(TipThanks)
def tip_thanks(notice: TipThanks, locale: str, timezone: str) -> Message:
    text = t(locale, "tips.thanks.intro", total=notice.total)
    lines = [
        t(locale, "tips.thanks.line", title=esc(title), count=count)
        for title, count in notice.items[:THANKS_TITLES]
    ]
    return Message(
        fallback=text,
        body=(Text(text), Text("\n".join(lines))),
        tail=(Note(t(locale, "tips.thanks.footer")),),
    )
