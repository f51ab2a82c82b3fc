"""Reading Slack payloads safely, and opening modals, the same way in every listener.

Ids in button values and private_metadata are attacker controlled: these helpers only turn
them into plain ints (or nothing, or a refusal for the outcome mapper); the services then
check the acting person against them.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.errors import NotAllowed

# Ids are the databases' integer keys: PostgreSQL's INTEGER stops here, and a larger number
# reaching a query is a DataError there (an OverflowError past 2**63 on SQLite), not "not found".
MAX_ID = 2**31 - 1


def int_id(value: Any) -> int | None:
    """A database id from a payload, or None for anything else (text, bools, numbers out of
    the databases' range): an id that cannot exist is simply not found."""
    if isinstance(value, int) and not isinstance(value, bool):
        found: int | None = value
    # isascii: str.isdigit() also accepts digits like "²" that int() refuses.
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12:
        found = int(value)
    else:
        found = None
    return found if found is not None and 0 < found <= MAX_ID else None


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
