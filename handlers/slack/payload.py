"""Reading Slack payloads safely, and opening modals, the same way in every listener.

Ids in button values and private_metadata are attacker controlled: these helpers only turn
them into plain ints (or nothing); the services then check the acting person against them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.errors import NotAllowed
from handlers.slack.actor import Actor

T = TypeVar("T")


def int_id(value: Any) -> int | None:
    """A database id from a payload, or None for anything else (text, huge numbers, bools)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    # isascii: str.isdigit() also accepts digits like "²" that int() refuses.
    plain = isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12
    return int(value) if plain else None


def required_id(value: Any, *, missing: type[Exception] = NotAllowed) -> int:
    """An id the listener cannot act without. A missing or odd one is answered like an id of
    someone else's pair: `missing` (NotAllowed unless said) is raised for the outcome mapper."""
    found = int_id(value)
    if found is None:
        raise missing
    return found


def chosen(action: dict[str, Any]) -> Any:
    """What a button's value, or a select's chosen option, names."""
    if "value" in action:
        return action["value"]
    option = action.get("selected_option") or {}
    return option.get("value") if isinstance(option, dict) else None


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def metadata_id(view: dict[str, Any], key: str) -> int | None:
    return int_id(metadata(view).get(key))


def state_values(view: dict[str, Any]) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    return values if isinstance(values, dict) else {}


async def show_modal(client: AsyncWebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Stack on a modal the person is in; otherwise (Home, a message) open a new one."""
    if (body.get("view") or {}).get("type") == "modal":
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=view)


async def update_view(client: AsyncWebClient, view: dict[str, Any], shown: dict[str, Any]) -> None:
    """Redraw the modal the person is in, unless a quicker second click already redrew it
    (its redraw is the newer one)."""
    try:
        await client.views_update(view_id=view["id"], hash=view.get("hash"), view=shown)
    except SlackApiError as exc:
        if exc.response.get("error") != "hash_conflict":
            raise


@dataclass(frozen=True)
class Owned(Generic[T]):
    """What a button's id led to, once the service found the acting person entitled to it."""

    value: T
    person_id: int
    locale: str
    timezone: str


async def load_owned(
    client: AsyncWebClient,
    body: dict[str, Any],
    actor: Actor,
    raw_id: Any,
    load: Callable[[int, int], Awaitable[T]],
    refusal: Callable[[str], dict[str, Any]],
) -> Owned[T] | None:
    """The shared first half of a button about one pair or slot: parse the id from the payload,
    let the service load it for the acting person (it raises NotAllowed unless they belong to
    it), and on refusal show the polite modal and return None."""
    person = await actor.person()
    locale, zone = await actor.locale(), await actor.timezone()
    target = int_id(raw_id)
    try:
        if person is None or person.id is None or target is None:
            raise NotAllowed
        value = await load(person.id, target)
    except NotAllowed:
        await show_modal(client, body, refusal(locale))
        return None
    return Owned(value, person.id, locale, zone)


def modal_button(
    app: AsyncApp,
    action_id: str,
    load: Callable[[int, int], Awaitable[T]],
    render: Callable[[Owned[T]], dict[str, Any]],
    refusal: Callable[[str], dict[str, Any]],
) -> None:
    """Register a button whose value names one pair or slot and which opens a modal about it:
    ack, load it for the acting person (or refuse), render."""

    @app.action(action_id)
    async def open_modal(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        found = await load_owned(client, body, context["actor"], action.get("value"), load, refusal)
        if found is not None:
            await show_modal(client, body, render(found))


PairOpener = Callable[[dict[str, Any], Any, AsyncBoltContext, AsyncWebClient], Awaitable[None]]


def pair_choice(app: AsyncApp, button_id: str, select_id: Any, open_pair: PairOpener) -> None:
    """Register the two ways to pick one pair for `open_pair`: a button whose value is its id
    (one pair listed), and a select of the chooser (several); both ack first."""

    @app.action(button_id)
    async def on_button(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        await open_pair(body, action.get("value"), context, client)

    @app.action(select_id)
    async def on_select(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        await open_pair(body, (action.get("selected_option") or {}).get("value"), context, client)
