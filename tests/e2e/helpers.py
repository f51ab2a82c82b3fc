"""What the end-to-end tests share: the clock every stack runs on, the sample org's Slack ids,
and helpers that read rows, drive the stand-in like a person and wait for the listeners.

Feature modules import these from here, never from one another.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col, select

from bot.core.clock import ShiftedClock
from bot.demo import forms as picker
from bot.demo.schedule import button_in, cadence_values, message_of
from bot.features.picks.service import pair_topics
from bot.features.schedule.slots import Kind, delivery_key
from bot.standin.driver import DriverResponse
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.db import Database
from storage.models import (
    ActionItem,
    Agenda,
    AgendaItem,
    Delivery,
    MemoEntry,
    Pair,
    Person,
    Reflection,
    ReflectionScore,
    Role,
    Slot,
    SlotState,
    Tip,
)

JSON = dict[str, Any]

# Every stack, and every test that asks for `now()`, reads this clock: it starts at E2E_TODAY
# when the run starts and then moves at real speed, so no test depends on the day it runs.
# Cadences in the tests start on fixed dates after it (see FIRST).
E2E_TODAY = datetime(2030, 2, 5, 1, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Tokyo
CLOCK = ShiftedClock(E2E_TODAY)


def now() -> datetime:
    return CLOCK.now()


# Slack ids in bot/demo/sample_org.csv
HR = "U01HR0001"
LEADER_SALES = "U01LEAD001"
LEADER_DEV = "U01LEAD002"
MEMBER_TANAKA = "U01MEM0001"
MEMBER_TAKAHASHI = "U01MEM0002"
MEMBER_ITO = "U01MEM0003"
MEMBER_EMILY = "U01MEM0004"

# The schedule's cadences start on a fixed Tuesday after E2E_TODAY (3 June 2031, no Japanese
# holiday near it).
TOKYO = ZoneInfo("Asia/Tokyo")
FIRST = date(2031, 6, 3)
CHANNEL = "C0TIPS001"  # the tips channel


def tokyo(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, month, day, hour, minute, tzinfo=TOKYO)


def dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


async def settle() -> None:
    """Wait until Bolt's ack-first listener tasks are done (they run after the HTTP 200)."""
    for _ in range(50):
        pending = [
            task
            for task in asyncio.all_tasks()
            if task is not asyncio.current_task()
            and not task.done()
            and "run_ack_function_asynchronously" in getattr(task.get_coro(), "__qualname__", "")
        ]
        if not pending:
            return
        await asyncio.wait(pending, timeout=5)
    raise AssertionError("listener tasks did not finish")


# --- rows ----------------------------------------------------------------------------------------


async def person_id(stack: LocalStack, slack_id: str) -> int:
    async with stack.runtime.db.read() as session:
        person = (await session.exec(select(Person).where(Person.slack_id == slack_id))).one()
        assert person.id is not None
        return person.id


async def pair_of(stack: LocalStack, member_slack: str) -> Pair:
    member = await person_id(stack, member_slack)
    async with stack.runtime.db.read() as session:
        return (await session.exec(select(Pair).where(Pair.member_id == member))).one()


async def add_slot(stack: LocalStack, pair_id: int, starts_at: datetime, **fields: Any) -> int:
    async with stack.runtime.db.write() as session:
        slot = Slot(pair_id=pair_id, starts_at=starts_at, **fields)
        session.add(slot)
        await session.flush()
        assert slot.id is not None
        return slot.id


async def add_picks(
    stack: LocalStack, pair_id: int, slot_id: int | None, picks: list[tuple[str, str, str | None]]
) -> list[int]:
    """Store picks (topic key, expectation, note) the way the picker does; agenda item ids."""
    async with stack.runtime.db.write() as session:
        pair = await session.get(Pair, pair_id)
        assert pair is not None
        member = await session.get(Person, pair.member_id)
        assert member is not None
        topics = {t.key: t for t in await pair_topics(session, pair, member)}
        agenda = Agenda(pair_id=pair_id, slot_id=slot_id)
        session.add(agenda)
        await session.flush()
        items = []
        for position, (key, expectation, note) in enumerate(picks):
            item = AgendaItem(
                agenda_id=agenda.id or 0,
                topic_id=topics[key].id,
                expectation=expectation,
                note=note,
                position=position,
            )
            session.add(item)
            items.append(item)
        await session.flush()
        return [item.id or 0 for item in items]


async def slot_row(stack: LocalStack, slot_id: int) -> Slot:
    async with stack.runtime.db.read() as session:
        slot = await session.get(Slot, slot_id)
        assert slot is not None
        return slot


async def slots_of(stack: LocalStack, pair_id: int) -> list[Slot]:
    async with stack.runtime.db.read() as session:
        rows = await session.exec(
            select(Slot).where(Slot.pair_id == pair_id).order_by(col(Slot.starts_at))
        )
        return list(rows.all())


async def planned(stack: LocalStack, pair_id: int) -> list[Slot]:
    return [s for s in await slots_of(stack, pair_id) if s.state is SlotState.planned]


async def delivery(stack: LocalStack, kind: Kind, slot_id: int, who: int | None = None) -> Delivery:
    async with stack.runtime.db.read() as session:
        key = delivery_key(kind, slot_id, who)
        return (await session.exec(select(Delivery).where(Delivery.key == key))).one()


async def entries(stack: LocalStack, slot_id: int | None = None) -> list[MemoEntry]:
    async with stack.runtime.db.read() as session:
        stmt = select(MemoEntry).order_by(col(MemoEntry.id))
        if slot_id is not None:
            stmt = stmt.where(MemoEntry.slot_id == slot_id)
        return list((await session.exec(stmt)).all())


async def action_items(stack: LocalStack) -> list[ActionItem]:
    async with stack.runtime.db.read() as session:
        return list((await session.exec(select(ActionItem).order_by(col(ActionItem.id)))).all())


async def reflection_requests(stack: LocalStack) -> list[tuple[int | None, int]]:
    async with stack.runtime.db.read() as session:
        rows = await session.exec(
            select(Delivery.slot_id, Delivery.person_id).where(Delivery.kind == "reflection")
        )
        return list(rows.all())


async def tips_by(stack: LocalStack, slack_id: str) -> list[Tip]:
    author = await person_id(stack, slack_id)
    async with stack.runtime.db.read() as session:
        rows = await session.exec(select(Tip).where(Tip.author_id == author).order_by(col(Tip.id)))
        return list(rows.all())


# --- what the stand-in was sent ------------------------------------------------------------------


def posts_to(stack: LocalStack, channel: str) -> list[JSON]:
    return [
        c.args for c in stack.standin.calls_to("chat.postMessage") if c.args["channel"] == channel
    ]


def dms(stack: LocalStack, user: str) -> list[JSON]:
    return [c.args for c in stack.standin.calls_to("chat.postMessage") if c.args["channel"] == user]


def with_action(posts: list[JSON], action_id: str) -> list[JSON]:
    return [p for p in posts if action_id in dump(p.get("blocks", []))]


def last_view(stack: LocalStack) -> JSON:
    calls = [c for c in stack.standin.calls if c.method.startswith("views.") and c.ok]
    calls = [c for c in calls if c.method != "views.publish"]
    assert calls, "no modal was shown"
    view: JSON = calls[-1].response["view"]
    return view


def pushed_view(view: JSON, *, below: JSON) -> JSON:
    """A pushed modal as Slack describes it in a view_submission: with the view beneath it
    (the stand-in does not track the stack for views.push)."""
    return {**view, "previous_view_id": below["id"]}


def channel_posts(stack: LocalStack) -> list[JSON]:
    return [
        c.args
        for c in stack.standin.calls_to("chat.postMessage")
        if c.args.get("channel") == CHANNEL and c.ok
    ]


async def wait_channel_posts(stack: LocalStack, count: int) -> list[JSON]:
    # Each post is one chat.postMessage; wait for the calls, then pick the channel's.
    for _ in range(200):
        posts = channel_posts(stack)
        if len(posts) >= count:
            return posts
        seen = len(stack.standin.calls_to("chat.postMessage"))
        await stack.standin.wait_for("chat.postMessage", count=seen + 1)
    raise AssertionError("channel posts did not arrive")


def reflection_buttons(stack: LocalStack, user: str) -> list[JSON]:
    found = []
    for post in posts_to(stack, user):
        for block in post.get("blocks") or []:
            accessory = block.get("accessory") or {}
            if accessory.get("action_id") == ids.REFLECTION_OPEN:
                found.append(accessory)
    return found


# --- memo threads and buttons --------------------------------------------------------------------


async def open_thread(stack: LocalStack, slot_id: int) -> tuple[str, str]:
    """Run the tick as the slot starts; the (group DM, parent ts) of its memo thread."""
    slot = await slot_row(stack, slot_id)
    await stack.runtime.services.tick.run(max(now(), slot.starts_at))
    slot = await slot_row(stack, slot_id)
    assert slot.memo_conversation is not None
    assert slot.memo_message_id is not None
    return slot.memo_conversation, slot.memo_message_id


async def tanaka_thread(stack: LocalStack) -> tuple[int, str, str]:
    pair = await pair_of(stack, MEMBER_TANAKA)
    slot_id = await add_slot(stack, pair.id or 0, now() - timedelta(minutes=3))
    channel, ts = await open_thread(stack, slot_id)
    return slot_id, channel, ts


async def reply(
    stack: LocalStack, user: str, text: str, channel: str, thread_ts: str, **extra: Any
) -> str:
    """A person's reply in a thread; returns its ts once the bot has handled it."""
    response = await stack.driver.message(user, text, channel=channel, thread_ts=thread_ts, **extra)
    assert response.status == 200
    await settle()
    return str(response.sent["event"]["ts"])


def button_message(stack: LocalStack, user: str, action_id: str, value: str) -> tuple[JSON, str]:
    """A bot DM carrying one button (e.g. the digest's "start"), as Slack would show it."""
    dm = stack.standin.dm_channel_id(user)
    ts = stack.standin.add_message(dm, user=stack.standin.bot_user_id, text="digest")
    message = {
        "type": "message",
        "ts": ts,
        "text": "digest",
        "blocks": [{"type": "actions", "elements": [{"action_id": action_id, "value": value}]}],
    }
    return message, dm


async def press(
    stack: LocalStack, user: str, action_id: str, value: str, *, view: JSON | None = None
) -> None:
    """Press a button in a bot DM (or in a view) and wait for the listener."""
    if view is not None:
        response = await stack.driver.block_actions(
            user, [{"action_id": action_id, "value": value}], view=view
        )
    else:
        message, dm = button_message(stack, user, action_id, value)
        response = await stack.driver.block_actions(
            user, [{"action_id": action_id, "value": value}], message=message, channel_id=dm
        )
    assert response.status == 200
    await settle()


async def press_in(stack: LocalStack, user: str, post: JSON, action_id: str) -> DriverResponse:
    """Click a button in a DM the bot sent."""
    standin = stack.standin
    dm = standin.dm_channel_id(user)
    ts = standin.next_ts()
    standin.add_message(dm, user=standin.bot_user_id, ts=ts, text=post.get("text", ""))
    button = button_in(post["blocks"], action_id)
    return await stack.driver.block_actions(
        user, [button], message=message_of(post, ts), channel_id=dm
    )


async def slash(stack: LocalStack, user: str, text: str) -> None:
    response = await stack.driver.slash_command(user, text)
    assert response.status == 200
    await settle()


def todo_values(text: str, owner: int | str, due: str | None = None) -> JSON:
    return {
        ids.TODO_TEXT_BLOCK: {ids.TODO_TEXT: {"type": "plain_text_input", "value": text}},
        ids.TODO_OWNER_BLOCK: {
            ids.TODO_OWNER: {"type": "radio_buttons", "selected_option": {"value": str(owner)}}
        },
        ids.TODO_DUE_BLOCK: {ids.TODO_DUE: {"type": "datepicker", "selected_date": due}},
    }


# --- picks ---------------------------------------------------------------------------------------


async def open_picker(stack: LocalStack, user: str) -> JSON:
    opened = len(stack.standin.calls_to("views.open"))
    response = await stack.driver.slash_command(user, "")
    assert response.status == 200
    calls = await stack.standin.wait_for("views.open", count=opened + 1)
    assert calls[-1].ok, calls[-1].response
    view: JSON = calls[-1].response["view"]
    return view


async def choose(stack: LocalStack, user: str, view: JSON, labels: list[str]) -> JSON:
    """Tick topics: Slack sends block_actions; we expect the modal redrawn in place."""
    updates = len(stack.standin.calls_to("views.update"))
    values = picker.values(view, {label: (None, None) for label in labels})
    response = await stack.driver.block_actions(
        user,
        [{"action_id": ids.PICKER_TOPICS, "block_id": f"{ids.PICKER_TOPICS_BLOCK}0"}],
        view=view,
        values=values,
    )
    assert response.status == 200
    calls = await stack.standin.wait_for("views.update", count=updates + 1)
    assert calls[-1].ok, calls[-1].response
    updated: JSON = calls[-1].response["view"]
    return updated


async def submit(stack: LocalStack, user: str, view: JSON, values: JSON) -> JSON:
    """Submit a modal; our answer (empty when we only acknowledged). Does not wait for the
    listener's work after the ack (see submit_reflection)."""
    response = await stack.driver.view_submission(user, view, values)
    assert response.status == 200
    return response.json() if response.text.strip() else {}


# --- schedule ------------------------------------------------------------------------------------


async def open_cadence_modal(stack: LocalStack, actor: str, pair_id: int) -> DriverResponse:
    """Press "set cadence" (as on App Home) for a pair."""
    return await stack.driver.block_actions(
        actor,
        [{"action_id": ids.SCHEDULE_OPEN, "value": str(pair_id)}],
        view={"id": "VHOME", "type": "home", "blocks": []},
    )


async def cadence_modal(stack: LocalStack, actor: str, pair_id: int) -> JSON:
    opened = len(stack.standin.calls_to("views.open"))
    response = await open_cadence_modal(stack, actor, pair_id)
    assert response.status == 200
    call = (await stack.standin.wait_for("views.open", count=opened + 1))[-1]
    assert call.ok, call.response
    view: JSON = call.response["view"]
    return view


async def set_cadence(
    stack: LocalStack, actor: str, pair_id: int, **values: Any
) -> tuple[JSON, JSON]:
    """Open the modal and submit it; (the modal, our answer)."""
    modal = await cadence_modal(stack, actor, pair_id)
    values.setdefault("starting", FIRST)
    response = await stack.driver.view_submission(actor, modal, cadence_values(**values))
    assert response.status == 200
    answer: JSON = response.json()
    return modal, answer


async def tick(stack: LocalStack, at: datetime) -> None:
    await stack.runtime.services.tick.run(at)


# --- reflections ---------------------------------------------------------------------------------


async def open_reflection(stack: LocalStack, user: str, slot_id: int) -> JSON:
    dm = stack.standin.dm_channel_id(user)
    ts = stack.standin.add_message(dm, user=stack.standin.bot_user_id, text="reflection")
    message = {"type": "message", "ts": ts, "text": "reflection"}
    response = await stack.driver.block_actions(
        user,
        [{"action_id": ids.REFLECTION_OPEN, "value": str(slot_id)}],
        message=message,
        channel_id=dm,
    )
    assert response.status == 200
    await settle()
    return last_view(stack)


def answers(
    items: dict[int, int | None], overall: int | None, comment: str = "", share: bool = False
) -> JSON:
    def score(value: int | None) -> JSON:
        option = {"value": str(value)} if value is not None else None
        return {ids.REFLECTION_SCORE: {"type": "static_select", "selected_option": option}}

    values: JSON = {f"{ids.REFLECTION_ITEM_BLOCK}{item}": score(s) for item, s in items.items()}
    values[ids.REFLECTION_OVERALL_BLOCK] = score(overall)
    values[ids.REFLECTION_COMMENT_BLOCK] = {
        ids.REFLECTION_COMMENT: {"type": "plain_text_input", "value": comment or None}
    }
    values[ids.REFLECTION_SHARE_BLOCK] = {
        ids.REFLECTION_SHARE: {
            "type": "checkboxes",
            "selected_options": [{"value": "share"}] if share else [],
        }
    }
    return values


async def submit_reflection(stack: LocalStack, user: str, view: JSON, values: JSON) -> JSON:
    """Submit the reflection modal and wait for the listener; our answer."""
    response = await stack.driver.view_submission(user, view, values)
    assert response.status == 200
    await settle()
    return response.json() if response.text.strip() else {}


async def add_reflection(
    stack: LocalStack,
    member: str,
    scores: list[tuple[str, int]],
    overall: int,
    *,
    days_ago: float = 1,
) -> None:
    pair = await pair_of(stack, member)
    at = now() - timedelta(days=days_ago)
    slot_id = await add_slot(
        stack, pair.id or 0, at - timedelta(hours=1), state=SlotState.held, answered_at=at
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
        for expectation, score in scores:
            session.add(
                ReflectionScore(
                    reflection_id=reflection.id or 0, expectation=expectation, score=score
                )
            )


# --- tips ----------------------------------------------------------------------------------------


async def make_admin(stack: LocalStack, slack_id: str) -> None:
    async with stack.runtime.db.write() as session:
        person = (await session.exec(select(Person).where(Person.slack_id == slack_id))).one()
        person.role = Role.admin
        session.add(person)


async def open_modal(stack: LocalStack, user: str, text: str) -> JSON:
    opened = len(stack.standin.calls_to("views.open"))
    response = await stack.driver.slash_command(user, text)
    assert response.status == 200
    calls = await stack.standin.wait_for("views.open", count=opened + 1)
    assert calls[-1].ok, calls[-1].response
    view: JSON = calls[-1].response["view"]
    return view


def add_channel(stack: LocalStack, *, bot_inside: bool = True) -> None:
    members = {LEADER_SALES, LEADER_DEV, HR}
    if bot_inside:
        members.add(stack.standin.bot_user_id)
    stack.standin.add_channel(CHANNEL, "managers", members)


def config_values(channel: str | None, weekday: str = "4", at: str = "17:00") -> JSON:
    return {
        ids.TIPS_CONFIG_CHANNEL: {
            ids.TIPS_CONFIG_CHANNEL: {
                "type": "conversations_select",
                "selected_conversation": channel,
            }
        },
        ids.TIPS_CONFIG_WEEKDAY: {
            ids.TIPS_CONFIG_WEEKDAY: {
                "type": "static_select",
                "selected_option": {"value": weekday},
            }
        },
        ids.TIPS_CONFIG_TIME: {ids.TIPS_CONFIG_TIME: {"type": "timepicker", "selected_time": at}},
        ids.TIPS_CONFIG_TIMEZONE: {
            ids.TIPS_CONFIG_TIMEZONE: {"type": "plain_text_input", "value": "Asia/Tokyo"}
        },
    }


async def configure(stack: LocalStack, channel: str | None = CHANNEL, **values: str) -> JSON:
    """The admin (HR made admin) chooses the tips channel with `/1on1 config`."""
    await make_admin(stack, HR)
    view = await open_modal(stack, HR, "config")
    assert view["callback_id"] == ids.TIPS_CONFIG_CALLBACK
    response = await stack.driver.view_submission(HR, view, config_values(channel, **values))
    assert response.status == 200
    return response.json() if response.text.strip() else {}


def tip_values(
    *,
    title: str,
    body: str,
    expectation: str | None = "advice",
    topic: str | None = "deal_strategy",
    free_topic: str | None = None,
) -> JSON:
    return {
        ids.TIP_TOPIC: {
            ids.TIP_TOPIC: {
                "type": "static_select",
                "selected_option": {"value": topic} if topic else None,
            }
        },
        ids.TIP_FREE_TOPIC: {ids.TIP_FREE_TOPIC: {"type": "plain_text_input", "value": free_topic}},
        ids.TIP_EXPECTATION: {
            ids.TIP_EXPECTATION: {
                "type": "static_select",
                "selected_option": {"value": expectation} if expectation else None,
            }
        },
        ids.TIP_TITLE: {ids.TIP_TITLE: {"type": "plain_text_input", "value": title}},
        ids.TIP_BODY: {ids.TIP_BODY: {"type": "plain_text_input", "value": body}},
    }


async def write_tip(stack: LocalStack, user: str, **values: Any) -> JSON:
    view = await open_modal(stack, user, "tip")
    assert view["callback_id"] == ids.TIP_FORM_CALLBACK
    response = await stack.driver.view_submission(user, view, tip_values(**values))
    assert response.status == 200
    return response.json() if response.text.strip() else {}


# --- query plans ---------------------------------------------------------------------------------


async def seed_history(db: Database, slots: int) -> None:
    """A pair with `slots` slots: half of them past and done with, half planned ahead."""
    base = now()
    async with db.write() as session:
        leader = Person(email="l@example.com", name="L", slack_id="UPLANL")
        member = Person(email="m@example.com", name="M", slack_id="UPLANM")
        session.add_all([leader, member])
        await session.flush()
        pair = Pair(leader_id=leader.id or 0, member_id=member.id or 0)
        session.add(pair)
        await session.flush()
        rows: list[dict[str, Any]] = []
        for n in range(slots):
            past = n % 2 == 0
            at = base + timedelta(hours=(-n if past else n) * 7 + 13)
            rows.append(
                {
                    "pair_id": pair.id,
                    "starts_at": at,
                    "duration_minutes": 30,
                    "created_at": base,
                    "state": "held" if past else "planned",
                    "memo_platform": "slack" if past else None,
                    "memo_conversation": "G1" if past else None,
                    "memo_message_id": f"{n}.0" if past else None,
                    "answered_at": at if past else None,
                    "reflection_requested_at": at if past else None,
                }
            )
        await session.exec(sa.insert(Slot), params=rows)
    async with db.engine.begin() as conn:
        await conn.execute(sa.text("ANALYZE"))


async def assert_seeks(db: Database, sql: str, column: str) -> None:
    """`sql` (with :since and :now bound) is answered by an index range on `column`, not by
    reading the table: its cost follows what is due, not how much history there is."""
    async with db.engine.connect() as conn:
        prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
        params = {"since": now() - timedelta(hours=6), "now": now()}
        plan = str((await conn.execute(sa.text(prefix + sql), params)).all())
    if db.is_sqlite:
        assert "SEARCH slot USING" in plan, plan
        assert "SCAN slot" not in plan, plan
        assert f"{column}>?" in plan, plan
    else:
        assert "Index Scan" in plan or "Bitmap Index Scan" in plan, plan
        assert "Seq Scan" not in plan, plan
        assert f"({column} >" in plan, plan
