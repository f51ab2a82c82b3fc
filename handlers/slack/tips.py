"""Listeners for tips: `/1on1 tip`, `/1on1 tips [words]`, `/1on1 config`, and their buttons.

Every tip id arrives in a button value or in private_metadata, both attacker controlled: the
service checks the acting person on each call, and a refusal is shown politely with nothing
stored.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.features.tips import (
    ConfigInput,
    OwnTip,
    TipDraft,
    TipFieldError,
    TipNotFound,
    TipQuery,
)
from bot.i18n import t
from handlers.slack import ids
from handlers.slack import tips_blocks as tb
from handlers.slack.actor import UnknownPerson
from handlers.slack.context import acting
from handlers.slack.messenger import slack_ref
from handlers.slack.outcomes import Via, Wording, answering, errors_of
from handlers.slack.payload import (
    chosen,
    int_id,
    metadata,
    required_id,
    show_modal,
    state_values,
    update_view,
)
from handlers.slack.subcommands import Invocation, subcommand

_MENU = ("edit", "delete")


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    element = (values.get(block_id) or {}).get(block_id) or {}
    return element if isinstance(element, dict) else {}


def _selected(values: dict[str, Any], block_id: str) -> str | None:
    option = _element(values, block_id).get("selected_option") or {}
    value = option.get("value") if isinstance(option, dict) else None
    return str(value) if value else None


def _typed(values: dict[str, Any], block_id: str) -> str:
    return str(_element(values, block_id).get("value") or "")


def draft_from(view: dict[str, Any]) -> TipDraft:
    values = state_values(view)
    return TipDraft(
        topic_key=_selected(values, ids.TIP_TOPIC),
        free_topic=_typed(values, ids.TIP_FREE_TOPIC),
        expectation=_selected(values, ids.TIP_EXPECTATION),
        title=_typed(values, ids.TIP_TITLE),
        body=_typed(values, ids.TIP_BODY),
    )


def query_from_state(view: dict[str, Any]) -> TipQuery:
    """The browse modal's inputs as a fresh query (first page)."""
    values = state_values(view)
    topic = _selected(values, ids.TIPS_FILTER_TOPIC)
    exp = _selected(values, ids.TIPS_FILTER_EXPECTATION)
    return TipQuery(
        words=_typed(values, ids.TIPS_WORDS)[: tb.WORDS_MAX],
        topic_key=None if topic in (None, tb.ANY) else topic,
        expectation=None if exp in (None, tb.ANY) else exp,
    )


def config_from(view: dict[str, Any]) -> ConfigInput:
    values = state_values(view)
    return ConfigInput(
        channel=str(_element(values, ids.TIPS_CONFIG_CHANNEL).get("selected_conversation") or ""),
        weekday=_selected(values, ids.TIPS_CONFIG_WEEKDAY),
        time=str(_element(values, ids.TIPS_CONFIG_TIME).get("selected_time") or ""),
        timezone=_typed(values, ids.TIPS_CONFIG_TIMEZONE),
    )


def _tip_errors(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    return tb.tip_form_errors(errors_of(invalid, TipFieldError), locale)


def _config_errors(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    return tb.config_errors(errors_of(invalid, TipFieldError), locale)


TIPS = Wording(notice=tb.notice_view).saying(
    {NotAllowed: "tips.error.not_yours", NotFound: "tips.error.gone"}
)
NEW_TIP = TIPS.saying({NotAllowed: "tips.error.leaders_only"}).with_fields(_tip_errors)
EDITED_TIP = TIPS.with_fields(_tip_errors)
HELPFUL = TIPS.saying({NotAllowed: "tips.error.helpful_leaders_only", OwnTip: "tips.error.own_tip"})
BROWSE = TIPS.saying({NotAllowed: "tips.error.browse_not_allowed"})
CONFIG = TIPS.saying({NotAllowed: "tips.error.admins_only"}).with_fields(_config_errors)


def tip_form_wording(body: dict[str, Any]) -> Wording:
    """A refused new tip is for leaders only; a refused edit is someone else's tip."""
    return EDITED_TIP if "tip_id" in metadata(body.get("view") or {}) else NEW_TIP


def _tip_id(value: Any) -> int:
    """A tip id this bot wrote into private_metadata (an int, never text)."""
    return required_id(_written(value))


def _written(value: Any) -> int | None:
    """Only an int counts: the bot writes tip ids into private_metadata as ints."""
    return value if isinstance(value, int) else None


# --- sub-commands -------------------------------------------------------------------------------


@subcommand(
    "tip", help_key="tips.help.tip", wording=TIPS.saying({UnknownPerson: "error.unknown_user"})
)
async def on_tip(inv: Invocation) -> None:
    await inv.ack()
    locale, person_id = await inv.actor.locale(), await inv.actor.person_id()
    if not (await inv.services.tips.access(person_id)).leader:
        await inv.respond(text=t(locale, "tips.error.leaders_only"), response_type="ephemeral")
        return
    view = tb.tip_form_view(tb.TipForm(), locale=locale)
    await inv.client.views_open(trigger_id=inv.trigger_id, view=view)


@subcommand(
    "tips", help_key="tips.help.tips", wording=BROWSE.saying({UnknownPerson: "error.unknown_user"})
)
async def on_tips(inv: Invocation) -> None:
    await inv.ack()
    person_id = await inv.actor.person_id()
    page = await inv.services.tips.search(person_id, TipQuery(" ".join(inv.args)[: tb.WORDS_MAX]))
    view = tb.browse_view(page, locale=await inv.actor.locale())
    await inv.client.views_open(trigger_id=inv.trigger_id, view=view)


@subcommand("config", help_key="tips.help.config", wording=CONFIG)
async def on_config(inv: Invocation) -> None:
    await inv.ack()
    config = await inv.services.tips.config_for(await inv.actor.person_id())
    view = tb.config_view(config, locale=await inv.actor.locale())
    await inv.client.views_open(trigger_id=inv.trigger_id, view=view)


# --- buttons and forms ------------------------------------------------------------------------


async def submit_tip(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    """A new tip is shared; an edited one is redrawn where it was shared."""
    meta, draft = metadata(view), draft_from(view)
    act = await acting(None, context)
    tips, person_id, now = act.services.tips, act.person_id, act.now
    if "tip_id" in meta:
        card = await tips.update(person_id, _tip_id(meta["tip_id"]), draft, now=now)
        await ack(response_action="clear")
        await tips.refresh_message(card)
    else:
        new_id = await tips.create(person_id, draft, now=now)
        await ack(response_action="clear")
        await tips.share(new_id, now=now)


async def toggle_helpful(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    act = await acting(ack, context, value=action.get("value"), missing=TipNotFound)
    await act.services.tips.toggle_helpful(act.person_id, act.id, now=act.now)
    view = body.get("view") or {}
    if view.get("callback_id") == ids.TIPS_BROWSE_CALLBACK:
        query = tb.query_from_metadata(view.get("private_metadata"))
        await redraw_browse(client, context, view, query)


async def tip_menu(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """A tip's menu: edit it, or confirm deleting it."""
    await ack()  # before reading the menu's choice: an odd one must not cost the ack
    what, _, raw_id = str(chosen(action) or "").partition(":")
    act = await acting(None, context, value=raw_id if what in _MENU else None)
    card, locale = await act.services.tips.editable(act.person_id, act.id), await act.locale()
    if what == "edit":
        view = tb.tip_form_view(tb.TipForm.of(card), locale=locale, tip_id=card.tip_id)
    else:
        view = tb.delete_confirm_view(card, locale=locale)
    await show_modal(client, body, view)


async def submit_delete(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    act = await acting(None, context, value=_written(metadata(view).get("tip_id")))
    removed = await act.services.tips.delete(act.person_id, act.id, now=act.now)
    notice = tb.notice_view(await act.locale(), "tips.deleted")
    await ack(response_action="update", view=notice)
    await act.services.tips.remove_messages(removed)


async def post_again(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Share a tip again, in reply to the message the button is on (if any)."""
    act = await acting(ack, context, value=action.get("value"))
    container = body.get("container") or {}
    reply_to = None
    if container.get("channel_id") and container.get("message_ts"):
        reply_to = slack_ref(str(container["channel_id"]), str(container["message_ts"]))
    await act.services.tips.share_again(act.person_id, act.id, now=act.now, reply_to=reply_to)


# --- browsing ------------------------------------------------------------------------------


async def redraw_browse(
    client: AsyncWebClient, context: AsyncBoltContext, view: dict[str, Any], query: TipQuery
) -> None:
    act = await acting(None, context)
    page = await act.services.tips.search(act.person_id, query)
    await update_view(client, view, tb.browse_view(page, locale=await act.locale()))


async def submit_browse(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    act = await acting(None, context)
    page = await act.services.tips.search(act.person_id, query_from_state(view))
    await ack(response_action="update", view=tb.browse_view(page, locale=await act.locale()))


async def filter_tips(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Words typed or a filter chosen in the browse modal: its first page again."""
    await ack()
    view = body.get("view") or {}
    await redraw_browse(client, context, view, query_from_state(view))


async def page_tips(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    view = body.get("view") or {}
    query = tb.query_from_metadata(view.get("private_metadata"))
    page = int_id(action.get("value")) or 0
    await redraw_browse(client, context, view, replace(query, page=page))


# --- settings -------------------------------------------------------------------------------


async def submit_config(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    act = await acting(None, context)
    change = await act.services.tips.save_config(act.person_id, config_from(view), now=act.now)
    await ack(response_action="clear")
    await act.services.tips.announce_config(act.person_id, change, now=act.now)


def register(app: AsyncApp, services: Services) -> None:
    app.view(ids.TIP_FORM_CALLBACK)(answering(Via.SUBMISSION, tip_form_wording, submit_tip))
    app.action(ids.TIP_HELPFUL)(answering(Via.REPLY, HELPFUL, toggle_helpful))
    app.action(ids.TIP_MENU)(answering(Via.REPLY, TIPS, tip_menu))
    app.view(ids.TIP_DELETE_CALLBACK)(answering(Via.SUBMISSION, TIPS, submit_delete))
    app.action(ids.TIP_POST_AGAIN)(answering(Via.REPLY, TIPS, post_again))
    app.view(ids.TIPS_BROWSE_CALLBACK)(answering(Via.SUBMISSION, BROWSE, submit_browse))
    for action_id in (ids.TIPS_WORDS, ids.TIPS_FILTER_TOPIC, ids.TIPS_FILTER_EXPECTATION):
        app.action(action_id)(answering(Via.UPDATE, BROWSE, filter_tips))
    app.action(ids.TIPS_PAGE_PREV)(answering(Via.UPDATE, BROWSE, page_tips))
    app.action(ids.TIPS_PAGE_NEXT)(answering(Via.UPDATE, BROWSE, page_tips))
    app.view(ids.TIPS_CONFIG_CALLBACK)(answering(Via.SUBMISSION, CONFIG, submit_config))
