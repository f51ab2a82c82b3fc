"""The shape check every Slack request passes before Bolt reads it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from handlers.slack.envelope import unreadable

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"


def interactive(**changes: Any) -> bytes:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T0", "domain": "d"},
        "user": {"id": "U1", "team_id": "T0"},
        "api_app_id": "A0",
        "trigger_id": "1.2.3",
        "actions": [{"action_id": "open_picker", "value": "12", "type": "button"}],
        "container": {"type": "view", "view_id": "V1"},
        "view": {"id": "V1", "type": "modal", "state": {"values": {"x": {"y": 5}}}},
        "response_url": "https://hooks.slack.com/actions/T0/1/abc",
    }
    for key, value in changes.items():
        if value is ...:
            payload.pop(key)
        else:
            payload[key] = value
    return urlencode({"payload": json.dumps(payload)}).encode()


def event(**changes: Any) -> bytes:
    envelope: dict[str, Any] = {
        "type": "event_callback",
        "team_id": "T0",
        "event_id": "Ev1",
        "event": {"type": "message", "user": "U1", "channel": "G1", "ts": "1.2", "text": "メモ"},
        "authorizations": [{"team_id": "T0", "user_id": "U0BOT", "is_bot": True}],
    }
    envelope.update(changes)
    return json.dumps(envelope).encode()


def test_slacks_own_shapes_pass() -> None:
    assert unreadable(interactive(), FORM) is None
    assert unreadable(event(), JSON_TYPE) is None
    slash = {
        "command": "/1on1",
        "user_id": "U1",
        "team_id": "T0",
        "text": "memo",
        "trigger_id": "1.2.3",
        "response_url": "https://hooks.slack.com/commands/T0/1/abc",
    }
    assert unreadable(urlencode(slash).encode(), FORM) is None
    # state.values belongs to the listeners: odd values there are theirs to refuse.
    odd_state = {"id": "V1", "type": "modal", "state": {"values": [1]}}
    assert unreadable(interactive(view=odd_state), FORM) is None


@pytest.mark.parametrize(
    "body",
    [
        interactive(team=["T0"]),
        interactive(user={"id": 12}),
        interactive(user={"id": True}),
        interactive(user=...),
        interactive(trigger_id=1.5),
        interactive(actions={"action_id": "x"}),
        interactive(actions=[]),
        interactive(actions=["open_picker"]),
        interactive(container="V1"),
        interactive(enterprise=[]),
        interactive(response_url="javascript:alert(1)"),
        interactive(response_url=7),
        interactive(api_app_id="A" * 300),
        interactive(trigger_id="a\x00b"),
        interactive(type=None),
        interactive(type="view_submission", view=...),
        event(event=[]),
        event(event={"user": "U1"}),
        event(event={"type": "message", "user": "\ud800"}),
        event(authorizations=[["T0"]]),
        json.dumps({"type": "event_callback", "event": {"type": "message"}}).encode(),
        b"[1, 2]",
        b"{not json",
        b"\xff\xfe",
    ],
)
def test_odd_shapes_are_named(body: bytes) -> None:
    content_type = FORM if body.startswith(b"payload=") else JSON_TYPE
    assert unreadable(body, content_type)


def test_a_slash_command_needs_its_command_user_team_trigger_and_response_url() -> None:
    base = {
        "command": "/1on1",
        "user_id": "U1",
        "team_id": "T0",
        "trigger_id": "1.2.3",
        "response_url": "https://hooks.slack.com/commands/T0/1/abc",
    }
    for key in base:
        fields = {k: v for k, v in base.items() if k != key}
        assert unreadable(urlencode(fields).encode(), FORM), key
    doubled = urlencode([("command", "/1on1"), ("command", "/x"), ("user_id", "U1")]).encode()
    assert unreadable(doubled, FORM)
