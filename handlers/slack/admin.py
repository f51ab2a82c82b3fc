"""Listeners for admins: `/1on1 admin` (`/1on1 管理`), adding and ending pairs, topic lists.

Every id here (a pair, a set, a topic) arrives in a select, a button value or
private_metadata, all attacker controlled: the admin service checks the acting person's
role on each call, and anyone else gets a polite refusal with nothing changed.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.features.admin import AdminFieldError, PairDraft, SetDraft, TopicDraft
from handlers.slack import admin_blocks as ab
from handlers.slack import ids
from handlers.slack.actor import UnknownPerson
from handlers.slack.context import acting
from handlers.slack.outcomes import Via, Wording, answering, errors_of
from handlers.slack.payload import int_id, metadata, show_modal, state_values, update_view
from handlers.slack.subcommands import Invocation, subcommand

SLACK = "slack"


def _fields(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    return ab.field_errors(errors_of(invalid, AdminFieldError), locale, view)


ADMIN = (
    Wording(notice=ab.notice_view)
    .saying(
        {
            NotAllowed: "admin.error.admins_only",
            NotFound: "admin.error.gone",
            UnknownPerson: "admin.error.admins_only",
        }
    )
    .with_fields(_fields)
)


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    element = (values.get(block_id) or {}).get(block_id) or {}
    return element if isinstance(element, dict) else {}


def _selected(values: dict[str, Any], block_id: str) -> str | None:
    option = _element(values, block_id).get("selected_option") or {}
    value = option.get("value") if isinstance(option, dict) else None
    return str(value) if value else None


def _user(values: dict[str, Any], block_id: str) -> str | None:
    user = _element(values, block_id).get("selected_user")
    return user if isinstance(user, str) and user else None


def _day(values: dict[str, Any], block_id: str) -> date | None:
    raw = _element(values, block_id).get("selected_date")
    if not isinstance(raw, str):
        return None
    with contextlib.suppress(ValueError):
        return date.fromisoformat(raw)
    return None


def _typed(values: dict[str, Any], block_id: str) -> str:
    value = _element(values, block_id).get("value")
    return value if isinstance(value, str) else ""


def pair_draft(view: dict[str, Any]) -> PairDraft:
    values = state_values(view)
    return PairDraft(
        platform=SLACK,
        leader_user=_user(values, ids.ADMIN_LEADER),
        member_user=_user(values, ids.ADMIN_MEMBER),
        kind=_selected(values, ids.ADMIN_KIND),
        program=_selected(values, ids.ADMIN_PROGRAM),
        topic_set=_selected(values, ids.ADMIN_TOPIC_SET),
        starts_on=_day(values, ids.ADMIN_STARTS_ON),
        ends_on=_day(values, ids.ADMIN_ENDS_ON),
    )


def topic_draft(view: dict[str, Any]) -> TopicDraft:
    values, meta = state_values(view), metadata(view)
    ticked = _element(values, ids.ADMIN_TOPIC_HIDDEN).get("selected_options") or []
    return TopicDraft(
        label_ja=_typed(values, ids.ADMIN_TOPIC_LABEL_JA),
        label_en=_typed(values, ids.ADMIN_TOPIC_LABEL_EN),
        hidden=any(isinstance(o, dict) and o.get("value") == "hidden" for o in ticked),
        set_id=int_id(meta.get("set_id")),
        topic_id=int_id(meta.get("topic_id")),
    )


def set_draft(view: dict[str, Any]) -> SetDraft:
    values = state_values(view)
    return SetDraft(
        name_ja=_typed(values, ids.ADMIN_SET_NAME_JA),
        name_en=_typed(values, ids.ADMIN_SET_NAME_EN),
        copy_from=int_id(_selected(values, ids.ADMIN_SET_COPY)),
    )


# --- the command and the menu -------------------------------------------------------------


async def _screen(services: Services, person_id: int, which: str, locale: str) -> dict[str, Any]:
    """The admin screen a menu button or `/1on1 admin WORD` opens; NotAllowed for others."""
    admin = services.admin
    if which in ("pair", "add", "追加"):
        return ab.pair_view(await admin.pair_form(person_id), locale)
    if which in ("end", "終了"):
        await admin.check(person_id)
        return ab.end_view(locale, admin.today(services.clock.now()))
    if which in ("topics", "話題"):
        return ab.catalog_view(await admin.catalog(person_id), locale)
    await admin.check(person_id)
    return ab.menu_view(locale)


@subcommand("admin", "管理", help_key="admin.help", wording=ADMIN)
async def on_admin(inv: Invocation) -> None:
    await inv.ack()
    person_id, locale = await inv.actor.person_id(), await inv.actor.locale()
    which = inv.args[0].lower() if inv.args else ""
    view = await _screen(inv.services, person_id, which, locale)
    await inv.client.views_open(trigger_id=inv.trigger_id, view=view)


_MENU_BUTTONS = {
    ids.ADMIN_OPEN_PAIR: "pair",
    ids.ADMIN_OPEN_END: "end",
    ids.ADMIN_OPEN_TOPICS: "topics",
}


async def open_screen(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    act = await acting(ack, context)
    which = _MENU_BUTTONS.get(str(action.get("action_id")), "")
    view = await _screen(act.services, act.person_id, which, await act.locale())
    await show_modal(client, body, view)


# --- pairs ----------------------------------------------------------------------------------


async def submit_pair(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    act = await acting(None, context)
    admin = act.services.admin
    added = await admin.add_pair(act.person_id, pair_draft(view), now=act.now)
    await ack(response_action="update", view=ab.added_view(added, await act.locale()))
    await admin.tell_pair(added.pair, ended=False)


async def choose_person(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """A person chosen in the end form: the form again, with their pairs to choose from."""
    act = await acting(ack, context)
    view = body.get("view") or {}
    user = _user(state_values(view), ids.ADMIN_END_PERSON)
    found = await act.services.admin.pairs_of_user(act.person_id, SLACK, user)
    today = act.services.admin.today(act.now)
    await update_view(client, view, ab.end_view(await act.locale(), today, found, user=user))


async def submit_end(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    act = await acting(None, context)
    values = state_values(view)
    pair_id = int_id(_selected(values, ids.ADMIN_END_PAIR))
    ends_on = _day(values, ids.ADMIN_END_DATE)
    admin = act.services.admin
    ended = await admin.end_pair(act.person_id, pair_id, ends_on, now=act.now)
    await ack(response_action="update", view=ab.ended_view(ended, await act.locale()))
    await admin.tell_pair(ended.pair, ended=True)


# --- topic lists ----------------------------------------------------------------------------


async def choose_set(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    act = await acting(ack, context)
    option = action.get("selected_option") or {}
    set_id = int_id(option.get("value") if isinstance(option, dict) else None)
    screen = await act.services.admin.catalog(act.person_id, set_id)
    await update_view(client, body.get("view") or {}, ab.catalog_view(screen, await act.locale()))


async def open_topic(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """The topic form: a topic's (to rename or hide it), or an empty one for the set."""
    act = await acting(ack, context, value=action.get("value"), missing=NotFound)
    admin, locale = act.services.admin, await act.locale()
    if action.get("action_id") == ids.ADMIN_TOPIC_EDIT:
        view = ab.topic_view(locale, topic=await admin.topic(act.person_id, act.id))
    else:
        await admin.check(act.person_id)
        view = ab.topic_view(locale, set_id=act.id)
    await show_modal(client, body, view)


async def submit_topic(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    act = await acting(None, context)
    screen = await act.services.admin.save_topic(act.person_id, topic_draft(view))
    await ack(response_action="update", view=ab.catalog_view(screen, await act.locale()))


async def open_new_set(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    act = await acting(ack, context)
    screen = await act.services.admin.catalog(act.person_id)
    await show_modal(client, body, ab.set_view(screen.sets, await act.locale()))


async def submit_set(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    act = await acting(None, context)
    screen = await act.services.admin.create_set(act.person_id, set_draft(view))
    await ack(response_action="update", view=ab.catalog_view(screen, await act.locale()))


def register(app: AsyncApp, services: Services) -> None:
    for action_id in _MENU_BUTTONS:
        app.action(action_id)(answering(Via.MODAL, ADMIN, open_screen))
    app.view(ids.ADMIN_PAIR_CALLBACK)(answering(Via.SUBMISSION, ADMIN, submit_pair))
    app.action(ids.ADMIN_END_PERSON)(answering(Via.UPDATE, ADMIN, choose_person))
    app.view(ids.ADMIN_END_CALLBACK)(answering(Via.SUBMISSION, ADMIN, submit_end))
    app.action(ids.ADMIN_CATALOG_SET)(answering(Via.UPDATE, ADMIN, choose_set))
    app.action(ids.ADMIN_TOPIC_EDIT)(answering(Via.MODAL, ADMIN, open_topic))
    app.action(ids.ADMIN_TOPIC_ADD)(answering(Via.MODAL, ADMIN, open_topic))
    app.action(ids.ADMIN_SET_NEW)(answering(Via.MODAL, ADMIN, open_new_set))
    app.view(ids.ADMIN_TOPIC_CALLBACK)(answering(Via.SUBMISSION, ADMIN, submit_topic))
    app.view(ids.ADMIN_SET_CALLBACK)(answering(Via.SUBMISSION, ADMIN, submit_set))
