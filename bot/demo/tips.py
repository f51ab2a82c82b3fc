"""The demo's tips chapter: one leader shares what worked, another finds it and uses it.

An admin picks the managers' channel with `/1on1 config`; 佐藤 shares a tip with `/1on1 tip`
and it appears in the channel with its tags; 鈴木 searches `/1on1 tips キャリア`, finds it
and marks it helpful (the count on the channel message goes up); 鈴木's member 伊藤 picks
キャリア / 一緒に考えてほしい for their next 1on1, and 鈴木's pre-1on1 digest offers 佐藤's tip.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.demo import forms
from bot.demo.render import render_blocks, render_view
from bot.standin.stack import LocalStack
from handlers.slack import ids
from handlers.slack.renderers import render
from storage.models import Pair, Person, Slot, Tip

JSON = dict[str, Any]
Print = Callable[[str], None]

ADMIN = "U01ADM001"
SALES_LEADER = "U01LEAD001"  # 佐藤 健一
DEV_LEADER = "U01LEAD002"  # 鈴木 美咲
DEV_MEMBER = "U01MEM0003"  # 伊藤 大輔
CHANNEL = "C01MANAGERS"
TIMEOUT = 5.0
TITLE = "キャリアの話は「3年後に何をしていたい？」から"
ADMIN_CSV = (
    "email,name,department,manager_email,slack_id,teams_id,role,locale,timezone\n"
    "kobayashi.naoki@example.co.jp,小林 直樹,情報システム部,,U01ADM001,,admin,ja,Asia/Tokyo\n"
)


class TipsDemoError(Exception):
    pass


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise TipsDemoError(what)


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


async def _channel_post(stack: LocalStack, marker: str) -> JSON:
    async with asyncio.timeout(TIMEOUT):
        while True:
            for call in stack.standin.calls_to("chat.postMessage"):
                if call.args.get("channel") == CHANNEL and marker in _dump(call.args):
                    found: JSON = call.args
                    return found
            await asyncio.sleep(0.01)


async def _opened(stack: LocalStack, user: str, text: str) -> JSON:
    before = len(stack.standin.calls_to("views.open"))
    await stack.driver.slash_command(user, text)
    calls = await stack.standin.wait_for("views.open", count=before + 1, timeout=TIMEOUT)
    _expect(calls[-1].ok, f"`/1on1 {text}` should open a modal")
    view: JSON = calls[-1].response["view"]
    return view


def _selected(block_id: str, value: str) -> JSON:
    return {block_id: {block_id: {"type": "static_select", "selected_option": {"value": value}}}}


def _typed(block_id: str, value: str) -> JSON:
    return {block_id: {block_id: {"type": "plain_text_input", "value": value}}}


def _button(blocks: list[JSON], action_id: str) -> JSON:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise TipsDemoError(f"no {action_id} button")


async def chapter(stack: LocalStack, out: Print) -> None:
    standin, driver = stack.standin, stack.driver
    out("== Tips: leaders share what worked ==\n")

    await stack.import_org(ADMIN_CSV)
    standin.add_channel(CHANNEL, "managers", {standin.bot_user_id, ADMIN, SALES_LEADER, DEV_LEADER})
    view = await _opened(stack, ADMIN, "config")
    out("--- 小林 (admin) types `/1on1 config` and picks #managers ---")
    out(render_view(view))
    values = {
        ids.TIPS_CONFIG_CHANNEL: {
            ids.TIPS_CONFIG_CHANNEL: {
                "type": "conversations_select",
                "selected_conversation": CHANNEL,
            }
        },
        **_selected(ids.TIPS_CONFIG_WEEKDAY, "4"),
        ids.TIPS_CONFIG_TIME: {
            ids.TIPS_CONFIG_TIME: {"type": "timepicker", "selected_time": "17:00"}
        },
        **_typed(ids.TIPS_CONFIG_TIMEZONE, "Asia/Tokyo"),
    }
    await driver.view_submission(ADMIN, view, values)
    welcome = await _channel_post(stack, "うまくいった工夫")
    out("\n--- the bot greets #managers ---")
    out(render_blocks(welcome["blocks"]))

    view = await _opened(stack, SALES_LEADER, "tip")
    out("\n--- 佐藤 types `/1on1 tip` ---")
    out(render_view(view))
    values = {
        **_selected(ids.TIP_TOPIC, "career"),
        **_selected(ids.TIP_EXPECTATION, "think_together"),
        **_typed(ids.TIP_TITLE, TITLE),
        **_typed(
            ids.TIP_BODY,
            "キャリアの相談で「どうしたい？」と聞いても言葉が出てこなかったので、"
            "「3年後にどんな仕事をしていたら嬉しい？」と時間を区切って聞きました。"
            "いくつか挙がった案を一緒に比べるうちに、本人が次の半年で試すことを自分で決めてくれました。",
        ),
    }
    answer = await driver.view_submission(SALES_LEADER, view, values)
    _expect(answer.json() == {"response_action": "clear"}, "the tip form should close")
    posted = await _channel_post(stack, TITLE)
    out("\n--- the tip appears in #managers, with its tags ---")
    out(render_blocks(posted["blocks"]))

    found = await _opened(stack, DEV_LEADER, "tips キャリア")
    _expect(TITLE in _dump(found), "鈴木 should find 佐藤's tip")
    out("\n--- 鈴木 searches `/1on1 tips キャリア` ---")
    out(render_view(found))

    async with stack.runtime.db.read() as session:
        tip = (await session.exec(select(Tip).where(Tip.title == TITLE))).one()
    _expect(tip.conversation == CHANNEL, "the tip should be posted in #managers")
    message = {**standin.messages[(CHANNEL, str(tip.message_id))], "ts": tip.message_id}
    updates = len(standin.calls_to("chat.update"))
    helpful = _button(message["blocks"], ids.TIP_HELPFUL)
    await driver.block_actions(DEV_LEADER, [helpful], message=message, channel_id=CHANNEL)
    updated = await standin.wait_for("chat.update", count=updates + 1, timeout=TIMEOUT)
    _expect("参考になった 1" in _dump(updated[-1].args), "the count should go up")
    out("\n--- 鈴木 presses [参考になった]: the channel message now shows the count ---")
    out(render_blocks(updated[-1].args["blocks"]))

    await _digest(stack, out)
    out("")


async def _digest(stack: LocalStack, out: Print) -> None:
    """伊藤 picks キャリア / 一緒に考えてほしい; 鈴木's digest for that 1on1 offers the tip."""
    standin, driver = stack.standin, stack.driver
    view = await _opened(stack, DEV_MEMBER, "")
    await driver.block_actions(
        DEV_MEMBER,
        [{"action_id": ids.PICKER_TOPICS, "block_id": f"{ids.PICKER_TOPICS_BLOCK}0"}],
        view=view,
        values=forms.values(view, {"キャリア": (None, None)}),
    )
    updates = await standin.wait_for("views.update", timeout=TIMEOUT)
    view = updates[-1].response["view"]
    await driver.view_submission(
        DEV_MEMBER, view, forms.values(view, {"キャリア": ("think_together", None)})
    )
    async with stack.runtime.db.write() as session:
        member = (await session.exec(select(Person).where(Person.slack_id == DEV_MEMBER))).one()
        pair = (
            await session.exec(
                select(Pair).where(Pair.member_id == member.id).order_by(col(Pair.id))
            )
        ).first()
        if pair is None or pair.id is None:
            raise TipsDemoError("伊藤 should have a 1on1 pair")
        # A 1on1 on the calendar in three days (the schedule chapter shows how cadences work).
        slot = Slot(pair_id=pair.id, starts_at=datetime.now(UTC) + timedelta(days=3))
        session.add(slot)
        await session.flush()
        slot_id = slot.id
    found = await stack.runtime.services.digest.for_slot(slot_id or 0)
    if found is None:
        raise TipsDemoError("the digest should exist for 鈴木's 1on1")
    leader, digest = found
    _expect(any(t.title == TITLE for t in digest.tips), "the digest should offer 佐藤's tip")
    people = stack.runtime.services.people
    shown = render(digest, people.locale_of(leader), people.timezone_of(leader))
    out("\n--- 伊藤 picks キャリア / 一緒に考えてほしい; 鈴木's digest before that 1on1 ---")
    out(render_blocks(shown.blocks))
