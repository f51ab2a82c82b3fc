"""The demo's memo chapter: the shared memo thread, a TODO made and completed, the member's
reflection, and the leader's private insight.

A 1on1 of 佐藤 (leader) and 田中 (member) starts a few minutes from now: 田中 confirms his
picks, the clock reaches the start and the memo thread opens in a group DM. Both write in it,
佐藤 turns a reply into a TODO, the 1on1 is recorded as held, 田中 reflects and shares a
comment. With a few earlier reflections of his team on file, 佐藤's Home shows his insight;
田中 ticks the TODO off in his Home.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from bot.demo import forms
from bot.demo.render import render_blocks, render_view
from bot.standin.slack_api import RecordedCall
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.models import Pair, Person, Reflection, ReflectionScore, Slot, SlotState

JSON = dict[str, Any]
LEADER = "U01LEAD001"  # 佐藤 健一
MEMBER = "U01MEM0001"  # 田中 翔太
OTHER_MEMBER = "U01MEM0002"  # 高橋 愛
TIMEOUT = 5.0


class MemoDemoError(Exception):
    pass


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise MemoDemoError(what)


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


async def _next_call(stack: LocalStack, method: str, seen: int) -> RecordedCall:
    calls = await stack.standin.wait_for(method, count=seen + 1, timeout=TIMEOUT)
    _expect(calls[seen].ok, f"{method} was refused: {calls[seen].response}")
    return calls[seen]


async def _pair(stack: LocalStack, member: str) -> Pair:
    async with stack.runtime.db.read() as session:
        person = (await session.exec(select(Person).where(Person.slack_id == member))).one()
        return (await session.exec(select(Pair).where(Pair.member_id == person.id))).one()


async def _slot(stack: LocalStack, slot_id: int) -> Slot:
    async with stack.runtime.db.read() as session:
        slot = await session.get(Slot, slot_id)
        _expect(slot is not None, "the demo's slot should exist")
        assert slot is not None
        return slot


async def _add_slot(stack: LocalStack, pair_id: int, starts_at: datetime, **fields: Any) -> int:
    async with stack.runtime.db.write() as session:
        slot = Slot(pair_id=pair_id, starts_at=starts_at, **fields)
        session.add(slot)
        await session.flush()
        assert slot.id is not None
        return slot.id


async def _confirm_picks(stack: LocalStack, now: datetime) -> None:
    """田中 saves his picks again; they go to the next planned 1on1 (the demo's)."""
    seen = len(stack.standin.calls_to("views.open"))
    await stack.driver.slash_command(MEMBER, "")
    view = (await _next_call(stack, "views.open", seen)).response["view"]
    if view.get("callback_id") != ids.PICKER_CALLBACK:
        raise MemoDemoError("田中 should get his picker")
    chosen: dict[str, tuple[str | None, str | None]] = {
        "商談の進め方": ("advice", "A社への提案、価格の出し方を相談したい"),
        "キャリア": ("listen", None),
    }
    seen = len(stack.standin.calls_to("views.update"))
    await stack.driver.block_actions(
        MEMBER,
        [{"action_id": ids.PICKER_TOPICS, "block_id": f"{ids.PICKER_TOPICS_BLOCK}0"}],
        view=view,
        values=forms.values(view, {label: (None, None) for label in chosen}),
    )
    view = (await _next_call(stack, "views.update", seen)).response["view"]
    answer = await stack.driver.view_submission(MEMBER, view, forms.values(view, chosen))
    _expect(answer.status == 200, "saving the picks should be accepted")


async def _reply(stack: LocalStack, user: str, text: str, channel: str, parent: str) -> str:
    seen = len(stack.standin.calls_to("reactions.add"))
    response = await stack.driver.message(user, text, channel=channel, thread_ts=parent)
    _expect(response.status == 200, "a reply in the memo thread should be accepted")
    reaction = await _next_call(stack, "reactions.add", seen)
    ts = str(response.sent["event"]["ts"])
    _expect(reaction.args["timestamp"] == ts, "the bot should confirm the saved memo")
    return ts


async def _seed_team_history(stack: LocalStack, now: datetime) -> None:
    """Earlier reflections of 佐藤's two members, as months of 1on1s would have left them."""
    history = [
        (MEMBER, 70, {"advice": 3, "listen": 4}, 4),
        (OTHER_MEMBER, 63, {"think_together": 4, "listen": 5}, 4),
        (MEMBER, 56, {"advice": 2, "listen": 5}, 4),
        (OTHER_MEMBER, 35, {"listen": 5, "advice": 3}, 5),
        (MEMBER, 28, {"think_together": 4, "advice": 3}, 4),
        (OTHER_MEMBER, 14, {"listen": 4, "think_together": 5}, 5),
    ]
    for member, days, scores, overall in history:
        pair = await _pair(stack, member)
        at = now - timedelta(days=days)
        slot_id = await _add_slot(
            stack,
            pair.id or 0,
            at - timedelta(hours=1),
            state=SlotState.held,
            answered_at=at,
            reflection_requested_at=at,
        )
        async with stack.runtime.db.write() as session:
            reflection = Reflection(
                slot_id=slot_id,
                member_id=pair.member_id,
                leader_id=pair.leader_id,
                overall=overall,
                created_at=at,
                updated_at=at,
            )
            session.add(reflection)
            await session.flush()
            for expectation, score in scores.items():
                session.add(
                    ReflectionScore(
                        reflection_id=reflection.id or 0, expectation=expectation, score=score
                    )
                )


async def _home(stack: LocalStack, user: str) -> JSON:
    seen = len(stack.standin.calls_to("views.publish"))
    await stack.driver.app_home_opened(user)
    await _next_call(stack, "views.publish", seen)
    home: JSON = stack.standin.home_tabs[user]
    return home


async def chapter(stack: LocalStack, out: Callable[[str], None]) -> None:
    standin, driver, tick = stack.standin, stack.driver, stack.runtime.services.tick
    now = datetime.now(UTC).replace(microsecond=0)
    out("== The shared memo thread, a TODO, the reflection and the leader's insight ==\n")

    pair = await _pair(stack, MEMBER)
    slot_id = await _add_slot(stack, pair.id or 0, now + timedelta(minutes=3))
    await _confirm_picks(stack, now)
    out(
        "Back to the real clock, with a 1on1 of 佐藤 健一 and 田中 翔太 starting in 3 minutes;"
        " 田中 confirms his picks for it.\n"
    )

    await tick.run(now + timedelta(minutes=3))
    slot = await _slot(stack, slot_id)
    _expect(slot.memo_conversation is not None, "the memo thread should open when the 1on1 starts")
    channel, parent = str(slot.memo_conversation), str(slot.memo_message_id)
    _expect(channel.startswith("G"), "the memo thread should live in a group DM")
    parent_message = standin.messages[(channel, parent)]
    _expect("商談の進め方" in _dump(parent_message["blocks"]), "the parent should show the picks")
    out("--- the 1on1 starts: the bot opens a group DM of 佐藤, 田中 and itself ---")
    out(render_blocks(parent_message["blocks"]))

    lines = [
        (MEMBER, "A社には価格の根拠を先に示す。値引きの前に導入効果を数字で出す"),
        (LEADER, "来週の提案書ドラフトを水曜までに共有してもらう"),
        (LEADER, "次回: 提案後のA社の反応を一緒に振り返る"),
    ]
    out("\n--- both reply in the thread; each reply is saved (:memo:, or :dart: for 次回:) ---")
    replies = []
    for user, text in lines:
        replies.append(await _reply(stack, user, text, channel, parent))
        name = "田中" if user == MEMBER else "佐藤"
        reaction = sorted(standin.reactions.get((channel, replies[-1]), set()))
        out(f"  │ {name}: {text}   [:{reaction[0]}:]")

    seen = len(standin.calls_to("views.open"))
    await driver.message_action(
        LEADER, ids.MAKE_TODO, standin.messages[(channel, replies[1])], channel
    )
    modal = (await _next_call(stack, "views.open", seen)).response["view"]
    out("\n--- 佐藤 picks 「TODOにする」 on his reply: the TODO modal, pre-filled ---")
    out(render_view(modal))
    member_id = pair.member_id
    answer = await driver.view_submission(
        LEADER,
        modal,
        {
            ids.TODO_TEXT_BLOCK: {ids.TODO_TEXT: {"value": "提案書ドラフトを水曜までに共有する"}},
            ids.TODO_OWNER_BLOCK: {ids.TODO_OWNER: {"selected_option": {"value": str(member_id)}}},
            ids.TODO_DUE_BLOCK: {ids.TODO_DUE: {"selected_date": None}},
        },
    )
    _expect(answer.status == 200 and not answer.text.strip(), "the TODO should be saved")
    out(
        "  │ 佐藤 rewrites it as 「提案書ドラフトを水曜までに共有する」, makes 田中 the owner"
        " and saves: due by the next 1on1 (the message gets a :pushpin:)"
    )

    # The schedule chapter shows 佐藤 answering "did it happen?"; here the answer is recorded
    # the same way, and the tick asks 田中 for his reflection.
    async with stack.runtime.db.write() as session:
        held = await session.get(Slot, slot_id)
        assert held is not None
        held.state, held.answered_at = SlotState.held, now + timedelta(minutes=35)
        session.add(held)
    seen = sum(1 for c in standin.calls_to("chat.postMessage") if c.args["channel"] == MEMBER)
    await tick.run(now + timedelta(minutes=36))
    posts = [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == MEMBER]
    _expect(len(posts) > seen, "田中 should be asked for a reflection")
    request = posts[seen].args
    out("\n--- after the 1on1 is recorded as held: 田中 gets one DM ---")
    out(render_blocks(request["blocks"]))

    dm = standin.dm_channel_id(MEMBER)
    ts = standin.add_message(dm, user=standin.bot_user_id, text=request["text"])
    seen = len(standin.calls_to("views.open"))
    await driver.block_actions(
        MEMBER,
        [{"action_id": ids.REFLECTION_OPEN, "value": str(slot_id)}],
        message={"type": "message", "ts": ts, "text": request["text"]},
        channel_id=dm,
    )
    form = (await _next_call(stack, "views.open", seen)).response["view"]
    out("\n--- 田中 presses [ふりかえる] ---")
    out(render_view(form))
    scores = {
        block["block_id"]: 5 if "ただ聞いて" in _dump(block["label"]) else 3
        for block in form["blocks"]
        if block.get("block_id", "").startswith(ids.REFLECTION_ITEM_BLOCK)
    }
    _expect(len(scores) == 2, "the reflection should ask about each of the two picks")
    values: JSON = {
        block_id: {ids.REFLECTION_SCORE: {"selected_option": {"value": str(score)}}}
        for block_id, score in scores.items()
    }
    values[ids.REFLECTION_OVERALL_BLOCK] = {
        ids.REFLECTION_SCORE: {"selected_option": {"value": "4"}}
    }
    values[ids.REFLECTION_COMMENT_BLOCK] = {
        ids.REFLECTION_COMMENT: {"value": "キャリアの話をじっくり聞いてもらえて安心しました"}
    }
    values[ids.REFLECTION_SHARE_BLOCK] = {
        ids.REFLECTION_SHARE: {"selected_options": [{"value": "share"}]}
    }
    seen = sum(1 for c in standin.calls_to("chat.postMessage") if c.args["channel"] == LEADER)
    answer = await driver.view_submission(MEMBER, form, values)
    _expect(answer.status == 200, "the reflection should be accepted")
    out("\n--- 田中 answers (5 for 「ただ聞いてほしい」, 3 for advice) and shares a comment ---")
    out(render_view(answer.json()["view"]))
    async with asyncio.timeout(TIMEOUT):
        while True:
            posts = [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == LEADER]
            if len(posts) > seen:
                break
            await asyncio.sleep(0.01)
    out("\n--- 佐藤 gets the comment (never the scores) ---")
    out(render_blocks(posts[seen].args["blocks"]))

    await _seed_team_history(stack, now)
    home = await _home(stack, LEADER)
    _expect("/5" in _dump(home), "佐藤's Home should show his insight")
    out("\n--- 佐藤 opens Home: open TODOs, and his insight (from his team's reflections) ---")
    out(render_view(home))

    home = await _home(stack, MEMBER)
    _expect("提案書ドラフト" in _dump(home), "田中's Home should list his TODO")
    out("\n--- 田中 opens Home: his TODO with a checkbox, and his own reflection history ---")
    out(render_view(home))
    checkbox = next(
        b for b in home["blocks"] if b.get("block_id", "").startswith(ids.TODO_DONE_BLOCK)
    )
    seen = len(standin.calls_to("views.publish"))
    await driver.block_actions(
        MEMBER,
        [
            {
                "action_id": ids.TODO_DONE,
                "block_id": checkbox["block_id"],
                "type": "checkboxes",
                "selected_options": checkbox["accessory"]["options"],
            }
        ],
        view=home,
    )
    await _next_call(stack, "views.publish", seen)
    after = standin.home_tabs[MEMBER]
    _expect("提案書ドラフト" not in _dump(after), "a completed TODO should leave the Home")
    out("\n--- 田中 ticks it off: done, and gone from both Homes and the next memo thread ---")
    out(render_view(after))

    seen = len(standin.calls_to("views.open"))
    await driver.slash_command(LEADER, "memo")
    chooser = (await _next_call(stack, "views.open", seen)).response["view"]
    seen = len(standin.calls_to("views.push"))
    await driver.block_actions(
        LEADER, [{"action_id": ids.MEMO_PAIR, "value": str(pair.id)}], view=chooser
    )
    history = (await _next_call(stack, "views.push", seen)).response["view"]
    _expect("次回までに" in _dump(history), "the history should show the memos")
    out("\n--- 佐藤 types `/1on1 memo` and picks 田中: the memo history, newest first ---")
    out(render_view(history))
    out("")
