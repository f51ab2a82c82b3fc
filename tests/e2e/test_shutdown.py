"""Stopping the server lets listeners that already acked finish their work."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.app import drain_listeners
from bot.standin.stack import LocalStack
from tests.e2e.helpers import MEMBER_TANAKA, entries, tanaka_thread


async def test_stopping_waits_for_listeners_still_at_work(
    org: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    memos = org.runtime.services.memos
    record_reply = memos.record_reply

    async def slow_disk(**kwargs: Any) -> Any:
        await asyncio.sleep(0.3)
        return await record_reply(**kwargs)

    monkeypatch.setattr(memos, "record_reply", slow_disk)
    response = await org.driver.message(
        MEMBER_TANAKA, "評価面談の準備", channel=channel, thread_ts=parent
    )
    assert response.status == 200
    assert await entries(org, slot_id) == []  # acked; the listener is still at work

    await drain_listeners()  # what Runtime.stop does once the server takes no more requests
    assert [e.text for e in await entries(org, slot_id)] == ["評価面談の準備"]
