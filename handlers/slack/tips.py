"""Listeners for tips: `/1on1 tip`, `/1on1 tips [words]`, `/1on1 config`, and their buttons.

Every tip id arrives in a button value or in private_metadata, both attacker controlled: the
service checks the acting person on each call, and a refusal is shown politely with nothing
stored.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.core.errors import NotAllowed
from bot.features.tips import (
    ConfigInput,
    InvalidInput,
    OwnTip,
    TipDraft,
    TipNotFound,
    TipQuery,
)
from bot.i18n import t
from handlers.slack import ids
from handlers.slack import tips_blocks as tb
from handlers.slack.actor import Actor
from handlers.slack.messenger import slack_ref
from handlers.slack.payload import int_id, metadata, show_modal, state_values
from handlers.slack.subcommands import Invocation, subcommand


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


async def _tell(
    client: AsyncWebClient,
    body: dict[str, Any],
    respond: AsyncRespond,
    locale: str,
    key: str,
) -> None:
    """A short answer to a click: in the modal the person is in, else only to them."""
    if body.get("view"):
        await show_modal(client, body, tb.notice_view(locale, key))
    else:
        await respond(text=t(locale, key), response_type="ephemeral", replace_original=False)


async def _person_id(actor: Actor) -> int | None:
    person = await actor.person()
    return person.id if person is not None else None


# --- sub-commands -------------------------------------------------------------------------------


@subcommand("tip", help_key="tips.help.tip")
async def on_tip(inv: Invocation) -> None:
    await inv.ack()
    locale = await inv.actor.locale()
    person_id = await _person_id(inv.actor)
    if person_id is None:
        await inv.respond(text=t(locale, "error.unknown_user"), response_type="ephemeral")
        return
    if not (await inv.services.tips.access(person_id)).leader:
        await inv.respond(text=t(locale, "tips.error.leaders_only"), response_type="ephemeral")
        return
    await inv.client.views_open(
        trigger_id=inv.trigger_id, view=tb.tip_form_view(tb.TipForm(), locale=locale)
    )


@subcommand("tips", help_key="tips.help.tips")
async def on_tips(inv: Invocation) -> None:
    await inv.ack()
    locale = await inv.actor.locale()
    person_id = await _person_id(inv.actor)
    if person_id is None:
        await inv.respond(text=t(locale, "error.unknown_user"), response_type="ephemeral")
        return
    query = TipQuery(words=" ".join(inv.args)[: tb.WORDS_MAX])
    try:
        page = await inv.services.tips.search(person_id, query)
    except NotAllowed:
        await inv.respond(
            text=t(locale, "tips.error.browse_not_allowed"), response_type="ephemeral"
        )
        return
    await inv.client.views_open(trigger_id=inv.trigger_id, view=tb.browse_view(page, locale=locale))


@subcommand("config", help_key="tips.help.config")
async def on_config(inv: Invocation) -> None:
    await inv.ack()
    locale = await inv.actor.locale()
    person_id = await _person_id(inv.actor)
    try:
        if person_id is None:
            raise NotAllowed
        config = await inv.services.tips.config_for(person_id)
    except NotAllowed:
        await inv.respond(text=t(locale, "tips.error.admins_only"), response_type="ephemeral")
        return
    await inv.client.views_open(
        trigger_id=inv.trigger_id, view=tb.config_view(config, locale=locale)
    )


# --- buttons and forms ------------------------------------------------------------------------


def register(app: AsyncApp, services: Services) -> None:
    tips = services.tips

    @app.view(ids.TIP_FORM_CALLBACK)
    async def on_tip_submit(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
        actor: Actor = context["actor"]
        locale = await actor.locale()
        person_id = await _person_id(actor)
        meta = metadata(view)
        editing = "tip_id" in meta
        tip_id = meta.get("tip_id")
        draft = draft_from(view)
        try:
            if person_id is None or (editing and not isinstance(tip_id, int)):
                raise NotAllowed
            if isinstance(tip_id, int):
                card, new_id = (
                    await tips.update(person_id, tip_id, draft, now=services.clock.now()),
                    None,
                )
            else:
                card, new_id = None, await tips.create(person_id, draft, now=services.clock.now())
        except InvalidInput as invalid:
            await ack(response_action="errors", errors=tb.tip_form_errors(invalid.errors, locale))
            return
        except NotAllowed:
            key = "tips.error.not_yours" if editing else "tips.error.leaders_only"
            await ack(response_action="update", view=tb.notice_view(locale, key))
            return
        except TipNotFound:
            await ack(response_action="update", view=tb.notice_view(locale, "tips.error.gone"))
            return
        await ack(response_action="clear")
        if card is not None:
            await tips.refresh_message(card)
        elif new_id is not None:
            await tips.share(new_id, now=services.clock.now())

    @app.action(ids.TIP_HELPFUL)
    async def on_helpful(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        locale = await actor.locale()
        person_id = await _person_id(actor)
        tip_id = int_id(action.get("value"))
        try:
            if person_id is None:
                raise NotAllowed
            if tip_id is None:
                raise TipNotFound
            await tips.toggle_helpful(person_id, tip_id, now=services.clock.now())
        except OwnTip:  # before NotAllowed, which it is a case of
            await _tell(client, body, respond, locale, "tips.error.own_tip")
            return
        except NotAllowed:
            await _tell(client, body, respond, locale, "tips.error.helpful_leaders_only")
            return
        except TipNotFound:
            await _tell(client, body, respond, locale, "tips.error.gone")
            return
        view = body.get("view") or {}
        if view.get("callback_id") == ids.TIPS_BROWSE_CALLBACK:
            query = tb.query_from_metadata(view.get("private_metadata"))
            await _redraw(client, view, person_id, query, locale)

    @app.action(ids.TIP_MENU)
    async def on_menu(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        locale = await actor.locale()
        person_id = await _person_id(actor)
        chosen = str((action.get("selected_option") or {}).get("value") or "")
        what, _, raw_id = chosen.partition(":")
        tip_id = int_id(raw_id)
        try:
            if person_id is None or tip_id is None or what not in ("edit", "delete"):
                raise NotAllowed
            card = await tips.editable(person_id, tip_id)
        except NotAllowed:
            await _tell(client, body, respond, locale, "tips.error.not_yours")
            return
        except TipNotFound:
            await _tell(client, body, respond, locale, "tips.error.gone")
            return
        if what == "edit":
            view = tb.tip_form_view(tb.TipForm.of(card), locale=locale, tip_id=card.tip_id)
        else:
            view = tb.delete_confirm_view(card, locale=locale)
        await show_modal(client, body, view)

    @app.view(ids.TIP_DELETE_CALLBACK)
    async def on_delete_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        actor: Actor = context["actor"]
        locale = await actor.locale()
        person_id = await _person_id(actor)
        tip_id = metadata(view).get("tip_id")
        try:
            if person_id is None or not isinstance(tip_id, int):
                raise NotAllowed
            removed = await tips.delete(person_id, tip_id, now=services.clock.now())
        except NotAllowed:
            await ack(response_action="update", view=tb.notice_view(locale, "tips.error.not_yours"))
            return
        except TipNotFound:
            await ack(response_action="update", view=tb.notice_view(locale, "tips.error.gone"))
            return
        await ack(response_action="update", view=tb.notice_view(locale, "tips.deleted"))
        await tips.remove_messages(removed)

    @app.action(ids.TIP_POST_AGAIN)
    async def on_post_again(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        locale = await actor.locale()
        person_id = await _person_id(actor)
        tip_id = int_id(action.get("value"))
        container = body.get("container") or {}
        reply_to = None
        if container.get("channel_id") and container.get("message_ts"):
            reply_to = slack_ref(str(container["channel_id"]), str(container["message_ts"]))
        try:
            if person_id is None or tip_id is None:
                raise NotAllowed
            await tips.share_again(person_id, tip_id, now=services.clock.now(), reply_to=reply_to)
        except NotAllowed:
            await _tell(client, body, respond, locale, "tips.error.not_yours")
        except TipNotFound:
            await _tell(client, body, respond, locale, "tips.error.gone")

    # --- browsing ------------------------------------------------------------------------------

    async def _redraw(
        client: AsyncWebClient,
        view: dict[str, Any],
        person_id: int | None,
        query: TipQuery,
        locale: str,
    ) -> None:
        try:
            if person_id is None:
                raise NotAllowed
            page = await tips.search(person_id, query)
        except NotAllowed:
            shown = tb.notice_view(locale, "tips.error.browse_not_allowed")
        else:
            shown = tb.browse_view(page, locale=locale)
        try:
            await client.views_update(view_id=view["id"], hash=view.get("hash"), view=shown)
        except SlackApiError as exc:
            # A quicker second click already redrew the modal; its redraw is the newer one.
            if exc.response.get("error") != "hash_conflict":
                raise

    @app.view(ids.TIPS_BROWSE_CALLBACK)
    async def on_browse_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        actor: Actor = context["actor"]
        locale = await actor.locale()
        person_id = await _person_id(actor)
        try:
            if person_id is None:
                raise NotAllowed
            page = await tips.search(person_id, query_from_state(view))
        except NotAllowed:
            notice = tb.notice_view(locale, "tips.error.browse_not_allowed")
            await ack(response_action="update", view=notice)
            return
        await ack(response_action="update", view=tb.browse_view(page, locale=locale))

    async def on_filter(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        view = body.get("view") or {}
        await _redraw(
            client, view, await _person_id(actor), query_from_state(view), await actor.locale()
        )

    for action_id in (ids.TIPS_WORDS, ids.TIPS_FILTER_TOPIC, ids.TIPS_FILTER_EXPECTATION):
        app.action(action_id)(on_filter)

    async def on_page(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        view = body.get("view") or {}
        query = tb.query_from_metadata(view.get("private_metadata"))
        page = int_id(action.get("value"))
        query = TipQuery(query.words, query.topic_key, query.expectation, page or 0)
        await _redraw(client, view, await _person_id(actor), query, await actor.locale())

    app.action(ids.TIPS_PAGE_PREV)(on_page)
    app.action(ids.TIPS_PAGE_NEXT)(on_page)

    # --- settings -------------------------------------------------------------------------------

    @app.view(ids.TIPS_CONFIG_CALLBACK)
    async def on_config_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        actor: Actor = context["actor"]
        locale = await actor.locale()
        person_id = await _person_id(actor)
        try:
            if person_id is None:
                raise NotAllowed
            change = await tips.save_config(person_id, config_from(view), now=services.clock.now())
        except InvalidInput as invalid:
            await ack(response_action="errors", errors=tb.config_errors(invalid.errors, locale))
            return
        except NotAllowed:
            notice = tb.notice_view(locale, "tips.error.admins_only")
            await ack(response_action="update", view=notice)
            return
        await ack(response_action="clear")
        await tips.announce_config(person_id, change, now=services.clock.now())
