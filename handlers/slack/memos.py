"""Listeners for memos, TODOs and reflections.

The memo thread's replies arrive as `message` events in the group DM (message.mpim); edits and
deletions as the `message_changed` / `message_deleted` subtypes of the same event. Everything
else is an action, a shortcut, a modal or `/1on1 memo`. Every listener checks that the acting
person belongs to the pair or slot named in the payload; those ids are attacker controlled.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, TypedDict

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.core.errors import InvalidInput
from bot.features.memos import (
    NEXT_FOCUS,
    AlreadyTodo,
    InvalidEntry,
    NotInMemoThread,
    ReflectionClosed,
    ReflectionError,
    TodoError,
)
from bot.features.org import Choose, NoPairs, NoPerson, One
from bot.ports import MessageRef
from handlers.slack import ids
from handlers.slack import memo_blocks as mb
from handlers.slack.actor import Actor
from handlers.slack.context import acting, services_of
from handlers.slack.home import publish_home
from handlers.slack.messenger import optional_slack_ref, slack_ref
from handlers.slack.middleware import dedupe_events
from handlers.slack.outcomes import Via, Wording, answering, errors_of
from handlers.slack.payload import (
    chosen,
    int_id,
    metadata,
    required_id,
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
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        # Slack's API out of reach: the memo is stored all the same.
        logger.info("reaction not added: %s", type(exc).__name__)


async def _entry_view(services: Services, actor: Actor) -> dict[str, Any] | str:
    """The memo modal for this person: their one pair's history, or a chooser; else a key."""
    person, locale, zone = await actor.person(), await actor.locale(), await actor.timezone()
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
    await inv.open_entry(_entry_view)


# --- what the forms and the shortcut carry ------------------------------------------------


class EntryAnswers(TypedDict):
    slot_id: int | None
    text: str
    next_focus: bool


class TodoAnswers(TypedDict):
    text: str
    owner_id: int | None
    due: date | None
    slot_id: int | None
    source: MessageRef | None


class ReflectionAnswers(TypedDict):
    scores: dict[int, int | None]
    overall: int | None
    comment: str
    share: bool


class MessageAnswers(TypedDict):
    ref: MessageRef
    thread: MessageRef | None
    text: str


def entry_answers(view: dict[str, Any]) -> EntryAnswers:
    values = state_values(view)
    kinds = _input(values, ids.MEMO_ADD_KIND_BLOCK, ids.MEMO_ADD_KIND).get("selected_options")
    return EntryAnswers(
        slot_id=int_id(_selected(values, ids.MEMO_ADD_SLOT_BLOCK, ids.MEMO_ADD_SLOT)),
        text=str(_input(values, ids.MEMO_ADD_TEXT_BLOCK, ids.MEMO_ADD_TEXT).get("value") or ""),
        next_focus=bool(kinds),
    )


def todo_answers(view: dict[str, Any]) -> TodoAnswers:
    meta, values = metadata(view), state_values(view)
    due_text = _input(values, ids.TODO_DUE_BLOCK, ids.TODO_DUE).get("selected_date")
    try:
        due = date.fromisoformat(due_text) if isinstance(due_text, str) else None
    except ValueError:
        due = None
    return TodoAnswers(
        text=str(_input(values, ids.TODO_TEXT_BLOCK, ids.TODO_TEXT).get("value") or ""),
        owner_id=int_id(_selected(values, ids.TODO_OWNER_BLOCK, ids.TODO_OWNER)),
        due=due,
        slot_id=int_id(meta.get("slot_id")),
        source=optional_slack_ref(meta.get("channel"), meta.get("ts")),
    )


def reflection_answers(view: dict[str, Any]) -> ReflectionAnswers:
    values = state_values(view)
    scores = {
        item_id: int_id(_selected(values, block_id, ids.REFLECTION_SCORE))
        for block_id in values
        if block_id.startswith(ids.REFLECTION_ITEM_BLOCK)
        and (item_id := int_id(block_id.removeprefix(ids.REFLECTION_ITEM_BLOCK))) is not None
    }
    comment = _input(values, ids.REFLECTION_COMMENT_BLOCK, ids.REFLECTION_COMMENT).get("value")
    shared = _input(values, ids.REFLECTION_SHARE_BLOCK, ids.REFLECTION_SHARE)
    return ReflectionAnswers(
        scores=scores,
        overall=int_id(_selected(values, ids.REFLECTION_OVERALL_BLOCK, ids.REFLECTION_SCORE)),
        comment=str(comment or ""),
        share=bool(shared.get("selected_options")),
    )


def message_answers(shortcut: dict[str, Any]) -> MessageAnswers:
    """The message the TODO shortcut was used on, and the thread it is in (if any)."""
    message = shortcut.get("message") or {}
    where = shortcut.get("channel")
    channel = str((where.get("id") if isinstance(where, dict) else where) or "")
    thread_ts = message.get("thread_ts")
    return MessageAnswers(
        ref=slack_ref(channel, str(message.get("ts") or shortcut.get("message_ts") or "")),
        thread=slack_ref(channel, str(thread_ts)) if thread_ts else None,
        text=str(message.get("text") or ""),
    )


def _entry_errors(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    first = invalid.errors[0]
    return mb.entry_errors(InvalidEntry(first.field, first.code), locale)


def _todo_errors(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    return mb.todo_errors(errors_of(invalid, TodoError), locale)


def _reflection_errors(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    return mb.reflection_errors(errors_of(invalid, ReflectionError), locale)


MEMOS = Wording(notice=mb.info_view).saying(
    {
        NotInMemoThread: "memo.not_in_thread",
        AlreadyTodo: "todo.already",
        ReflectionClosed: "reflection.closed_short",
    }
)


# --- the memo thread -------------------------------------------------------------------------


async def on_group_message(
    event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """A reply in a memo thread is stored; its edits and deletions are mirrored."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        await _record_edit(event, context)
    elif subtype == "message_deleted":
        await _record_delete(event, context)
    elif subtype in _REPLY_SUBTYPES and not event.get("bot_id") and event.get("thread_ts"):
        await _record_reply(event, context, client)
    # else top-level chat in the group DM, bots, joins: not memos


async def _author_id(context: AsyncBoltContext, user: Any) -> int | None:
    """The person who wrote a message in the group DM: Bolt's acting user is its author (for
    an edit, the edited message's); None for someone outside the org data."""
    actor: Actor | None = context.get("actor")
    if not user or actor is None or actor.user_id != user:
        return None
    person = await actor.person()
    return person.id if person is not None else None


async def _record_edit(event: dict[str, Any], context: AsyncBoltContext) -> None:
    message = event.get("message") or {}
    author_id = None if message.get("bot_id") else await _author_id(context, message.get("user"))
    if author_id is None:
        return
    services = services_of(context)
    await services.memos.record_edit(
        author_id=author_id,
        ref=slack_ref(str(event.get("channel") or ""), str(message.get("ts") or "")),
        text=str(message.get("text") or ""),
        now=services.clock.now(),
    )


async def _record_delete(event: dict[str, Any], context: AsyncBoltContext) -> None:
    ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
    if ts:
        services = services_of(context)
        ref = slack_ref(str(event.get("channel") or ""), str(ts))
        await services.memos.record_delete(ref=ref, now=services.clock.now())


async def _record_reply(
    event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    author_id = await _author_id(context, event.get("user"))
    if author_id is None:
        return
    services = services_of(context)
    channel, ts = str(event.get("channel") or ""), str(event.get("ts") or "")
    stored = await services.memos.record_reply(
        author_id=author_id,
        thread=slack_ref(channel, str(event.get("thread_ts"))),
        ref=slack_ref(channel, ts),
        text=str(event.get("text") or ""),
        now=services.clock.now(),
    )
    if stored is not None:
        await _react(client, channel, ts, _SAVED_FOCUS if stored.kind == NEXT_FOCUS else _SAVED)


async def start_memo(
    ack: AsyncAck,
    action: dict[str, Any],
    context: AsyncBoltContext,
    respond: AsyncRespond,
    body: dict[str, Any],
) -> None:
    """ "Start the memo now": open the slot's memo thread before its time."""
    act = await acting(ack, context, value=action.get("value"))
    result = await act.services.memos.start_now(act.person_id, act.id, now=act.now)
    if body.get("response_url"):
        text = mb.start_result_text(result, await act.locale())
        await respond(text=text, response_type="ephemeral", replace_original=False)


# --- /1on1 memo and its modals ---------------------------------------------------------------


async def open_memos(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """The memo button on Home: the one pair's history, or the chooser."""
    act = await acting(ack, context)
    view = await _entry_view(act.services, act.actor)
    shown = mb.info_view(await act.locale(), view) if isinstance(view, str) else view
    await show_modal(client, body, shown)


async def open_history(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """A pair's memo history (a button, or the chooser's select)."""
    act = await acting(ack, context, value=chosen(action))
    history = await act.services.memos.history(act.person_id, act.id, page=0, now=act.now)
    locale, zone = await act.reader()
    await show_modal(client, body, mb.history_view(history, locale=locale, timezone=zone))


async def page_history(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    await ack()
    view = body.get("view") or {}
    pair_id, page = required_id(metadata(view).get("pair_id")), int_id(action.get("value")) or 0
    await redraw_history(client, context, str(view["id"]), pair_id, page)


async def redraw_history(
    client: AsyncWebClient, context: AsyncBoltContext, view_id: str, pair_id: int, page: int
) -> None:
    act = await acting(None, context)
    history = await act.services.memos.history(act.person_id, pair_id, page=page, now=act.now)
    locale, zone = await act.reader()
    view = mb.history_view(history, locale=locale, timezone=zone)
    await client.views_update(view_id=view_id, view=view)


async def open_add_entry(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    act = await acting(ack, context, value=action.get("value"))
    form = await act.services.memos.add_form(act.person_id, act.id, now=act.now)
    locale, zone = await act.reader()
    await show_modal(client, body, mb.add_entry_view(form, locale=locale, timezone=zone))


async def submit_entry(
    ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    entry = entry_answers(view)
    act = await acting(None, context, value=metadata(view).get("pair_id"))
    await act.services.memos.add_entry(act.person_id, act.id, **entry, now=act.now)
    await ack()
    if view.get("previous_view_id"):
        await redraw_history(client, context, str(view["previous_view_id"]), act.id, 0)


# --- TODOs ---------------------------------------------------------------------------------


async def make_todo(
    ack: AsyncAck, shortcut: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """The message shortcut: a TODO drafted from a reply in a memo thread."""
    act = await acting(ack, context)
    items = act.services.action_items
    draft = await items.draft_from_message(act.person_id, **message_answers(shortcut))
    view = mb.todo_view(draft, locale=await act.locale())
    await client.views_open(trigger_id=shortcut["trigger_id"], view=view)


async def open_todo(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    act = await acting(ack, context, value=action.get("value"))
    draft = await act.services.action_items.draft_for_pair(act.person_id, act.id, now=act.now)
    await show_modal(client, body, mb.todo_view(draft, locale=await act.locale()))


async def submit_todo(
    ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    todo = todo_answers(view)
    act = await acting(None, context, value=metadata(view).get("pair_id"))
    zone, items = await act.zone(), act.services.action_items
    await items.create(act.person_id, act.id, **todo, timezone=zone, now=act.now)
    await ack()
    if todo["source"] is not None:
        await _react(client, todo["source"].conversation, todo["source"].message_id, _MADE_TODO)
    if view.get("previous_view_id"):
        await redraw_history(client, context, str(view["previous_view_id"]), act.id, 0)


async def mark_done(
    ack: AsyncAck, action: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """A TODO's checkbox on Home."""
    item = str(action.get("block_id") or "").removeprefix(ids.TODO_DONE_BLOCK)
    act = await acting(ack, context, value=item)
    done = bool(action.get("selected_options"))
    await act.services.action_items.set_done(act.person_id, act.id, done=done, now=act.now)
    await publish_home(client, act.services, await act.actor.known())


# --- reflections ---------------------------------------------------------------------------


async def open_reflection(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    act = await acting(ack, context, value=action.get("value"))
    form = await act.services.reflections.form(act.person_id, act.id, now=act.now)
    locale, zone = await act.reader()
    await show_modal(client, body, mb.reflection_view(form, locale=locale, timezone=zone))


async def submit_reflection(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    answers = reflection_answers(view)
    act = await acting(None, context, value=metadata(view).get("slot_id"))
    reflections = act.services.reflections
    outcome = await reflections.save(act.person_id, act.id, **answers, now=act.now)
    shared = outcome.comment_key is not None
    thanks = mb.reflection_thanks_view(locale=await act.locale(), comment_shared=shared)
    await ack(response_action="update", view=thanks)
    if outcome.comment_key is not None:
        await reflections.deliver_comment(outcome.comment_key, now=act.services.clock.now())


def register(app: AsyncApp, services: Services) -> None:
    thread = app.event(
        {"type": "message"}, matchers=[_group_dm_matcher], middleware=[dedupe_events(services)]
    )
    thread(on_group_message)
    app.action(ids.MEMO_START)(answering(Via.REPLY, MEMOS, start_memo))
    app.action(ids.MEMO_OPEN)(answering(Via.MODAL, MEMOS, open_memos))
    app.action(ids.MEMO_PAIR)(answering(Via.MODAL, MEMOS, open_history))
    app.action(ids.MEMO_PAIR_SELECT_RE)(answering(Via.MODAL, MEMOS, open_history))
    app.action(ids.MEMO_PAGE)(answering(Via.UPDATE, MEMOS, page_history))
    app.action(ids.MEMO_ADD)(answering(Via.MODAL, MEMOS, open_add_entry))
    entry = MEMOS.with_fields(_entry_errors)
    app.view(ids.MEMO_ADD_CALLBACK)(answering(Via.SUBMISSION, entry, submit_entry))
    app.message_shortcut(ids.MAKE_TODO)(answering(Via.MODAL, MEMOS, make_todo))
    app.action(ids.TODO_ADD)(answering(Via.MODAL, MEMOS, open_todo))
    todo = MEMOS.with_fields(_todo_errors)
    app.view(ids.TODO_CALLBACK)(answering(Via.SUBMISSION, todo, submit_todo))
    app.action(ids.TODO_DONE)(answering(Via.MODAL, MEMOS, mark_done))
    app.action(ids.REFLECTION_OPEN)(answering(Via.MODAL, MEMOS, open_reflection))
    reflection = MEMOS.with_fields(_reflection_errors)
    app.view(ids.REFLECTION_CALLBACK)(answering(Via.SUBMISSION, reflection, submit_reflection))
