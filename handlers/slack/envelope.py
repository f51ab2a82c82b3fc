"""The one check of a Slack request's shape, before Bolt or a listener reads it.

Bolt builds its context from the envelope as soon as it parses a request (team, user, channel,
enterprise, authorizations, response_url ...) and assumes Slack's types: a number where a
string was, or a list where an object was, raised inside Bolt and answered 500 with a
traceback. A correctly signed request cannot be forged by a stranger, but it can still be odd
(a proxy, a client library, a bug on Slack's side); such a request is answered with a quiet
200 and one warning line, and never reaches the product.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Objects in Slack's envelopes (a dict when present).
OBJECT_KEYS = frozenset(
    {
        "team",
        "user",
        "channel",
        "container",
        "view",
        "enterprise",
        "message",
        "previous_message",
        "event",
        "item",
        "assistant_thread",
        "state",
    }
)
# Keys that hold a string when present (ids, types, timestamps, texts).
STRING_KEYS = frozenset(
    {
        "id",
        "type",
        "subtype",
        "token",
        "team_id",
        "user_id",
        "channel_id",
        "enterprise_id",
        "api_app_id",
        "trigger_id",
        "response_url",
        "callback_id",
        "command",
        "event_id",
        "ts",
        "thread_ts",
        "message_ts",
        "action_ts",
        "event_ts",
        "deleted_ts",
        "action_id",
        "block_id",
        "value",
        "tab",
        "view_id",
        "hash",
        "private_metadata",
        "user_team",
        "app_installed_team_id",
        "external_id",
        "root_view_id",
        "previous_view_id",
        "name",
        "username",
        "domain",
        "channel_type",
    }
)
# Keys that are an object in interactive payloads and a plain id in events (or, for text, a
# message's text and a button's text object).
OBJECT_OR_ID_KEYS = frozenset({"team", "user", "channel", "text"})
LIST_KEYS = frozenset({"actions", "authorizations", "response_urls", "blocks"})
MAX_ID = 255
MAX_TEXT = 40_000
TEXT_KEYS = frozenset({"text", "private_metadata", "value"})


def unreadable(body: bytes, content_type: str) -> str | None:
    """Why the request cannot be read, or None when its envelope has Slack's shape."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    if content_type.startswith("application/json"):
        try:
            payload = json.loads(text)
        except ValueError:
            return "not JSON"
        return _check_root(payload)
    fields = parse_qs(text, keep_blank_values=True)
    if "payload" in fields:
        try:
            payload = json.loads(fields["payload"][0])
        except ValueError:
            return "payload is not JSON"
        return _check_root(payload)
    for key, values in fields.items():
        if len(values) != 1:
            return f"{key} given {len(values)} times"
        problem = _check_string(key, values[0])
        if problem:
            return problem
    for key in ("command", "user_id", "team_id", "trigger_id", "response_url"):
        if not fields.get(key, [""])[0]:
            return f"a slash command without {key}"
    return _check_url(fields.get("response_url", [""])[0])


def _check_root(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return "the payload is not an object"
    if payload.get("type") == "url_verification":
        return None
    problem = _check(payload, "") or _required(payload)
    if problem:
        return problem
    return _check_url(payload.get("response_url"))


def _required(payload: dict[str, Any]) -> str | None:
    """What each kind cannot do without (what Bolt routes on, and who is acting)."""
    kind = payload.get("type")
    if kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict) or not event.get("type"):
            return "an event callback without an event type"
        return None if payload.get("team_id") else "an event callback without team_id"
    if not isinstance(kind, str) or not kind:
        return "a payload without a type"
    user = payload.get("user")
    if not isinstance(user, dict) or not user.get("id"):
        return f"a {kind} payload without a user"
    if kind == "block_actions":
        actions = payload.get("actions")
        if not actions or not all(isinstance(a, dict) and a.get("action_id") for a in actions):
            return "block_actions without an action id"
        container = payload.get("container")
        in_view = isinstance(container, dict) and container.get("type") == "view"
        view = payload.get("view")
        if (in_view or view is not None) and not (isinstance(view, dict) and view.get("id")):
            return "block_actions in a view without the view"
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        if not isinstance(view, dict) or not view.get("id"):
            return f"a {kind} payload without a view"
    if kind in ("shortcut", "message_action") and not payload.get("callback_id"):
        return f"a {kind} payload without a callback_id"
    if kind in _OPENS_MODALS and not payload.get("trigger_id"):
        return f"a {kind} payload without a trigger_id"
    urls = payload.get("response_urls")
    if urls is not None and not all(
        isinstance(u, dict) and isinstance(u.get("response_url"), str) for u in urls
    ):
        return "response_urls without URLs"
    return None


# Payloads Slack always sends with a trigger id (they may open or push a modal).
_OPENS_MODALS = frozenset({"block_actions", "view_submission", "shortcut", "message_action"})


def _check(node: dict[str, Any], where: str) -> str | None:
    for key, value in node.items():
        path = f"{where}.{key}" if where else str(key)
        if value is None:
            if key == "view":  # Bolt reads a present view as an object
                return f"{path} is null"
            continue
        if key in OBJECT_OR_ID_KEYS and isinstance(value, str):
            problem = _check_string(path, value)
        elif key == "text":
            problem = None if isinstance(value, dict) else f"{path} is neither text nor an object"
        elif key in OBJECT_KEYS:
            if not isinstance(value, dict):
                return f"{path} is not an object"
            if key == "view" and not (value.get("id") and value.get("type")):
                return f"{path} without its id and type"
            # state.values and the like are the listeners' to read; their ids are checked there.
            problem = None if key == "state" else _check(value, path)
        elif key in LIST_KEYS:
            if not isinstance(value, list):
                return f"{path} is not a list"
            problem = None
            if key in ("actions", "authorizations"):
                for i, item in enumerate(value):
                    if not isinstance(item, dict):
                        return f"{path}.{i} is not an object"
                    problem = problem or _check(item, f"{path}.{i}")
        elif key in STRING_KEYS:
            if not isinstance(value, str):
                return f"{path} is not a string"
            problem = _check_string(path, value)
        else:
            problem = None
        if problem:
            return problem
    return None


def _check_string(path: str, value: str) -> str | None:
    limit = MAX_TEXT if path.rsplit(".", 1)[-1] in TEXT_KEYS else MAX_ID
    if len(value) > limit:
        return f"{path} is too long"
    if "\x00" in value:
        return f"{path} holds a NUL"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{path} holds a lone surrogate"
    return None


def _check_url(url: Any) -> str | None:
    if url is None or url == "":
        return None
    if not isinstance(url, str):
        return "response_url is not a string"
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return "response_url is not a URL"
    return None
