"""The demo's schedule chapter: a cadence, then the clock jumps with the tick.

The leader sets a biweekly cadence from App Home; the member's reminder arrives a working day
before, the leader's digest (with the member's picks and a hint per expected response) 15
minutes before, and "did it happen?" after the slot. The first 1on1 is held; the next one is
moved to another day, and both hear of it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.demo.render import render_blocks, render_view
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.models import Delivery, Pair, Person, Slot, SlotState

JSON = dict[str, Any]

# A deadline, so a demo that goes wrong fails instead of hanging.
POST_TIMEOUT = 5.0
LEADER = "U01LEAD001"  # 佐藤 健一
MEMBER = "U01MEM0001"  # 田中 翔太


class ScheduleDemoError(Exception):
    pass


def cadence_values(
    *,
    frequency: str = "biweekly",
    weekday: int = 1,
    at: str = "10:00",
    duration: int = 30,
    timezone: str = "Asia/Tokyo",
    week: str | None = None,
    starting: date | None = None,
) -> JSON:
    """state.values for submitting the cadence modal."""
    values: JSON = {
        ids.SCHEDULE_FREQ_BLOCK: {
            ids.SCHEDULE_FREQ: {"type": "radio_buttons", "selected_option": {"value": frequency}}
        },
        ids.SCHEDULE_WEEKDAY_BLOCK: {
            ids.SCHEDULE_WEEKDAY: {
                "type": "static_select",
                "selected_option": {"value": str(weekday)},
            }
        },
        ids.SCHEDULE_WEEK_BLOCK: {
            ids.SCHEDULE_WEEK: {
                "type": "static_select",
                "selected_option": {"value": week} if week else None,
            }
        },
        ids.SCHEDULE_TIME_BLOCK: {ids.SCHEDULE_TIME: {"type": "timepicker", "selected_time": at}},
        ids.SCHEDULE_DURATION_BLOCK: {
            ids.SCHEDULE_DURATION: {
                "type": "static_select",
                "selected_option": {"value": str(duration)},
            }
        },
        ids.SCHEDULE_ZONE_BLOCK: {
            ids.SCHEDULE_ZONE: {"type": "static_select", "selected_option": {"value": timezone}}
        },
        ids.SCHEDULE_START_BLOCK: {
            ids.SCHEDULE_START: {
                "type": "datepicker",
                "selected_date": starting.isoformat() if starting else None,
            }
        },
    }
    return values


def move_values(day: date, at: str) -> JSON:
    """state.values for submitting the move modal."""
    return {
        ids.MOVE_DATE_BLOCK: {
            ids.MOVE_DATE: {"type": "datepicker", "selected_date": day.isoformat()}
        },
        ids.MOVE_TIME_BLOCK: {ids.MOVE_TIME: {"type": "timepicker", "selected_time": at}},
    }


def message_of(call_args: JSON, ts: str) -> JSON:
    """The message as Slack shows it to a button click (what block_actions carries)."""
    return {
        "type": "message",
        "ts": ts,
        "text": call_args.get("text", ""),
        "blocks": call_args.get("blocks", []),
    }


def button_in(blocks: list[JSON], action_id: str) -> JSON:
    for block in blocks:
        for element in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element
    raise ScheduleDemoError(f"no {action_id} button")


async def post_to(stack: LocalStack, user: str, seen: int, marker: str) -> JSON:
    """The first chat.postMessage to `user` after the first `seen` ones whose blocks contain
    `marker` (an action id or a piece of text); other features may post in between."""
    async with asyncio.timeout(POST_TIMEOUT):
        while True:
            calls = [
                c for c in stack.standin.calls_to("chat.postMessage") if c.args["channel"] == user
            ]
            for call in calls[seen:]:
                if marker in json.dumps(call.args.get("blocks", []), ensure_ascii=False):
                    found: JSON = call.args
                    return found
            await asyncio.sleep(0.01)


def posts_to(stack: LocalStack, user: str) -> int:
    return sum(1 for c in stack.standin.calls_to("chat.postMessage") if c.args["channel"] == user)


async def _planned_slots(stack: LocalStack) -> list[Slot]:
    async with stack.runtime.db.read() as session:
        member = (await session.exec(select(Person).where(Person.slack_id == MEMBER))).one()
        pair = (await session.exec(select(Pair).where(Pair.member_id == member.id))).one()
        slots = (
            await session.exec(
                select(Slot)
                .where(Slot.pair_id == pair.id, Slot.state == SlotState.planned)
                .order_by(col(Slot.starts_at))
            )
        ).all()
        return list(slots)


async def _due(stack: LocalStack, key_prefix: str, slot_id: int) -> datetime:
    async with stack.runtime.db.read() as session:
        row = (
            await session.exec(select(Delivery).where(Delivery.key == f"{key_prefix}:{slot_id}"))
        ).one()
        return row.due_at


async def _click(stack: LocalStack, user: str, call_args: JSON, action_id: str) -> None:
    """Press a button in a DM the bot sent."""
    standin = stack.standin
    dm = standin.dm_channel_id(user)
    ts = standin.next_ts()
    standin.add_message(dm, user=standin.bot_user_id, ts=ts, text=call_args.get("text", ""))
    button = button_in(call_args["blocks"], action_id)
    response = await stack.driver.block_actions(
        user, [button], message=message_of(call_args, ts), channel_id=dm
    )
    if response.status != 200:
        raise ScheduleDemoError(f"pressing {action_id} answered {response.status}")


async def chapter(stack: LocalStack, out: Callable[[str], None]) -> None:
    standin, driver = stack.standin, stack.driver
    tick = stack.runtime.services.tick

    out("== Guarding the recurring slot ==\n")
    published = len(standin.calls_to("views.publish"))
    await driver.app_home_opened(LEADER)
    await standin.wait_for("views.publish", count=published + 1)
    home = standin.home_tabs[LEADER]
    out("--- 佐藤 健一 opens Home: no cadence yet, the common default is on offer ---")
    out(render_view(home))
    button = button_in(home["blocks"], ids.SCHEDULE_OPEN)

    opened = len(standin.calls_to("views.open"))
    await driver.block_actions(LEADER, [button], view=home)
    modal = (await standin.wait_for("views.open", count=opened + 1))[-1].response["view"]
    out("\n--- 佐藤 presses it: the cadence modal, pre-filled with every other week, 30 min ---")
    out(render_view(modal))

    seen_member = posts_to(stack, MEMBER)
    answer = await driver.view_submission(
        LEADER, modal, cadence_values(frequency="biweekly", weekday=1, at="10:00", duration=30)
    )
    if answer.status != 200 or answer.json().get("response_action") != "update":
        raise ScheduleDemoError("saving the cadence should answer with the saved view")
    out("\n--- 佐藤 chooses Tuesdays 10:00 and saves ---")
    out(render_view(answer.json()["view"]))
    told = await post_to(stack, MEMBER, seen_member, "佐藤 健一さんが")
    out("\n--- 田中 翔太 hears of it in a DM ---")
    out(render_blocks(told["blocks"]))

    slots = await _planned_slots(stack)
    if len(slots) < 2:
        raise ScheduleDemoError("a biweekly cadence should plan at least two slots ahead")
    first, second = slots[0], slots[1]
    assert first.id is not None
    assert second.id is not None

    at = await _due(stack, "sched:member_reminder", first.id)
    seen_member = posts_to(stack, MEMBER)
    await tick.run(at)
    reminder = await post_to(stack, MEMBER, seen_member, ids.OPEN_PICKER)
    out(f"\n--- the clock jumps to {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC: 田中's reminder ---")
    out(render_blocks(reminder["blocks"]))

    at = await _due(stack, "sched:digest", first.id)
    seen_leader = posts_to(stack, LEADER)
    await tick.run(at)
    digest = await post_to(stack, LEADER, seen_leader, ids.MEMO_START)
    out("\n--- 15 minutes before: 佐藤's digest, the picks with a hint for each response ---")
    out(render_blocks(digest["blocks"]))
    if "商談の進め方" not in str(digest["blocks"]):
        raise ScheduleDemoError("the digest should show the member's picks")

    at = await _due(stack, "sched:did_it_happen", first.id)
    seen_leader = posts_to(stack, LEADER)
    await tick.run(at)
    question = await post_to(stack, LEADER, seen_leader, ids.SLOT_HELD)
    out("\n--- after the 1on1: 佐藤 is asked whether it happened ---")
    out(render_blocks(question["blocks"]))
    replies = len(standin.calls_to("response_url"))
    await _click(stack, LEADER, question, ids.SLOT_HELD)
    replaced = (await standin.wait_for("response_url", count=replies + 1))[-1].args
    out("\n--- 佐藤 presses [実施した] ---")
    out(render_blocks(replaced.get("blocks", [])))

    at = await _due(stack, "sched:did_it_happen", second.id)
    seen_leader = posts_to(stack, LEADER)
    await tick.run(at)
    question = await post_to(stack, LEADER, seen_leader, ids.SLOT_MOVED)
    opened = len(standin.calls_to("views.open"))
    await _click(stack, LEADER, question, ids.SLOT_MOVED)
    modal = (await standin.wait_for("views.open", count=opened + 1))[-1].response["view"]
    out("\n--- two weeks later the 1on1 did not happen on time: 佐藤 presses [日時を変更した] ---")
    out(render_view(modal))
    new_day = at.astimezone(ZoneInfo("Asia/Tokyo")).date() + timedelta(days=1)
    answer = await driver.view_submission(LEADER, modal, move_values(new_day, "15:00"))
    if answer.status != 200 or answer.json().get("response_action") != "update":
        raise ScheduleDemoError("moving the 1on1 should answer with the moved view")
    out(render_view(answer.json()["view"]))

    seen_member = posts_to(stack, MEMBER)
    await tick.run(at + timedelta(minutes=1))
    moved = await post_to(stack, MEMBER, seen_member, "15:00")
    out("\n--- 田中 hears of the new time ---")
    out(render_blocks(moved["blocks"]))

    published = len(standin.calls_to("views.publish"))
    await driver.app_home_opened(LEADER)
    await standin.wait_for("views.publish", count=published + 1)
    out("\n--- 佐藤's Home: the rhythm of each 1on1 (last held, streak, next) ---")
    out(render_view(standin.home_tabs[LEADER]))
    out("")
