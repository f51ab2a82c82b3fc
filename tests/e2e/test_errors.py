"""When a listener fails after ack, the person still hears about it, where they are looking:
in the memo thread they just posted in, or by DM for a button on Home."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.standin.stack import LocalStack
from handlers.slack import ids
from tests.e2e.conftest import LEADER_SALES, MEMBER_TANAKA
from tests.e2e.test_memos import entries, reply, settle, tanaka_thread


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
