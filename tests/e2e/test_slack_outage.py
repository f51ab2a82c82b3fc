"""Slack's Web API away on a fresh process: a memo reply is not answered 200 and forgotten."""

from __future__ import annotations

from bot.standin.stack import LocalStack
from tests.e2e.helpers import MEMBER_TANAKA, entries, settle, tanaka_thread

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
