"""Listeners for memos, TODOs and reflections.

The memo thread's replies arrive as `message` events in the group DM (message.mpim); edits and
deletions as the `message_changed` / `message_deleted` subtypes of the same event. Everything
else is an action, a shortcut, a modal or `/1on1 memo`. Every listener checks that the acting
person belongs to the pair or slot named in the payload; those ids are attacker controlled.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.core.errors import NotAllowed
from bot.features.memos import (
    NEXT_FOCUS,
    AlreadyTodo,
    InvalidEntry,
    InvalidReflection,
    InvalidTodo,
    NotInMemoThread,
    ReflectionClosed,
)
from bot.features.org import Choose, NoPairs, NoPerson, One, Person
from bot.i18n import t
from handlers.slack import ids
from handlers.slack import memo_blocks as mb
from handlers.slack.actor import Actor
from handlers.slack.home import publish_home
from handlers.slack.messenger import optional_slack_ref, slack_ref
from handlers.slack.middleware import dedupe_events
from handlers.slack.payload import (
    int_id,
    load_owned,
    metadata,
    modal_button,
    pair_choice,
    show_modal,
    state_values,
)
from handlers.slack.subcommands import Invocation, subcommand

logger = logging.getLogger("oneonone.slack.memos")

# Kinds of `message` event a person's reply can arrive as.
_REPLY_SUBTYPES = (None, "thread_broadcast", "file_share")
_SAVED = "memo"
_SAVED_FOCUS = "dart"
_MADE_TODO = "pushpin"


def _input(values: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    found = (values.get(block_id) or {}).get(action_id) or {}
    return found if isinstance(found, dict) else {}


def _selected(values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    option = _input(values, block_id, action_id).get("selected_option") or {}
    value = option.get("value") if isinstance(option, dict) else None
    return str(value) if value is not None else None


def _in_group_dm(event: dict[str, Any]) -> bool:
    """Group DMs only, so other features' message listeners still get theirs."""
    kind = event.get("channel_type")
    if kind is not None:
        return bool(kind == "mpim")
    return str(event.get("channel") or "").startswith("G")


async def _group_dm_matcher(body: dict[str, Any]) -> bool:
    event = body.get("event") or {}
    return isinstance(event, dict) and _in_group_dm(event)


async def _react(client: AsyncWebClient, channel: str, ts: str, name: str) -> None:
    """An unobtrusive "saved": a failed reaction must not undo or repeat the save."""
    try:
        await client.reactions_add(channel=channel, timestamp=ts, name=name)
    except SlackApiError as exc:
        code = exc.response.get("error")
        if code != "already_reacted":
            logger.info("reaction not added: %s", code)


async def _entry_view(
    services: Services, person: Person | None, locale: str, zone: str
) -> dict[str, Any] | str:
    """The memo modal for this person: their one pair's history, or a chooser; else a key."""
    person_id = person.id if person is not None else None
    match await services.memos.entry(person_id, now=services.clock.now()):
        case One(pair):
            assert person_id is not None
            history = await services.memos.history(
                person_id, pair.pair_id, page=0, now=services.clock.now()
            )
            return mb.history_view(history, locale=locale, timezone=zone)
        case Choose(pairs):
            return mb.chooser_view(pairs, locale=locale)
        case NoPerson() | NoPairs() as nowhere:
            return nowhere.message_key


@subcommand("memo", "memos", "メモ", help_key="memo.help")
async def memo_command(inv: Invocation) -> None:
    await inv.ack()
    person = await inv.actor.person()
    locale = await inv.actor.locale()
    view = await _entry_view(inv.services, person, locale, await inv.actor.timezone())
    if isinstance(view, str):
        await inv.respond(text=t(locale, view), response_type="ephemeral")
        return
    await inv.client.views_open(trigger_id=inv.trigger_id, view=view)


def register(app: AsyncApp, services: Services) -> None:
    memos, items, reflections = services.memos, services.action_items, services.reflections

    # --- the memo thread -------------------------------------------------------------------------

    @app.event(
        {"type": "message"}, matchers=[_group_dm_matcher], middleware=[dedupe_events(services)]
    )
    async def on_group_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        subtype = event.get("subtype")
        channel = str(event.get("channel") or "")
        if subtype == "message_changed":
            message = event.get("message") or {}
            if message.get("bot_id") or not message.get("user"):
                return
            await memos.record_edit(
                user_slack_id=str(message["user"]),
                ref=slack_ref(channel, str(message.get("ts") or "")),
                text=str(message.get("text") or ""),
                now=services.clock.now(),
            )
            return
        if subtype == "message_deleted":
            ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
            if ts:
                await memos.record_delete(ref=slack_ref(channel, str(ts)), now=services.clock.now())
            return
        thread_ts = event.get("thread_ts")
        if subtype not in _REPLY_SUBTYPES or event.get("bot_id") or not thread_ts:
            return  # top-level chat in the group DM, bots, joins: not memos
        ts = str(event.get("ts") or "")
        stored = await memos.record_reply(
            user_slack_id=str(event.get("user") or ""),
            thread=slack_ref(channel, str(thread_ts)),
            ref=slack_ref(channel, ts),
            text=str(event.get("text") or ""),
            now=services.clock.now(),
        )
        if stored is not None:
            await _react(client, channel, ts, _SAVED_FOCUS if stored.kind == NEXT_FOCUS else _SAVED)

    @app.action(ids.MEMO_START)
    async def on_memo_start(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        person = await actor.person()
        locale = await actor.locale()
        slot_id = int_id(action.get("value"))
        try:
            if person is None or person.id is None or slot_id is None:
                raise NotAllowed
            result = await memos.start_now(person.id, slot_id, now=services.clock.now())
        except NotAllowed:
            if body.get("response_url"):
                await respond(
                    text=t(locale, "error.not_your_pair"),
                    response_type="ephemeral",
                    replace_original=False,
                )
            else:
                await show_modal(client, body, mb.refusal_view(locale))
            return
        if body.get("response_url"):
            await respond(
                text=mb.start_result_text(result, locale),
                response_type="ephemeral",
                replace_original=False,
            )

    # --- /1on1 memo and its modals ---------------------------------------------------------------

    @app.action(ids.MEMO_OPEN)
    async def on_memo_open(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        person = await actor.person()
        locale = await actor.locale()
        if person is None or person.id is None:
            await show_modal(client, body, mb.refusal_view(locale))
            return
        view = await _entry_view(services, person, locale, await actor.timezone())
        await show_modal(
            client, body, mb.info_view(locale, view) if isinstance(view, str) else view
        )

    async def open_history(
        body: dict[str, Any], pair_value: Any, context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        found = await load_owned(
            client,
            body,
            context["actor"],
            pair_value,
            lambda person, pair: memos.history(person, pair, page=0, now=services.clock.now()),
            mb.refusal_view,
        )
        if found is not None:
            view = mb.history_view(found.value, locale=found.locale, timezone=found.timezone)
            await show_modal(client, body, view)

    pair_choice(app, ids.MEMO_PAIR, ids.MEMO_PAIR_SELECT_RE, open_history)

    async def redraw_history(
        client: AsyncWebClient, actor: Actor, view_id: str, pair_id: int | None, page: int
    ) -> None:
        person = await actor.person()
        locale, zone = await actor.locale(), await actor.timezone()
        try:
            if person is None or person.id is None or pair_id is None:
                raise NotAllowed
            history = await memos.history(person.id, pair_id, page=page, now=services.clock.now())
        except NotAllowed:
            await client.views_update(view_id=view_id, view=mb.refusal_view(locale))
            return
        await client.views_update(
            view_id=view_id, view=mb.history_view(history, locale=locale, timezone=zone)
        )

    @app.action(ids.MEMO_PAGE)
    async def on_memo_page(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        view = body.get("view") or {}
        page = int_id(action.get("value")) or 0
        await redraw_history(
            client, context["actor"], view["id"], int_id(metadata(view).get("pair_id")), page
        )

    modal_button(
        app,
        ids.MEMO_ADD,
        lambda person, pair: memos.add_form(person, pair, now=services.clock.now()),
        lambda found: mb.add_entry_view(found.value, locale=found.locale, timezone=found.timezone),
        mb.refusal_view,
    )

    @app.view(ids.MEMO_ADD_CALLBACK)
    async def on_memo_add_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        actor: Actor = context["actor"]
        person = await actor.person()
        locale = await actor.locale()
        pair_id = int_id(metadata(view).get("pair_id"))
        values = state_values(view)
        kinds = _input(values, ids.MEMO_ADD_KIND_BLOCK, ids.MEMO_ADD_KIND).get("selected_options")
        try:
            if person is None or person.id is None or pair_id is None:
                raise NotAllowed
            await memos.add_entry(
                person.id,
                pair_id,
                slot_id=int_id(_selected(values, ids.MEMO_ADD_SLOT_BLOCK, ids.MEMO_ADD_SLOT)),
                text=str(
                    _input(values, ids.MEMO_ADD_TEXT_BLOCK, ids.MEMO_ADD_TEXT).get("value") or ""
                ),
                next_focus=bool(kinds),
                now=services.clock.now(),
            )
        except NotAllowed:
            await ack(response_action="update", view=mb.refusal_view(locale))
            return
        except InvalidEntry as invalid:
            await ack(response_action="errors", errors=mb.entry_errors(invalid, locale))
            return
        await ack()
        if view.get("previous_view_id"):
            await redraw_history(client, actor, str(view["previous_view_id"]), pair_id, 0)

    # --- TODOs ---------------------------------------------------------------------------------

    @app.message_shortcut(ids.MAKE_TODO)
    async def on_make_todo(
        ack: AsyncAck, shortcut: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        person = await actor.person()
        locale = await actor.locale()
        message = shortcut.get("message") or {}
        channel = str((shortcut.get("channel") or {}).get("id") or "")
        trigger_id = shortcut["trigger_id"]
        try:
            if person is None or person.id is None:
                raise NotAllowed
            draft = await items.draft_from_message(
                person.id,
                ref=slack_ref(channel, str(message.get("ts") or shortcut.get("message_ts") or "")),
                thread=slack_ref(channel, str(message["thread_ts"]))
                if message.get("thread_ts")
                else None,
                text=str(message.get("text") or ""),
            )
        except NotAllowed:
            view = mb.refusal_view(locale)
        except NotInMemoThread:
            view = mb.info_view(locale, "memo.not_in_thread")
        except AlreadyTodo:
            view = mb.info_view(locale, "todo.already")
        else:
            view = mb.todo_view(draft, locale=locale)
        await client.views_open(trigger_id=trigger_id, view=view)

    modal_button(
        app,
        ids.TODO_ADD,
        lambda person, pair: items.draft_for_pair(person, pair, now=services.clock.now()),
        lambda found: mb.todo_view(found.value, locale=found.locale),
        mb.refusal_view,
    )

    @app.view(ids.TODO_CALLBACK)
    async def on_todo_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        actor: Actor = context["actor"]
        person = await actor.person()
        locale = await actor.locale()
        meta = metadata(view)
        values = state_values(view)
        pair_id = int_id(meta.get("pair_id"))
        channel, ts = meta.get("channel"), meta.get("ts")
        due_text = _input(values, ids.TODO_DUE_BLOCK, ids.TODO_DUE).get("selected_date")
        try:
            due = date.fromisoformat(due_text) if isinstance(due_text, str) else None
        except ValueError:
            due = None
        try:
            if person is None or person.id is None or pair_id is None:
                raise NotAllowed
            await items.create(
                person.id,
                pair_id,
                text=str(_input(values, ids.TODO_TEXT_BLOCK, ids.TODO_TEXT).get("value") or ""),
                owner_id=int_id(_selected(values, ids.TODO_OWNER_BLOCK, ids.TODO_OWNER)),
                due=due,
                slot_id=int_id(meta.get("slot_id")),
                source=optional_slack_ref(channel, ts),
                timezone=await actor.timezone(),
                now=services.clock.now(),
            )
        except NotAllowed:
            await ack(response_action="update", view=mb.refusal_view(locale))
            return
        except InvalidTodo as invalid:
            await ack(response_action="errors", errors=mb.todo_errors(invalid.errors, locale))
            return
        except AlreadyTodo:
            await ack(response_action="update", view=mb.info_view(locale, "todo.already"))
            return
        await ack()
        if isinstance(channel, str) and isinstance(ts, str):
            await _react(client, channel, ts, _MADE_TODO)
        if view.get("previous_view_id"):
            await redraw_history(client, actor, str(view["previous_view_id"]), pair_id, 0)

    @app.action(ids.TODO_DONE)
    async def on_todo_done(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        actor: Actor = context["actor"]
        person = await actor.person()
        block_id = str(action.get("block_id") or "")
        item_id = int_id(block_id.removeprefix(ids.TODO_DONE_BLOCK))
        done = bool(action.get("selected_options"))
        try:
            if person is None or person.id is None or item_id is None:
                raise NotAllowed
            await items.set_done(person.id, item_id, done=done, now=services.clock.now())
        except NotAllowed:
            await show_modal(client, body, mb.refusal_view(await actor.locale()))
            return
        await publish_home(client, services, person)

    # --- reflections ---------------------------------------------------------------------------

    modal_button(
        app,
        ids.REFLECTION_OPEN,
        lambda person, slot: reflections.form(person, slot, now=services.clock.now()),
        lambda found: mb.reflection_view(found.value, locale=found.locale, timezone=found.timezone),
        mb.refusal_view,
    )

    @app.view(ids.REFLECTION_CALLBACK)
    async def on_reflection_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        actor: Actor = context["actor"]
        person = await actor.person()
        locale = await actor.locale()
        slot_id = int_id(metadata(view).get("slot_id"))
        values = state_values(view)
        scores = {
            item_id: int_id(_selected(values, block_id, ids.REFLECTION_SCORE))
            for block_id in values
            if block_id.startswith(ids.REFLECTION_ITEM_BLOCK)
            and (item_id := int_id(block_id.removeprefix(ids.REFLECTION_ITEM_BLOCK))) is not None
        }
        overall = int_id(_selected(values, ids.REFLECTION_OVERALL_BLOCK, ids.REFLECTION_SCORE))
        comment = _input(values, ids.REFLECTION_COMMENT_BLOCK, ids.REFLECTION_COMMENT).get("value")
        shared = _input(values, ids.REFLECTION_SHARE_BLOCK, ids.REFLECTION_SHARE).get(
            "selected_options"
        )
        try:
            if person is None or person.id is None or slot_id is None:
                raise NotAllowed
            outcome = await reflections.save(
                person.id,
                slot_id,
                scores=scores,
                overall=overall,
                comment=str(comment or ""),
                share=bool(shared),
                now=services.clock.now(),
            )
        except ReflectionClosed:  # before NotAllowed, which it is a case of
            await ack(response_action="update", view=mb.reflection_closed_view(locale))
            return
        except NotAllowed:
            await ack(response_action="update", view=mb.refusal_view(locale))
            return
        except InvalidReflection as invalid:
            await ack(response_action="errors", errors=mb.reflection_errors(invalid.errors, locale))
            return
        await ack(
            response_action="update",
            view=mb.reflection_thanks_view(
                locale=locale, comment_shared=outcome.comment_key is not None
            ),
        )
        if outcome.comment_key is not None:
            await reflections.deliver_comment(outcome.comment_key, now=services.clock.now())
