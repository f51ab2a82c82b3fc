"""Slack's Web API away on a fresh process: a memo reply is not answered 200 and forgotten."""

from __future__ import annotations

import logging

import pytest

from bot.standin.stack import LocalStack
from tests.e2e.helpers import MEMBER_TANAKA, entries, reply, settle, tanaka_thread

MEMO = "来週までに見積もりの前提を整理する"


async def test_a_memo_reply_during_an_auth_test_outage_is_retried_by_slack_and_stored_once(
    org: LocalStack,
) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    # The process has not asked auth.test yet; now Slack's API fails for longer than the
    # client's own retries.
    org.standin.server_error("auth.test", status=500, times=20)

    first = await org.driver.message(MEMBER_TANAKA, MEMO, channel=channel, thread_ts=parent)
    await settle()

    # Not a 200: Slack will deliver the event again. Nothing was stored yet.
    assert first.status >= 500
    assert await entries(org, slot_id) == []

    # Slack's API is back; Slack's retry of the same event stores the reply, once.
    org.standin.clear_faults()
    event = first.sent["event"]
    again = await org.driver.event(event, event_id=first.sent["event_id"], retry_num=1)
    await settle()
    assert again.status == 200
    assert [e.text for e in await entries(org, slot_id)] == [MEMO]


async def test_memo_replies_are_stored_while_slacks_api_refuses_connections(
    org: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    await reply(org, MEMBER_TANAKA, "一つ目", channel, parent)  # who the bot is, now known
    await org.standin.stop()  # Slack's API is out of reach: connections are refused

    for text in ("二つ目", "次回: 三つ目"):
        response = await org.driver.message(MEMBER_TANAKA, text, channel=channel, thread_ts=parent)
        assert response.status == 200
    await settle()

    # Stored all the same (only the confirming reaction could not be added), quietly.
    assert [e.text for e in await entries(org, slot_id)] == ["一つ目", "二つ目", "三つ目"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
