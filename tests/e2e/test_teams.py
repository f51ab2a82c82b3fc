"""Teams end to end: the real server on a free port, the Teams stand-in as Bot Framework (keys,
login over TLS, Bot Connector), activities posted with the tokens Bot Framework would send.

Token times come from the stand-in's clock (the machine's own, which botbuilder checks them
against), never from fixed dates.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from bot.i18n import t
from bot.standin.stack import LocalStack
from bot.standin.teams import TeamsStandin, new_signing_key
from tests.e2e.helpers import CLOCK

USER = "29:1standin-user-aiko"


@pytest.fixture
async def teams_stack(database_url: str) -> AsyncIterator[LocalStack]:
    async with LocalStack(database_url, clock=CLOCK, teams=True) as local:
        yield local


def standin_of(stack: LocalStack) -> TeamsStandin:
    assert stack.teams is not None
    return stack.teams


def replies(standin: TeamsStandin) -> list[str]:
    return [
        str((call.body or {}).get("text", ""))
        for call in standin.calls_to("reply_to_activity")
        if call.ok
    ]


# --- the round trip ---------------------------------------------------------------------------


async def test_help_is_answered_in_japanese_through_the_connector(
    teams_stack: LocalStack,
) -> None:
    standin = standin_of(teams_stack)

    response = await teams_stack.teams_driver.message(USER, "ヘルプ", locale="ja-JP")

    assert response.status in (200, 201), response.text
    [reply] = await standin.wait_for("reply_to_activity")
    assert reply.ok
    text = reply.body["text"]
    assert "1on1ボットの使い方" in text
    assert "人事評価には使われません" in text
    assert "How to use" not in text
    # A reply to the person's own message, in their personal chat.
    assert reply.conversation_id == standin.users[USER].conversation_id
    assert reply.activity_id == response.sent["id"]
    assert reply.body["type"] == "message"


async def test_help_is_answered_in_english_for_an_english_client(
    teams_stack: LocalStack,
) -> None:
    standin = standin_of(teams_stack)

    response = await teams_stack.teams_driver.message(USER, "help", locale="en-US")

    assert response.status in (200, 201), response.text
    [text] = replies(standin)
    assert "How to use the 1on1 bot" in text
    assert "never used for performance evaluation" in text
    assert "使い方" not in text
    # The Slack catalog's mrkdwn arrives as Teams Markdown.
    assert "**How to use the 1on1 bot**" in text
    assert ":lock:" not in text


async def test_help_without_a_locale_uses_the_default_language(teams_stack: LocalStack) -> None:
    standin = standin_of(teams_stack)

    await teams_stack.teams_driver.message(USER, "Help", locale=None)

    [text] = replies(standin)
    assert t("ja", "help.title").strip("*") in text


async def test_other_messages_get_no_reply_yet(teams_stack: LocalStack) -> None:
    standin = standin_of(teams_stack)

    response = await teams_stack.teams_driver.message(USER, "こんにちは")

    assert response.status in (200, 201)
    assert standin.outbound == []


# --- outbound authentication -------------------------------------------------------------------


async def test_outbound_calls_carry_the_login_token_and_log_in_once(
    teams_stack: LocalStack,
) -> None:
    standin = standin_of(teams_stack)

    for locale in ("ja-JP", "en-US", "ja-JP"):
        response = await teams_stack.teams_driver.message(USER, "help", locale=locale)
        assert response.status in (200, 201), response.text

    sent = standin.calls_to("reply_to_activity")
    assert len(sent) == 3
    assert all(call.ok for call in sent)
    logins = standin.calls_to("login")
    assert len(logins) == 1, [c.operation for c in standin.calls]
    assert logins[0].status == 200
    assert logins[0].body["client_id"] == standin.app_id
    assert "client_secret" not in logins[0].body
    [issued] = standin.issued_tokens()
    assert {call.token for call in sent} == {issued}


async def test_a_refused_login_sends_nothing_and_is_not_a_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    # The activity was genuine; the failure is ours (the login), so no "unauthorized".
    standin = standin_of(teams_stack)
    standin.fail("login", status=401)

    with caplog.at_level(logging.WARNING, logger="oneonone"):
        response = await teams_stack.teams_driver.message(USER, "help")

    assert response.status == 500
    assert standin.outbound == []
    assert standin.app_password not in caplog.text


# --- inbound authentication --------------------------------------------------------------------


async def _refused(
    stack: LocalStack,
    caplog: pytest.LogCaptureFixture,
    *,
    token: str | None,
    authorization: str | None = None,
) -> None:
    standin = standin_of(stack)
    with caplog.at_level(logging.WARNING, logger="oneonone"):
        response = await stack.teams_driver.message(
            USER, "help", token=token, authorization=authorization
        )

    assert response.status == 401, response.text
    assert standin.outbound == []
    assert standin.calls_to("login") == []
    warnings = [r for r in caplog.records if r.name.startswith("oneonone.teams")]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert warnings[0].levelno == logging.WARNING
    assert warnings[0].exc_info is None
    if token:
        assert token not in caplog.text
        assert token.split(".")[-1] not in caplog.text


async def test_no_token_is_401(teams_stack: LocalStack, caplog: pytest.LogCaptureFixture) -> None:
    await _refused(teams_stack, caplog, token=None)


async def test_a_token_that_is_not_a_jwt_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    await _refused(teams_stack, caplog, token="not-a-token-at-all-but-long-enough")


async def test_a_token_signed_by_another_key_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    standin = standin_of(teams_stack)
    # The stand-in's key id, someone else's key: the signature does not verify.
    forged = standin.channel_token(key=new_signing_key())
    await _refused(teams_stack, caplog, token=forged)


async def test_a_token_with_an_unknown_key_id_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    standin = standin_of(teams_stack)
    forged = standin.channel_token(key=new_signing_key(), kid="someone-elses-key")
    await _refused(teams_stack, caplog, token=forged)


async def test_an_expired_token_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    standin = standin_of(teams_stack)
    # Issued two hours ago for one hour: past even botbuilder's five minutes of tolerance.
    expired = standin.channel_token(
        now=standin.clock.now() - timedelta(hours=2), lifetime=timedelta(hours=1)
    )
    await _refused(teams_stack, caplog, token=expired)


async def test_a_token_for_another_app_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    standin = standin_of(teams_stack)
    other = standin.channel_token(audience="11111111-2222-4333-8444-555555555555")
    await _refused(teams_stack, caplog, token=other)


async def test_a_token_from_another_issuer_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    standin = standin_of(teams_stack)
    other = standin.channel_token(issuer="https://issuer.example.test")
    await _refused(teams_stack, caplog, token=other)


async def test_a_token_for_another_service_url_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    # A valid token for one connector cannot send the bot's replies (and its login token)
    # to another.
    standin = standin_of(teams_stack)
    elsewhere = standin.channel_token(service_url="https://connector.example.test/")
    await _refused(teams_stack, caplog, token=elsewhere)


async def test_a_channel_the_key_is_not_endorsed_for_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    standin = standin_of(teams_stack)
    activity = teams_stack.teams_driver.personal_message(USER, "help")
    activity["channelId"] = "webchat"
    with caplog.at_level(logging.WARNING, logger="oneonone"):
        response = await teams_stack.teams_driver.post(activity)

    assert response.status == 401
    assert standin.outbound == []


async def test_a_non_bearer_authorization_is_401(
    teams_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    standin = standin_of(teams_stack)
    await _refused(
        teams_stack, caplog, authorization=f"Basic {standin.channel_token()}", token=None
    )


async def test_a_body_that_is_not_an_activity_is_refused_before_authentication(
    teams_stack: LocalStack,
) -> None:
    url = f"{teams_stack.runtime.base_url}/api/messages"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=b"{", headers={"Content-Type": "application/json"}) as res:
            assert res.status == 400
        async with http.post(url, data=b"help", headers={"Content-Type": "text/plain"}) as res:
            assert res.status == 415


# --- which platforms are served ----------------------------------------------------------------


async def test_teams_only_settings_serve_teams(database_url: str) -> None:
    async with LocalStack(database_url, clock=CLOCK, slack=False, teams=True) as stack:
        assert stack.settings().require_serving() == ("teams",)
        assert stack.runtime.slack_app is None

        response = await stack.teams_driver.message(USER, "help", locale="en-US")

        assert response.status in (200, 201), response.text
        assert len(standin_of(stack).calls_to("reply_to_activity")) == 1
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{stack.runtime.base_url}/slack/events", data=b"{}") as res:
                assert res.status == 404
            async with http.get(f"{stack.runtime.base_url}/healthz") as res:
                assert res.status == 200


async def test_slack_only_settings_serve_slack(database_url: str) -> None:
    async with LocalStack(database_url, clock=CLOCK) as stack:
        assert stack.settings().require_serving() == ("slack",)
        assert stack.runtime.teams is None

        stack.standin.add_user("U0VISITOR", name="visitor", locale="en-US")
        response = await stack.driver.slash_command("U0VISITOR", "help")
        assert response.status == 200
        await stack.standin.wait_for("response_url")

        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{stack.runtime.base_url}/api/messages",
                json={"type": "message", "text": "help"},
            ) as res,
        ):
            assert res.status == 404


async def test_both_platforms_on_one_server(teams_stack: LocalStack) -> None:
    assert teams_stack.settings().require_serving() == ("slack", "teams")

    teams_stack.standin.add_user("U0VISITOR", name="visitor", locale="en-US")
    slack = await teams_stack.driver.slash_command("U0VISITOR", "help")
    response = await teams_stack.teams_driver.message(USER, "help")

    assert (slack.status, response.status) == (200, 201)
    await teams_stack.standin.wait_for("response_url")
    assert len(standin_of(teams_stack).calls_to("reply_to_activity")) == 1
