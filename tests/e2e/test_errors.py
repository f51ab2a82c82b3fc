"""When a listener fails after ack, the person still hears about it, where they are looking:
in the memo thread they just posted in, or by DM for a button on Home."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.demo import forms as picker
from bot.standin.stack import LocalStack
from handlers.slack import ids
from tests.e2e.helpers import (
    LEADER_SALES,
    MEMBER_TANAKA,
    choose,
    dump,
    entries,
    open_picker,
    posts_to,
    reply,
    settle,
    submit,
    tanaka_thread,
)


async def database_away(*_: Any, **__: Any) -> Any:
    # A refused connection takes a moment to come back: long enough for Bolt to have seen the
    # ack (Bolt answers 404 when a listener fails within its 10 ms ack poll).
    await asyncio.sleep(0.05)
    raise OperationalError("INSERT", {}, ConnectionRefusedError("connection refused"))


async def test_a_memo_reply_that_could_not_be_saved_is_reported_in_its_thread(
    org: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    memos = org.runtime.services.memos

    with monkeypatch.context() as patch:
        patch.setattr(memos, "record_reply", database_away)
        await reply(org, MEMBER_TANAKA, "来月の目標を相談したい", channel, parent)

    [notice] = [e for e in org.standin.ephemerals if e["channel"] == channel]
    assert notice["user"] == MEMBER_TANAKA  # only the author sees it
    assert "保存できませんでした" in notice["text"]
    assert "もう一度投稿" in notice["text"]
    assert await entries(org, slot_id) == []

    # The process keeps serving: posting again once the database is back stores the memo.
    await reply(org, MEMBER_TANAKA, "来月の目標を相談したい", channel, parent)
    assert [e.text for e in await entries(org, slot_id)] == ["来月の目標を相談したい"]
    assert len([e for e in org.standin.ephemerals if e["channel"] == channel]) == 1


async def test_a_home_button_that_failed_gets_a_dm(
    org: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    await org.driver.app_home_opened(MEMBER_TANAKA)
    await settle()
    home = org.standin.home_tabs[MEMBER_TANAKA]
    [pair_value] = [
        b["accessory"]["value"]
        for b in home["blocks"]
        if (b.get("accessory") or {}).get("action_id") == ids.OPEN_PICKER
    ]
    sent_before = len(org.standin.calls_to("chat.postMessage"))

    with monkeypatch.context() as patch:
        patch.setattr(org.runtime.services.picks, "for_member", database_away)
        response = await org.driver.block_actions(
            MEMBER_TANAKA, [{"action_id": ids.OPEN_PICKER, "value": pair_value}], view=home
        )
        assert response.status == 200  # acked before the failure
        await settle()

    dms = org.standin.calls_to("chat.postMessage")[sent_before:]
    assert [c.args["channel"] for c in dms] == [MEMBER_TANAKA]
    assert "データベースに接続できません" in dms[0].args["text"]
    assert LEADER_SALES not in {c.args["channel"] for c in dms}


async def test_a_leader_notice_that_failed_is_sent_with_the_next_save(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["業務"])
    # The first message after the save is the leader's notice; Slack refuses it once.
    org.standin.fail("chat.postMessage", "fatal_error")
    await submit(org, MEMBER_TANAKA, view, picker.values(view, {"業務": ("advice", None)}))
    await org.standin.wait_for("views.publish")
    await settle()
    [refused] = posts_to(org, LEADER_SALES)  # tried once, refused
    assert not any(
        c.ok for c in org.standin.calls_to("chat.postMessage") if c.args["channel"] == LEADER_SALES
    )
    assert "田中" in dump(refused)
    # The member is still confirmed, and their Home redrawn.
    assert any(
        c.ok and c.args["channel"] == MEMBER_TANAKA
        for c in org.standin.calls_to("chat.postMessage")
    )

    again = await open_picker(org, MEMBER_TANAKA)
    await submit(org, MEMBER_TANAKA, again, picker.values(again, {"業務": ("listen", None)}))
    await settle()
    delivered = [
        c
        for c in org.standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == LEADER_SALES
    ]
    assert len(delivered) == 1  # a new notice rather than an update of one never sent
    assert "田中" in dump(delivered[0].args)
    assert org.standin.calls_to("chat.update") == []


async def test_a_reply_slack_will_resend_is_not_reported_as_lost(
    org: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    events = org.runtime.services.events

    with monkeypatch.context() as patch:
        # The database is away before the event is even acknowledged (its id is not stored).
        patch.setattr(events, "first_time", database_away)
        first = await org.driver.message(
            MEMBER_TANAKA, "来期の目標について", channel=channel, thread_ts=parent
        )
        await settle()
    # Not acknowledged: Slack sends it again, so nobody is told to post it again.
    assert first.status >= 500
    assert [e for e in org.standin.ephemerals if e["channel"] == channel] == []

    retry = await org.driver.event(
        first.sent["event"], event_id=str(first.sent["event_id"]), retry_num=1
    )
    await settle()
    assert retry.status == 200
    assert [e.text for e in await entries(org, slot_id)] == ["来期の目標について"]
    assert [e for e in org.standin.ephemerals if e["channel"] == channel] == []
