"""The driver signs like Slack: checked with slack_sdk's SignatureVerifier in a tiny echo app."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin import SlackDriver, SlackStandin

JSON = dict[str, Any]
SECRET = "standin-signing-secret"


@dataclass
class Received:
    valid: bool
    content_type: str
    headers: dict[str, str]
    form: dict[str, str]
    payload: JSON


@dataclass
class EchoApp:
    """Verifies each request and remembers it; answers with queued replies (else empty 200)."""

    received: list[Received] = field(default_factory=list)
    replies: list[JSON] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        valid = SignatureVerifier(SECRET).is_valid_request(body, dict(request.headers))
        form: dict[str, str] = {}
        payload: JSON = {}
        if request.content_type == "application/json":
            payload = json.loads(body)
        else:
            form = dict(parse_qsl(body.decode(), keep_blank_values=True))
            if "payload" in form:
                payload = json.loads(form["payload"])
        self.received.append(
            Received(valid, request.content_type, dict(request.headers), form, payload)
        )
        if not valid:
            return web.Response(status=401)
        if payload.get("type") == "url_verification":
            return web.json_response({"challenge": payload["challenge"]})
        if self.replies:
            return web.json_response(self.replies.pop(0))
        return web.Response()


@pytest.fixture
async def echo() -> AsyncIterator[tuple[EchoApp, str]]:
    app_state = EchoApp()
    app = web.Application()
    app.router.add_post("/slack/events", app_state.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield app_state, f"http://127.0.0.1:{port}/slack/events"
    await runner.cleanup()


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandin]:
    async with SlackStandin() as s:
        s.add_user("U1", name="sato")
        yield s


@pytest.fixture
async def driver(echo: tuple[EchoApp, str], standin: SlackStandin) -> AsyncIterator[SlackDriver]:
    async with SlackDriver(echo[1], SECRET, standin=standin) as d:
        yield d


def test_sign_matches_slack_sdk() -> None:
    driver = SlackDriver("http://unused", SECRET)
    body = b"token=x&team_id=T1&text=%E3%81%93%E3%82%93"
    headers = driver.sign(body, timestamp=1_531_420_618)
    assert headers["X-Slack-Request-Timestamp"] == "1531420618"
    expected = SignatureVerifier(SECRET).generate_signature(timestamp="1531420618", body=body)
    assert headers["X-Slack-Signature"] == expected


async def test_good_requests_verify_and_forged_ones_do_not(
    driver: SlackDriver, echo: tuple[EchoApp, str]
) -> None:
    app, _ = echo
    body = b"token=x&command=%2F1on1"
    good = await driver.post(body, "application/x-www-form-urlencoded")
    forged = await driver.post(
        body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64
    )
    stale = await driver.post(
        body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 600
    )
    other_secret = SlackDriver(driver.events_url, "not-the-secret")
    try:
        wrong_key = await other_secret.post(body, "application/x-www-form-urlencoded")
    finally:
        await other_secret.close()

    assert good.status == 200
    assert (forged.status, stale.status, wrong_key.status) == (401, 401, 401)
    assert [r.valid for r in app.received] == [True, False, False, False]


async def test_slash_command_is_form_encoded_like_slack(
    driver: SlackDriver, echo: tuple[EchoApp, str], standin: SlackStandin
) -> None:
    app, _ = echo
    res = await driver.slash_command("U1", "help")
    assert res.status == 200
    (got,) = app.received
    assert got.valid
    assert got.content_type == "application/x-www-form-urlencoded"
    assert got.form["command"] == "/1on1"
    assert got.form["text"] == "help"
    assert got.form["user_id"] == "U1"
    assert got.form["user_name"] == "sato"
    assert got.form["team_id"] == "T0STANDIN"
    assert got.form["channel_id"] == standin.dm_channel_id("U1")
    assert got.form["response_url"].startswith(standin.base_url)
    expected_keys = {
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
        "command", "text", "api_app_id", "response_url", "trigger_id",
    }  # fmt: skip
    assert expected_keys <= got.form.keys()
    assert res.sent == got.form

    # The trigger id came from the stand-in, so views.open accepts it exactly once.
    client = AsyncWebClient(token=standin.token, base_url=standin.api_url)
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []}
    await client.views_open(trigger_id=got.form["trigger_id"], view=view)
    assert driver.opened_view()["id"] in standin.views


async def test_block_actions_from_a_view_and_a_message(
    driver: SlackDriver, echo: tuple[EchoApp, str], standin: SlackStandin
) -> None:
    app, _ = echo
    view = {"id": "V1", "type": "modal", "callback_id": "pick", "blocks": []}
    values = {"b": {"a": {"type": "plain_text_input", "value": "x"}}}
    await driver.block_actions(
        "U1", [{"action_id": "choose", "value": "1"}], view=view, values=values
    )
    payload = app.received[-1].payload
    assert app.received[-1].valid
    assert payload["type"] == "block_actions"
    assert payload["container"] == {"type": "view", "view_id": "V1"}
    assert payload["view"]["state"]["values"] == values
    assert payload["user"] == {
        "id": "U1",
        "username": "sato",
        "name": "sato",
        "team_id": "T0STANDIN",
    }
    assert payload["team"]["id"] == "T0STANDIN"
    assert payload["actions"][0]["action_id"] == "choose"
    assert {"block_id", "action_ts", "type"} <= payload["actions"][0].keys()
    assert "response_url" not in payload
    assert payload["trigger_id"]

    client = AsyncWebClient(token=standin.token, base_url=standin.api_url)
    posted = await client.chat_postMessage(channel="U1", text="digest")
    await driver.block_actions("U1", [{"action_id": "done"}], message=posted["message"])
    payload = app.received[-1].payload
    assert payload["container"]["channel_id"] == posted["channel"]
    assert payload["container"]["message_ts"] == posted["ts"]
    assert payload["channel"]["id"] == posted["channel"]
    assert payload["response_url"].startswith(standin.base_url)

    with pytest.raises(ValueError, match="view or a message"):
        await driver.block_actions("U1", [{"action_id": "x"}])


async def test_view_submission_drives_the_modal_stack(
    driver: SlackDriver, echo: tuple[EchoApp, str], standin: SlackStandin
) -> None:
    app, _ = echo
    client = AsyncWebClient(token=standin.token, base_url=standin.api_url)
    spec = {
        "type": "modal",
        "callback_id": "agenda",
        "private_metadata": '{"slot": 1}',
        "title": {"type": "plain_text", "text": "Agenda"},
        "blocks": [],
    }
    await client.views_open(trigger_id=standin.issue_trigger_id(), view=spec)
    opened = driver.opened_view()

    step2 = {**spec, "callback_id": "agenda-2"}
    app.replies.append({"response_action": "update", "view": step2})
    values = {"topic": {"pick": {"type": "static_select", "selected_option": {"value": "career"}}}}
    res = await driver.view_submission("U1", opened, values)
    assert res.json()["response_action"] == "update"
    sent = app.received[-1].payload
    assert sent["type"] == "view_submission"
    assert sent["view"]["id"] == opened["id"]
    assert sent["view"]["callback_id"] == "agenda"
    assert sent["view"]["private_metadata"] == '{"slot": 1}'
    assert sent["view"]["state"] == {"values": values}
    updated = driver.opened_view()
    assert updated["id"] == opened["id"]
    assert updated["callback_id"] == "agenda-2"

    await driver.view_submission("U1", updated, {})
    assert opened["id"] not in standin.views, "a plain ack closes the modal"

    await driver.view_closed("U1", updated)
    assert app.received[-1].payload["type"] == "view_closed"
    assert app.received[-1].payload["is_cleared"] is False


async def test_message_action(driver: SlackDriver, echo: tuple[EchoApp, str]) -> None:
    app, _ = echo
    message = {"type": "message", "user": "U1", "text": "good point", "ts": "1700000000.000100"}
    await driver.message_action("U1", "save_tip", message, "C1")
    payload = app.received[-1].payload
    assert app.received[-1].valid
    assert payload["type"] == "message_action"
    assert payload["callback_id"] == "save_tip"
    assert payload["message_ts"] == message["ts"]
    assert payload["channel"]["id"] == "C1"
    assert payload["trigger_id"]
    assert payload["response_url"]


async def test_event_envelope_and_retries(
    driver: SlackDriver, echo: tuple[EchoApp, str], standin: SlackStandin
) -> None:
    app, _ = echo
    res = await driver.event({"type": "reaction_added", "user": "U1"})
    got = app.received[-1]
    assert res.status == 200
    assert got.valid
    assert got.content_type == "application/json"
    envelope = got.payload
    assert envelope["type"] == "event_callback"
    assert envelope["team_id"] == "T0STANDIN"
    assert envelope["event_id"].startswith("Ev")
    assert envelope["event"]["type"] == "reaction_added"
    assert envelope["event"]["event_ts"]
    assert envelope["authorizations"][0]["user_id"] == standin.bot_user_id
    assert "X-Slack-Retry-Num" not in got.headers

    await driver.event({"type": "reaction_added"}, event_id="Ev123", retry_num=1)
    got = app.received[-1]
    assert got.valid
    assert got.payload["event_id"] == "Ev123"
    assert got.headers["X-Slack-Retry-Num"] == "1"
    assert got.headers["X-Slack-Retry-Reason"] == "http_timeout"


async def test_message_events_are_known_to_the_standin(
    driver: SlackDriver, standin: SlackStandin
) -> None:
    res = await driver.message("U1", "memo: next focus", thread_ts="1700000000.000100")
    event = res.sent["event"]
    assert event["channel"] == standin.dm_channel_id("U1")
    assert event["channel_type"] == "im"
    client = AsyncWebClient(token=standin.token, base_url=standin.api_url)
    await client.reactions_add(channel=event["channel"], timestamp=event["ts"], name="memo")


async def test_app_home_opened_and_url_verification(
    driver: SlackDriver, echo: tuple[EchoApp, str], standin: SlackStandin
) -> None:
    app, _ = echo
    await driver.app_home_opened("U1")
    event = app.received[-1].payload["event"]
    assert event == {
        "type": "app_home_opened",
        "user": "U1",
        "channel": standin.dm_channel_id("U1"),
        "tab": "home",
        "event_ts": event["event_ts"],
    }
    res = await driver.url_verification("abc123")
    assert app.received[-1].valid
    assert res.json() == {"challenge": "abc123"}


def test_opened_view_needs_a_view() -> None:
    with pytest.raises(LookupError):
        SlackDriver("http://unused", SECRET).opened_view()
    with pytest.raises(LookupError):
        SlackDriver("http://unused", SECRET, standin=SlackStandin()).opened_view()
