"""The Slack Web API stand-in, driven by slack_sdk's own async client."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.standin import SlackStandin
from bot.standin.slack_api import validate_blocks

JSON = dict[str, Any]


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandin]:
    async with SlackStandin() as s:
        s.add_user("U1", name="sato", real_name="佐藤 花子", email="sato@example.com")
        s.add_user("U2", name="suzuki", locale="en-US", tz="America/New_York")
        s.add_user("U3", name="gone", deleted=True)
        yield s


@pytest.fixture
def client(standin: SlackStandin) -> AsyncWebClient:
    return AsyncWebClient(token=standin.token, base_url=standin.api_url)


async def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        await call
    return str(info.value.response["error"])


def modal(*blocks: JSON, **fields: Any) -> JSON:
    view: JSON = {"type": "modal", "title": {"type": "plain_text", "text": "1on1"}}
    view["blocks"] = list(blocks) or [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]
    view.update(fields)
    return view


def options(n: int, text: str = "opt") -> list[JSON]:
    return [{"text": {"type": "plain_text", "text": text}, "value": str(i)} for i in range(n)]


# --- auth, users -----------------------------------------------------------------------------


async def test_auth_test_names_the_bot(client: AsyncWebClient, standin: SlackStandin) -> None:
    res = await client.auth_test()
    assert res["user_id"] == standin.bot_user_id
    assert res["team_id"] == standin.team_id
    assert res["bot_id"] == standin.bot_id


async def test_wrong_or_missing_token(standin: SlackStandin) -> None:
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=standin.api_url)
    assert await error_of(wrong.auth_test()) == "invalid_auth"
    anonymous = AsyncWebClient(base_url=standin.api_url)
    assert await error_of(anonymous.auth_test()) == "not_authed"
    assert [c.status for c in standin.calls_to("auth.test")] == [200, 200]


async def test_token_in_form_field_is_accepted(standin: SlackStandin) -> None:
    form = {"token": standin.token, "channel": "U1", "text": "hi", "blocks": "[]"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{standin.api_url}chat.postMessage", data=form) as res,
    ):
        body = await res.json()
    assert body["ok"], body
    assert standin.calls[-1].args == {"channel": "U1", "text": "hi", "blocks": []}


async def test_users_info_locale_only_when_asked(client: AsyncWebClient) -> None:
    plain = await client.users_info(user="U1")
    assert "locale" not in plain["user"]
    assert plain["user"]["profile"]["email"] == "sato@example.com"
    assert plain["user"]["real_name"] == "佐藤 花子"
    assert plain["user"]["tz_offset"] == 9 * 3600

    with_locale = await client.users_info(user="U2", include_locale=True)
    assert with_locale["user"]["locale"] == "en-US"
    assert with_locale["user"]["tz"] == "America/New_York"
    assert with_locale["user"]["tz_offset"] in (-5 * 3600, -4 * 3600)

    assert await error_of(client.users_info(user="U404")) == "user_not_found"


async def test_users_lookup_by_email(client: AsyncWebClient) -> None:
    res = await client.users_lookupByEmail(email="SATO@example.com")
    assert res["user"]["id"] == "U1"
    assert await error_of(client.users_lookupByEmail(email="x@example.com")) == "users_not_found"


# --- conversations, chat ---------------------------------------------------------------------


async def test_conversations_open(client: AsyncWebClient, standin: SlackStandin) -> None:
    dm = (await client.conversations_open(users="U1"))["channel"]["id"]
    assert dm.startswith("D")
    assert (await client.conversations_open(users="U1"))["channel"]["id"] == dm
    mpim = (await client.conversations_open(users="U1,U2"))["channel"]["id"]
    assert mpim.startswith("G")
    assert (await client.conversations_open(users=["U2", "U1"]))["channel"]["id"] == mpim
    assert (await client.conversations_open(channel=dm))["channel"]["id"] == dm
    assert standin.dm_channel_id("U1") == dm

    assert await error_of(client.conversations_open(users="U404")) == "user_not_found"
    assert await error_of(client.conversations_open(users="U3")) == "user_disabled"
    bot_dm = client.conversations_open(users=standin.bot_user_id)
    assert await error_of(bot_dm) == "cannot_dm_bot"


async def test_post_to_user_id_lands_in_the_dm(
    client: AsyncWebClient, standin: SlackStandin
) -> None:
    first = await client.chat_postMessage(channel="U1", text="こんにちは")
    second = await client.chat_postMessage(channel=first["channel"], text="2", thread_ts="1.2")
    assert first["channel"] == standin.dm_channel_id("U1")
    assert float(second["ts"]) > float(first["ts"])
    assert second["message"]["thread_ts"] == "1.2"
    assert second["message"]["user"] == standin.bot_user_id
    assert standin.messages[(first["channel"], first["ts"])]["text"] == "こんにちは"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_post_message_errors(client: AsyncWebClient, standin: SlackStandin) -> None:
    standin.add_channel("C1", "managers", {"U1", standin.bot_user_id})
    standin.add_channel("C2", "random", {"U1"})
    assert (await client.chat_postMessage(channel="C1", text="ok"))["channel"] == "C1"
    assert (await client.chat_postMessage(channel="#managers", text="ok"))["channel"] == "C1"

    post = client.chat_postMessage
    assert await error_of(post(channel="C404", text="x")) == "channel_not_found"
    assert await error_of(post(channel="U404", text="x")) == "channel_not_found"
    assert await error_of(post(channel="C2", text="x")) == "not_in_channel"
    assert await error_of(post(channel="C1", text="")) == "no_text"
    assert await error_of(post(channel="C1", text="x" * 40_001)) == "msg_too_long"
    too_many = [{"type": "divider"}] * 51
    assert await error_of(post(channel="C1", text="x", blocks=too_many)) == "invalid_blocks"
    assert await client.chat_postMessage(channel="C1", text="x", blocks=too_many[:50])


async def test_update_and_delete(client: AsyncWebClient, standin: SlackStandin) -> None:
    posted = await client.chat_postMessage(channel="U1", text="before")
    channel, ts = posted["channel"], posted["ts"]
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "after"}}]
    updated = await client.chat_update(channel=channel, ts=ts, text="after", blocks=blocks)
    assert updated["message"]["text"] == "after"
    assert standin.messages[(channel, ts)]["blocks"] == blocks

    await client.chat_delete(channel=channel, ts=ts)
    assert (channel, ts) not in standin.messages
    assert await error_of(client.chat_update(channel=channel, ts=ts, text="x")) == (
        "message_not_found"
    )
    assert await error_of(client.chat_delete(channel=channel, ts=ts)) == "message_not_found"


async def test_post_ephemeral(client: AsyncWebClient, standin: SlackStandin) -> None:
    standin.add_channel("C1", "managers", {"U1", standin.bot_user_id})
    res = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert res["message_ts"]
    assert standin.ephemerals[-1]["user"] == "U1"
    outsider = client.chat_postEphemeral(channel="C1", user="U2", text="x")
    assert await error_of(outsider) == "user_not_in_channel"


async def test_reactions_add(client: AsyncWebClient, standin: SlackStandin) -> None:
    dm = standin.dm_channel_id("U1")
    ts = standin.add_message(dm, user="U1", text="memo")
    await client.reactions_add(channel=dm, timestamp=ts, name="white_check_mark")
    again = client.reactions_add(channel=dm, timestamp=ts, name="white_check_mark")
    assert await error_of(again) == "already_reacted"
    missing = client.reactions_add(channel=dm, timestamp="1.000001", name="eyes")
    assert await error_of(missing) == "message_not_found"
    assert standin.reactions[(dm, ts)] == {"white_check_mark"}


# --- views -----------------------------------------------------------------------------------


async def test_trigger_ids_are_single_use(client: AsyncWebClient, standin: SlackStandin) -> None:
    trigger = standin.issue_trigger_id()
    opened = await client.views_open(trigger_id=trigger, view=modal(callback_id="pick"))
    view = opened["view"]
    assert view["id"].startswith("V")
    assert view["callback_id"] == "pick"
    assert view["state"] == {"values": {}}
    assert standin.views[view["id"]]["hash"] == view["hash"]

    reused = client.views_open(trigger_id=trigger, view=modal())
    assert await error_of(reused) == "exchanged_trigger_id"
    unknown = client.views_open(trigger_id="1.2.deadbeef", view=modal())
    assert await error_of(unknown) == "invalid_trigger_id"


async def test_trigger_ids_expire(client: AsyncWebClient, standin: SlackStandin) -> None:
    standin.trigger_ttl = 0.05
    trigger = standin.issue_trigger_id()
    await asyncio.sleep(0.1)
    late = client.views_open(trigger_id=trigger, view=modal())
    assert await error_of(late) == "expired_trigger_id"


async def test_views_update_push_publish(client: AsyncWebClient, standin: SlackStandin) -> None:
    opened = await client.views_open(
        trigger_id=standin.issue_trigger_id(), view=modal(external_id="ext-1")
    )
    view_id, old_hash = opened["view"]["id"], opened["view"]["hash"]

    updated = await client.views_update(
        view_id=view_id, hash=old_hash, view=modal(external_id="ext-1", callback_id="v2")
    )
    assert updated["view"]["id"] == view_id
    assert updated["view"]["hash"] != old_hash
    stale = client.views_update(view_id=view_id, hash=old_hash, view=modal())
    assert await error_of(stale) == "hash_conflict"
    by_external = await client.views_update(external_id="ext-1", view=modal(external_id="ext-1"))
    assert by_external["view"]["id"] == view_id
    assert await error_of(client.views_update(view_id="V404", view=modal())) == "not_found"

    pushed = await client.views_push(trigger_id=standin.issue_trigger_id(), view=modal())
    assert pushed["view"]["id"] != view_id

    home: JSON = {"type": "home", "blocks": [{"type": "divider"}]}
    published = await client.views_publish(user_id="U1", view=home)
    assert standin.home_tabs["U1"]["id"] == published["view"]["id"]
    republished = await client.views_publish(user_id="U1", view=home)
    assert republished["view"]["id"] == published["view"]["id"]
    wrong_type = client.views_publish(user_id="U1", view=modal())
    assert await error_of(wrong_type) == "invalid_arguments"


def _section(text: str) -> JSON:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _input(element: JSON, label: str = "label") -> JSON:
    return {"type": "input", "label": {"type": "plain_text", "text": label}, "element": element}


BLOCK_KIT_VIOLATIONS: dict[str, tuple[JSON, str]] = {
    "title": (modal(title={"type": "plain_text", "text": "x" * 25}), "/view/title/text"),
    "submit": (modal(submit={"type": "plain_text", "text": "x" * 25}), "/view/submit/text"),
    "blocks": (modal(*[{"type": "divider"}] * 101), "/view/blocks"),
    "private_metadata": (modal(private_metadata="x" * 3001), "/view/private_metadata"),
    "callback_id": (modal(callback_id="x" * 256), "/view/callback_id"),
    "block_id": (modal({"type": "divider", "block_id": "b" * 256}), "/view/blocks/0/block_id"),
    "duplicate block_id": (
        modal({"type": "divider", "block_id": "b"}, {"type": "divider", "block_id": "b"}),
        "/view/blocks/1/block_id",
    ),
    "checkboxes": (
        modal(_input({"type": "checkboxes", "action_id": "a", "options": options(11)})),
        "/view/blocks/0/element/options",
    ),
    "radio_buttons": (
        modal(_input({"type": "radio_buttons", "options": options(11)})),
        "/view/blocks/0/element/options",
    ),
    "static_select": (
        modal(_input({"type": "static_select", "options": options(101)})),
        "/view/blocks/0/element/options",
    ),
    "option text": (
        modal(_input({"type": "multi_static_select", "options": options(2, "x" * 76)})),
        "/view/blocks/0/element/options/0/text/text",
    ),
    "grouped option text": (
        modal(
            _input(
                {
                    "type": "static_select",
                    "option_groups": [
                        {"label": {"type": "plain_text", "text": "g"}, "options": options(1)},
                        {
                            "label": {"type": "plain_text", "text": "h"},
                            "options": options(1, "y" * 76),
                        },
                    ],
                }
            )
        ),
        "/view/blocks/0/element/option_groups/1/options/0/text/text",
    ),
    "section text": (modal(_section("x" * 3001)), "/view/blocks/0/text/text"),
    "header text": (
        modal({"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}),
        "/view/blocks/0/text/text",
    ),
    "input label": (
        modal(_input({"type": "plain_text_input"}, label="x" * 2001)),
        "/view/blocks/0/label/text",
    ),
    "max_length": (
        modal(_input({"type": "plain_text_input", "max_length": 3001})),
        "/view/blocks/0/element/max_length",
    ),
    "action_id": (
        modal(_input({"type": "plain_text_input", "action_id": "a" * 256})),
        "/view/blocks/0/element/action_id",
    ),
    "context": (
        modal({"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}),
        "/view/blocks/0/elements",
    ),
    "actions": (
        modal(
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "b"}}] * 26,
            }
        ),
        "/view/blocks/0/elements",
    ),
    "missing title": ({"type": "modal", "blocks": []}, "/view"),
}


@pytest.mark.parametrize("case", BLOCK_KIT_VIOLATIONS)
async def test_block_kit_limits_answer_invalid_arguments(
    client: AsyncWebClient, standin: SlackStandin, case: str
) -> None:
    view, pointer = BLOCK_KIT_VIOLATIONS[case]
    with pytest.raises(SlackApiError) as info:
        await client.views_open(trigger_id=standin.issue_trigger_id(), view=view)
    response = info.value.response
    assert response["error"] == "invalid_arguments"
    messages = response["response_metadata"]["messages"]
    assert any(m.startswith("[ERROR]") and f"[json-pointer:{pointer}]" in m for m in messages), (
        messages
    )
    assert not standin.views


async def test_block_kit_limits_are_inclusive(
    client: AsyncWebClient, standin: SlackStandin
) -> None:
    at_limit = modal(
        {"type": "header", "text": {"type": "plain_text", "text": "x" * 150}},
        _section("x" * 3000),
        _input({"type": "checkboxes", "action_id": "c", "options": options(10, "x" * 75)}),
        _input({"type": "static_select", "options": options(100)}),
        _input({"type": "plain_text_input", "max_length": 3000}, label="x" * 2000),
        *[{"type": "divider"}] * 95,
        title={"type": "plain_text", "text": "x" * 24},
        private_metadata="x" * 3000,
        callback_id="x" * 255,
    )
    assert len(at_limit["blocks"]) == 100
    res = await client.views_open(trigger_id=standin.issue_trigger_id(), view=at_limit)
    assert res["view"]["private_metadata"] == "x" * 3000


def test_validator_reports_every_violation() -> None:
    view = modal(_section("x" * 3001), private_metadata="x" * 3001)
    errors = validate_blocks(view, kind="modal", pointer="/view")
    assert len(errors) == 2


async def test_message_blocks_are_validated(client: AsyncWebClient) -> None:
    blocks = [_section("x" * 3001)]
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="U1", text="x", blocks=blocks)
    assert info.value.response["error"] == "invalid_blocks"
    assert (
        "[json-pointer:/blocks/0/text/text]"
        in info.value.response["response_metadata"]["messages"][0]
    )


# --- faults and rate limits ------------------------------------------------------------------


async def test_fail_and_server_error(client: AsyncWebClient, standin: SlackStandin) -> None:
    standin.fail("chat.postMessage", "is_archived", times=2)
    standin.server_error("*", status=503)
    post = client.chat_postMessage
    assert await error_of(post(channel="U1", text="x")) == "is_archived"
    assert await error_of(post(channel="U1", text="x")) == "is_archived"
    with pytest.raises(SlackApiError) as info:
        await client.auth_test()
    assert info.value.response.status_code == 503
    assert (await post(channel="U1", text="x"))["ok"]
    assert [c.status for c in standin.calls] == [200, 200, 503, 200]
    assert [c.ok for c in standin.calls] == [False, False, False, True]


async def test_unknown_method(client: AsyncWebClient) -> None:
    assert await error_of(client.api_call("nothing.here")) == "unknown_method"


async def test_429_retry_after_is_honoured(standin: SlackStandin) -> None:
    client = AsyncWebClient(
        token=standin.token,
        base_url=standin.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    standin.rate_limit("chat.postMessage", retry_after=1)
    started = time.monotonic()
    res = await client.chat_postMessage(channel="U1", text="after the wait")
    assert res["ok"]
    calls = standin.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].response == {"ok": False, "error": "ratelimited"}
    assert calls[1].at - calls[0].at >= 1.0
    assert time.monotonic() - started >= 1.0


async def test_429_without_retry_handler_surfaces(
    client: AsyncWebClient, standin: SlackStandin
) -> None:
    standin.rate_limit("*", retry_after=7)
    with pytest.raises(SlackApiError) as info:
        await client.auth_test()
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"


async def test_rate_cap_answers_429_beyond_the_cap(
    client: AsyncWebClient, standin: SlackStandin
) -> None:
    standin.set_rate_cap("chat.postMessage", per_second=3)
    results = await asyncio.gather(
        *(client.chat_postMessage(channel="U1", text=str(i)) for i in range(5)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, SlackApiError)]
    assert len(refused) == 2
    assert all(r.response.status_code == 429 for r in refused)
    assert all(int(r.response.headers["Retry-After"]) >= 1 for r in refused)
    assert (await client.auth_test())["ok"], "other methods are not capped"

    standin.set_rate_cap("chat.postMessage", None)
    assert (await client.chat_postMessage(channel="U1", text="uncapped"))["ok"]


async def test_rate_cap_refills(client: AsyncWebClient, standin: SlackStandin) -> None:
    standin.set_rate_cap("*", per_second=5)
    for _ in range(5):
        await client.auth_test()
    assert await error_of(client.auth_test()) == "ratelimited"
    await asyncio.sleep(0.3)
    assert (await client.auth_test())["ok"]


# --- recording -------------------------------------------------------------------------------


async def test_wait_for_and_clear(client: AsyncWebClient, standin: SlackStandin) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel="U1", text="later")

    task = asyncio.create_task(later())
    calls = await standin.wait_for("chat.postMessage", timeout=2)
    await task
    assert calls[0].args["text"] == "later"
    assert calls[0].args["channel"] == "U1"
    standin.clear()
    assert standin.calls == []
    assert standin.messages, "clear() forgets calls, not state"


async def test_response_url_is_recorded(standin: SlackStandin) -> None:
    webhook = AsyncWebhookClient(f"{standin.base_url}response/abc")
    res = await webhook.send(text="ephemeral reply", response_type="ephemeral")
    assert res.status_code == 200
    assert res.body == "ok"
    (call,) = standin.calls_to("response_url")
    assert call.args["text"] == "ephemeral reply"
    assert call.args["response_id"] == "abc"


async def test_json_strings_in_json_bodies_are_decoded(standin: SlackStandin) -> None:
    body = {"channel": "U1", "blocks": json.dumps([{"type": "divider"}])}
    headers = {"Authorization": f"Bearer {standin.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{standin.api_url}chat.postMessage", json=body, headers=headers) as res,
    ):
        assert (await res.json())["ok"]
    assert standin.calls[-1].args["blocks"] == [{"type": "divider"}]


async def test_views_push_stacks_on_the_modal_the_interaction_came_from(
    client: AsyncWebClient, standin: SlackStandin
) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Base"}, "blocks": []}
    opened = await client.views_open(trigger_id=standin.issue_trigger_id("U1"), view=modal)
    base_id = opened["view"]["id"]

    from_base = standin.issue_trigger_id("U1", view_id=base_id)
    pushed = await client.views_push(trigger_id=from_base, view={**modal, "blocks": []})

    assert pushed["view"]["previous_view_id"] == base_id
    assert pushed["view"]["root_view_id"] == base_id
    # A trigger that came from no modal stacks on nothing.
    lone = await client.views_push(trigger_id=standin.issue_trigger_id("U1"), view=modal)
    assert lone["view"]["previous_view_id"] is None
