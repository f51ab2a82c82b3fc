"""The schedule end to end: signed requests in, Slack Web API calls and DB rows out.

The stack's clock reads E2E_TODAY (helpers) when the run starts; cadences start on a fixed
Tuesday after it (3 June 2031, no Japanese holiday near it), and the clock is jumped with the
tick, so every time below is exact whatever day the tests run.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select
from typer.testing import CliRunner

from bot.config import Settings
from bot.demo import sample_org_csv
from bot.demo.schedule import button_in, cadence_values, move_values
from bot.features.picks.service import PickInput
from bot.features.schedule.digest import DigestService
from bot.features.schedule.settings import SettingError
from bot.features.schedule.slots import Kind, PairHealth, ScheduleHome, delivery_key
from bot.standin.driver import DriverResponse
from bot.standin.slack_api import SlackStandin
from bot.standin.stack import LocalStack
from handlers.slack import ids
from handlers.slack import schedule_blocks as sb
from handlers.slack.renderers import render
from handlers.slack.schedule import PausingRateLimitHandler
from storage.db import Database
from storage.models import (
    ActionItem,
    Agenda,
    Delivery,
    DeliveryStatus,
    MemoEntry,
    Pair,
    PairKind,
    Person,
    Slot,
    SlotState,
)
from storage.queries import DigestTip
from tests.e2e.helpers import (
    CLOCK,
    FIRST,
    HR,
    LEADER_DEV,
    LEADER_SALES,
    MEMBER_EMILY,
    MEMBER_ITO,
    MEMBER_TAKAHASHI,
    MEMBER_TANAKA,
    TOKYO,
    cadence_modal,
    delivery,
    dms,
    dump,
    open_cadence_modal,
    pair_of,
    person_id,
    planned,
    set_cadence,
    slots_of,
    tick,
    tokyo,
    with_action,
)
from tests.e2e.helpers import now as e2e_now
from tests.e2e.helpers import press_in as press

JSON = dict[str, Any]


# --- helpers --------------------------------------------------------------------------------------


async def forge(stack: LocalStack, user: str, action_id: str, value: str) -> DriverResponse:
    """A click on a button whose value someone made up."""
    standin = stack.standin
    dm = standin.dm_channel_id(user)
    ts = standin.next_ts()
    standin.add_message(dm, user=standin.bot_user_id, ts=ts, text="x")
    message = {"type": "message", "ts": ts, "text": "x", "blocks": []}
    return await stack.driver.block_actions(
        user, [{"action_id": action_id, "value": value}], message=message, channel_id=dm
    )


async def pick(stack: LocalStack, member_slack: str, labels: dict[str, str]) -> None:
    """The member's picks (topic label -> expectation), saved through the picks service."""
    member = await person_id(stack, member_slack)
    pair = await pair_of(stack, member_slack)
    assert pair.id is not None
    services = stack.runtime.services
    now = e2e_now()
    topics = (await services.picks.for_member(member, pair.id, now=now)).topics
    by_label = {t.label_ja: t.id for t in topics}
    await services.picks.save(
        member,
        pair.id,
        [PickInput(topic_id=by_label[label], expectation=exp) for label, exp in labels.items()],
        now=now,
    )


# --- setting a cadence ----------------------------------------------------------------------------


async def test_leader_sets_a_cadence_from_home_and_both_are_told(org: LocalStack) -> None:
    standin = org.standin
    await org.driver.app_home_opened(LEADER_SALES)
    await standin.wait_for("views.publish")
    home = standin.home_tabs[LEADER_SALES]
    text = dump(home["blocks"])
    assert "1on1のリズム" in text
    assert text.count("隔週30分で設定") == 2  # 田中 and 高橋, no cadence yet
    tanaka = await pair_of(org, MEMBER_TANAKA)
    assert tanaka.id is not None
    offered = [
        b["accessory"]["value"]
        for b in home["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.SCHEDULE_OPEN
    ]
    assert str(tanaka.id) in offered

    modal, answer = await set_cadence(org, LEADER_SALES, tanaka.id, weekday=1, at="10:00")

    # The modal offered the common default: every other week, 30 minutes, the leader's zone.
    freq = next(b for b in modal["blocks"] if b.get("block_id") == ids.SCHEDULE_FREQ_BLOCK)
    assert freq["element"]["initial_option"]["value"] == "biweekly"
    duration = next(b for b in modal["blocks"] if b.get("block_id") == ids.SCHEDULE_DURATION_BLOCK)
    assert duration["element"]["initial_option"]["value"] == "30"
    zone = next(b for b in modal["blocks"] if b.get("block_id") == ids.SCHEDULE_ZONE_BLOCK)
    assert zone["element"]["initial_option"]["value"] == "Asia/Tokyo"
    assert answer["response_action"] == "update"
    assert "隔週火曜 10:00(30分)" in dump(answer["view"])
    assert "6月3日(火) 10:00" in dump(answer["view"])

    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.rrule == "DTSTART:20310603T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert (pair.timezone, pair.duration_minutes) == ("Asia/Tokyo", 30)
    slots = await planned(org, tanaka.id)
    assert [s.starts_at for s in slots] == [tokyo(6, 3, 10)]
    slot_id = slots[0].id
    assert slot_id is not None
    leader, member = await person_id(org, LEADER_SALES), await person_id(org, MEMBER_TANAKA)
    expected = {
        Kind.member_reminder: (member, tokyo(6, 2, 10)),
        Kind.digest: (leader, tokyo(6, 3, 9, 45)),
        Kind.did_it_happen: (leader, tokyo(6, 3, 10, 30)),
        Kind.followup: (leader, tokyo(6, 4, 10, 30)),
        Kind.close: (leader, tokyo(6, 5, 10, 30)),
    }
    for kind, (who, due) in expected.items():
        row = await delivery(org, kind, slot_id)
        assert (row.person_id, row.due_at, row.status) == (who, due, DeliveryStatus.pending), kind

    # The DM and the Home redraw follow the modal's answer; wait for them, don't race them.
    await standin.wait_for("views.publish", count=2)
    for _ in range(250):
        if dms(org, MEMBER_TANAKA):
            break
        await asyncio.sleep(0.02)
    told = dms(org, MEMBER_TANAKA)
    assert len(told) == 1
    assert "佐藤 健一さんが" in told[0]["text"]
    assert "隔週火曜 10:00" in told[0]["text"]
    republished = standin.home_tabs[LEADER_SALES]
    assert "隔週火曜 10:00(30分)" in dump(republished["blocks"])
    assert "周期を変更" in dump(republished["blocks"])


async def test_schedule_command_opens_the_modal_or_a_chooser(org: LocalStack) -> None:
    standin = org.standin

    await org.driver.slash_command(MEMBER_ITO, "schedule")
    first = (await standin.wait_for("views.open"))[-1]
    await org.driver.slash_command(LEADER_SALES, "schedule")
    second = (await standin.wait_for("views.open", count=2))[-1]

    assert first.ok
    assert first.response["view"]["callback_id"] == ids.SCHEDULE_CALLBACK
    assert "鈴木 美咲さんとの1on1" in dump(first.response["view"]["blocks"])  # the member's leader
    assert second.response["view"]["callback_id"] == ids.SCHEDULE_CHOOSER_CALLBACK
    chooser = dump(second.response["view"]["blocks"])
    assert "田中 翔太さん" in chooser
    assert "高橋 愛さん" in chooser
    assert "伊藤" not in chooser  # someone else's member

    # Choosing 田中 stacks the cadence modal on the chooser.
    view = second.response["view"]
    button = next(
        b["accessory"]
        for b in view["blocks"]
        if "田中" in b.get("text", {}).get("text", "") and "accessory" in b
    )
    await org.driver.block_actions(LEADER_SALES, [button], view=view)
    pushed = (await standin.wait_for("views.push"))[-1]
    assert pushed.ok, pushed.response
    assert pushed.response["view"]["callback_id"] == ids.SCHEDULE_CALLBACK
    assert "田中 翔太さんとの1on1" in dump(pushed.response["view"]["blocks"])


async def test_a_member_sets_the_cadence_in_english_and_the_leader_is_told(
    org: LocalStack,
) -> None:
    emily = await pair_of(org, MEMBER_EMILY)
    assert emily.id is not None

    modal, answer = await set_cadence(
        org, MEMBER_EMILY, emily.id, frequency="monthly", week="last", weekday=4, at="15:30"
    )

    assert modal["title"]["text"] == "1on1 cadence"
    assert "Monthly on the last Fri at 15:30 (30 min)" in dump(answer["view"])
    starts = [s.starts_at for s in await planned(org, emily.id)]
    assert starts[0] == tokyo(6, 27, 15, 30)  # the last Friday of June 2031
    told = dms(org, LEADER_DEV)
    assert len(told) == 1
    assert "Emily Clarkさんが" in told[0]["text"]


async def test_a_bad_modal_answer_keeps_the_modal_open_and_stores_nothing(
    org: LocalStack,
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    modal = await cadence_modal(org, LEADER_SALES, pair.id)
    values = cadence_values(starting=FIRST)
    values[ids.SCHEDULE_ZONE_BLOCK][ids.SCHEDULE_ZONE]["selected_option"] = {"value": "Mars/Base"}
    values[ids.SCHEDULE_TIME_BLOCK][ids.SCHEDULE_TIME]["selected_time"] = None

    response = await org.driver.view_submission(LEADER_SALES, modal, values)

    answer = response.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {ids.SCHEDULE_ZONE_BLOCK, ids.SCHEDULE_TIME_BLOCK}
    assert (await pair_of(org, MEMBER_TANAKA)).rrule is None
    assert await slots_of(org, pair.id) == []


# --- reminders, the digest, "did it happen?" ------------------------------------------------------


async def test_reminder_digest_and_did_it_happen_each_arrive_once_in_time(
    org: LocalStack,
) -> None:
    # Picks made before any slot existed attach to the first one the cadence plans.
    await pick(org, MEMBER_TANAKA, {"キャリア": "listen", "商談の進め方": "advice"})
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    slot = (await planned(org, pair.id))[0]
    assert slot.id is not None
    async with org.runtime.db.write() as session:
        agenda = (await session.exec(select(Agenda).where(Agenda.pair_id == pair.id))).one()
        assert agenda.slot_id == slot.id
        leader, member = await person_id(org, LEADER_SALES), await person_id(org, MEMBER_TANAKA)
        session.add(
            ActionItem(pair_id=pair.id, owner_id=member, created_by_id=leader, text="見積書を送る")
        )
        earlier = Slot(pair_id=pair.id, starts_at=tokyo(5, 20, 10), state=SlotState.held)
        session.add(earlier)
        await session.flush()
        assert earlier.id is not None
        session.add(
            MemoEntry(
                slot_id=earlier.id, author_id=leader, text="数字より行動に注目", kind="next_focus"
            )
        )

    await tick(org, tokyo(6, 2, 9, 59))
    assert with_action(dms(org, MEMBER_TANAKA), ids.OPEN_PICKER) == []
    await tick(org, tokyo(6, 2, 10))
    await tick(org, tokyo(6, 2, 10, 1))
    reminders = with_action(dms(org, MEMBER_TANAKA), ids.OPEN_PICKER)
    assert len(reminders) == 1
    reminder = dump(reminders[0]["blocks"])
    assert "佐藤 健一さんとの1on1は *明日 10:00* から(30分)です" in reminder
    assert "キャリア" in reminder
    assert "商談の進め方" in reminder
    assert "見積書を送る" in reminder
    assert button_in(reminders[0]["blocks"], ids.OPEN_PICKER)["value"] == str(pair.id)

    await tick(org, tokyo(6, 3, 9, 45))
    digests = with_action(dms(org, LEADER_SALES), ids.MEMO_START)
    assert len(digests) == 1
    digest = dump(digests[0]["blocks"])
    assert "まもなく 田中 翔太さんとの1on1(10:00〜)" in digest
    assert "ただ聞いてほしい" in digest
    assert "要約" in digest  # the hint for "just listen"
    assert "見積書を送る" in digest
    assert "数字より行動に注目" in digest
    assert button_in(digests[0]["blocks"], ids.MEMO_START)["value"] == str(slot.id)
    # The digest holds the member's picks: it goes to the leader and to nobody else.
    everyone_else = [
        c.args
        for c in org.standin.calls_to("chat.postMessage")
        if c.args["channel"] != LEADER_SALES and ids.MEMO_START in dump(c.args.get("blocks"))
    ]
    assert everyone_else == []

    await tick(org, tokyo(6, 3, 10, 29))
    assert with_action(dms(org, LEADER_SALES), ids.SLOT_HELD) == []
    await tick(org, tokyo(6, 3, 10, 30))
    questions = with_action(dms(org, LEADER_SALES), ids.SLOT_HELD)
    assert len(questions) == 1
    assert "6月3日(火) 10:00" in questions[0]["text"]
    replies = len(org.standin.calls_to("response_url"))
    response = await press(org, LEADER_SALES, questions[0], ids.SLOT_HELD)
    assert response.status == 200
    replaced = (await org.standin.wait_for("response_url", count=replies + 1))[-1].args
    assert replaced["replace_original"] is True
    assert "「実施」として記録しました" in replaced["text"]

    held = next(s for s in await slots_of(org, pair.id) if s.id == slot.id)
    assert held.state is SlotState.held
    assert held.answered_at is not None
    # Answered: no follow-up, and the slot never turns unknown.
    await tick(org, tokyo(6, 4, 10, 30))
    await tick(org, tokyo(6, 5, 10, 31))
    assert len(with_action(dms(org, LEADER_SALES), ids.SLOT_HELD)) == 1
    again = next(s for s in await slots_of(org, pair.id) if s.id == slot.id)
    assert again.state is SlotState.held
    # A second click (another device) records nothing new.
    await press(org, LEADER_SALES, questions[0], ids.SLOT_SKIPPED)
    replaced = (await org.standin.wait_for("response_url", count=replies + 2))[-1].args
    assert "すでに「実施」として記録されています" in replaced["text"]


async def test_without_picks_the_digest_suggests_an_opening_question(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TAKAHASHI)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id, weekday=1, at="10:00")

    await tick(org, tokyo(6, 2, 10))
    await tick(org, tokyo(6, 3, 9, 45))

    reminder = with_action(dms(org, MEMBER_TAKAHASHI), ids.OPEN_PICKER)
    assert len(reminder) == 1
    assert "まだ選んでいません" in dump(reminder[0]["blocks"])
    digest = with_action(dms(org, LEADER_SALES), ids.MEMO_START)
    assert len(digest) == 1
    assert "まだ選んでいません。最初にこんな問いかけから" in dump(digest[0]["blocks"])


async def test_quiet_hours_hold_a_reminder_until_the_next_allowed_time(org: LocalStack) -> None:
    services = org.runtime.services
    await services.schedule_settings.update({"schedule.window": "09:00-18:00"})
    pair = await pair_of(org, MEMBER_EMILY)
    assert pair.id is not None
    # A Tuesday 19:00 1on1: "the working day before at 19:00" is after 18:00 -> Tuesday 09:00.
    await set_cadence(org, LEADER_DEV, pair.id, weekday=1, at="19:00")
    slot = (await planned(org, pair.id))[0]
    assert slot.id is not None
    row = await delivery(org, Kind.member_reminder, slot.id)
    assert row.due_at == tokyo(6, 3, 9)

    # The organisation then moves its window: the row is held back at send time.
    await services.schedule_settings.update({"schedule.window": "10:00-18:00"})
    await tick(org, tokyo(6, 3, 9))
    assert with_action(dms(org, MEMBER_EMILY), ids.OPEN_PICKER) == []
    assert (await delivery(org, Kind.member_reminder, slot.id)).due_at == tokyo(6, 3, 10)
    await tick(org, tokyo(6, 3, 10))

    reminders = with_action(dms(org, MEMBER_EMILY), ids.OPEN_PICKER)
    assert len(reminders) == 1
    # In her language and zone; the same day, so "today".
    assert "Your 1on1 with 鈴木 美咲 is *today at 19:00* (30 min)." in reminders[0]["text"]


async def test_no_answer_gets_one_followup_then_unknown_and_two_missed_note_the_streak(
    org: LocalStack,
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    await tick(org, tokyo(6, 2, 10))  # tops up the planned slots as well
    first, second = (await planned(org, pair.id))[:2]
    assert second.starts_at == tokyo(6, 17, 10)

    await tick(org, tokyo(6, 3, 10, 30))
    await tick(org, tokyo(6, 4, 10, 30))
    await tick(org, tokyo(6, 4, 11))
    asked = with_action(dms(org, LEADER_SALES), ids.SLOT_HELD)
    assert [("念のための確認" in p["text"]) for p in asked] == [False, True]
    await tick(org, tokyo(6, 5, 10, 30))
    closed = next(s for s in await slots_of(org, pair.id) if s.id == first.id)
    assert closed.state is SlotState.unknown
    assert closed.answered_at is None

    await tick(org, tokyo(6, 17, 10, 30))
    question = with_action(dms(org, LEADER_SALES), ids.SLOT_HELD)[-1]
    assert "6月17日(火) 10:00" in question["text"]
    await press(org, LEADER_SALES, question, ids.SLOT_SKIPPED)
    await org.standin.wait_for("response_url")
    skipped = next(s for s in await slots_of(org, pair.id) if s.id == second.id)
    assert skipped.state is SlotState.skipped
    await tick(org, tokyo(6, 17, 11))

    for user in (LEADER_SALES, MEMBER_TANAKA):
        nudges = with_action(dms(org, user), ids.SLOT_RESCHEDULE)
        assert len(nudges) == 1, user
        assert "次の定例(7月1日(火) 10:00)" in nudges[0]["text"]
    notes = [p for p in dms(org, LEADER_SALES) if "2回続けて" in p["text"]]
    assert len(notes) == 1
    assert [p for p in dms(org, MEMBER_TANAKA) if "続けて" in p["text"]] == []


async def test_a_moved_slot_takes_the_picks_and_both_hear_of_it(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    await pick(org, MEMBER_TANAKA, {"キャリア": "listen"})
    await tick(org, tokyo(6, 3, 10, 30))
    slots = await planned(org, pair.id)
    old = slots[0]
    assert old.id is not None
    question = with_action(dms(org, LEADER_SALES), ids.SLOT_MOVED)[0]

    opened = len(org.standin.calls_to("views.open"))
    await press(org, LEADER_SALES, question, ids.SLOT_MOVED)
    modal = (await org.standin.wait_for("views.open", count=opened + 1))[-1].response["view"]
    assert modal["callback_id"] == ids.MOVE_CALLBACK

    past = await org.driver.view_submission(
        LEADER_SALES, modal, move_values(date(2020, 1, 6), "10:00")
    )
    assert past.json()["errors"] == {ids.MOVE_DATE_BLOCK: "これから先の日時を選んでください。"}
    answer = await org.driver.view_submission(
        LEADER_SALES, modal, move_values(date(2031, 6, 5), "15:00")
    )
    assert answer.json()["response_action"] == "update"
    assert "*6月5日(木) 15:00*" in dump(answer.json()["view"])

    moved = next(s for s in await slots_of(org, pair.id) if s.id == old.id)
    assert moved.state is SlotState.moved
    new = next(s for s in await slots_of(org, pair.id) if s.id == moved.moved_to_slot_id)
    assert (new.starts_at, new.state, new.duration_minutes) == (
        tokyo(6, 5, 15),
        SlotState.planned,
        30,
    )
    async with org.runtime.db.read() as session:
        agenda = (await session.exec(select(Agenda).where(Agenda.pair_id == pair.id))).one()
    assert agenda.slot_id == new.id
    assert (await delivery(org, Kind.did_it_happen, old.id)).status is DeliveryStatus.sent
    assert (await delivery(org, Kind.followup, old.id)).status is DeliveryStatus.cancelled
    assert new.id is not None
    assert (await delivery(org, Kind.member_reminder, new.id)).due_at == tokyo(6, 4, 15)

    # A second submit of the same modal changes nothing; a time already taken is refused.
    again = await org.driver.view_submission(
        LEADER_SALES, modal, move_values(date(2031, 6, 6), "11:00")
    )
    assert "すでに" in dump(again.json()["view"])
    onto_the_next = {**modal, "private_metadata": json.dumps({"slot_id": new.id})}
    taken = await org.driver.view_submission(
        LEADER_SALES, onto_the_next, move_values(date(2031, 6, 17), "10:00")
    )
    assert taken.json() == {
        "response_action": "errors",
        "errors": {ids.MOVE_DATE_BLOCK: "その日時にはすでに1on1の予定があります。"},
    }
    assert len([s for s in await slots_of(org, pair.id) if s.starts_at == tokyo(6, 6, 11)]) == 0
    await tick(org, tokyo(6, 3, 10, 31))
    for user, other in ((LEADER_SALES, "田中 翔太さん"), (MEMBER_TANAKA, "佐藤 健一さん")):
        notices = [p for p in dms(org, user) if "に変更されました" in p["text"]]
        assert len(notices) == 1, user
        assert other in notices[0]["text"]
        assert "*6月5日(木) 15:00*" in notices[0]["text"]

    await tick(org, tokyo(6, 4, 15))
    reminder = with_action(dms(org, MEMBER_TANAKA), ids.OPEN_PICKER)[-1]
    assert "*明日 15:00*" in reminder["text"]
    assert "キャリア" in dump(reminder["blocks"])


async def test_changing_the_cadence_replaces_future_slots_and_keeps_the_history(
    org: LocalStack,
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    await tick(org, tokyo(6, 3, 10, 30))  # tops up and asks about the first 1on1
    question = with_action(dms(org, LEADER_SALES), ids.SLOT_HELD)[0]
    await press(org, LEADER_SALES, question, ids.SLOT_HELD)
    await org.standin.wait_for("response_url")
    before = await slots_of(org, pair.id)
    held = [s for s in before if s.state is SlotState.held]
    old_future = [s for s in before if s.state is SlotState.planned]
    assert len(held) == 1
    assert [s.starts_at for s in old_future][:2] == [tokyo(6, 17, 10), tokyo(7, 1, 10)]
    await pick(org, MEMBER_TANAKA, {"キャリア": "feedback"})  # for the 17 June 1on1

    _, answer = await set_cadence(
        org, MEMBER_TANAKA, pair.id, frequency="weekly", weekday=3, at="15:00", duration=15
    )

    assert "毎週木曜 15:00(15分)" in dump(answer["view"])
    after = {s.id: s for s in await slots_of(org, pair.id)}
    assert after[held[0].id].state is SlotState.held
    assert after[held[0].id].starts_at == tokyo(6, 3, 10)
    for slot in old_future:
        assert after[slot.id].state is SlotState.cancelled
        assert slot.id is not None
        row = await delivery(org, Kind.member_reminder, slot.id)
        assert row.status is DeliveryStatus.cancelled
    upcoming = [s for s in after.values() if s.state is SlotState.planned]
    assert min(s.starts_at for s in upcoming) == tokyo(6, 5, 15)
    assert {s.duration_minutes for s in upcoming} == {15}
    nearest = min(upcoming, key=lambda s: s.starts_at)
    async with org.runtime.db.read() as session:
        agenda = (await session.exec(select(Agenda).where(Agenda.pair_id == pair.id))).one()
    assert agenda.slot_id == nearest.id
    told = [p for p in dms(org, LEADER_SALES) if "毎週木曜 15:00" in p["text"]]
    assert len(told) == 1  # the member changed it; the leader heard


# --- privacy: forged ids ----------------------------------------------------------------------


async def test_forged_ids_are_refused_and_change_nothing(org: LocalStack) -> None:
    standin = org.standin
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    slot = (await planned(org, pair.id))[0]
    assert slot.id is not None
    rule = (await pair_of(org, MEMBER_TANAKA)).rrule

    opened = len(standin.calls_to("views.open"))
    await open_cadence_modal(org, MEMBER_ITO, pair.id)
    refused = (await standin.wait_for("views.open", count=opened + 1))[-1].response["view"]
    assert "ご自身が参加している1on1だけ" in dump(refused["blocks"])
    assert "田中" not in dump(refused)

    own = await pair_of(org, MEMBER_ITO)
    assert own.id is not None
    modal = await cadence_modal(org, MEMBER_ITO, own.id)
    modal["private_metadata"] = json.dumps({"pair_id": pair.id})
    answer = await org.driver.view_submission(
        MEMBER_ITO, modal, cadence_values(frequency="weekly", weekday=4, starting=FIRST)
    )
    assert answer.json()["response_action"] == "update"
    assert "ご自身が参加している1on1だけ" in dump(answer.json()["view"])
    assert (await pair_of(org, MEMBER_TANAKA)).rrule == rule

    replies = len(standin.calls_to("response_url"))
    for user in (MEMBER_ITO, HR):
        await forge(org, user, ids.SLOT_HELD, str(slot.id))
    calls = await standin.wait_for("response_url", count=replies + 2)
    for call in calls[-2:]:
        assert call.args["response_type"] == "ephemeral"
        assert "表示できません" in call.args["text"]
        assert "田中" not in call.args["text"]
    opened = len(standin.calls_to("views.open"))
    await forge(org, MEMBER_ITO, ids.SLOT_MOVED, str(slot.id))
    refused = (await standin.wait_for("views.open", count=opened + 1))[-1].response["view"]
    assert "表示できません" in dump(refused)
    move = {
        "id": "VFORGED",
        "type": "modal",
        "callback_id": ids.MOVE_CALLBACK,
        "private_metadata": json.dumps({"slot_id": slot.id}),
        "blocks": [],
    }
    forged_move = await org.driver.view_submission(
        MEMBER_ITO, move, move_values(date(2031, 6, 4), "09:00")
    )
    assert "表示できません" in dump(forged_move.json())
    await forge(org, MEMBER_ITO, ids.SLOT_HELD, "not-a-number")

    after = next(s for s in await slots_of(org, pair.id) if s.id == slot.id)
    assert (after.state, after.answered_at, after.moved_to_slot_id) == (
        SlotState.planned,
        None,
        None,
    )
    assert len(await slots_of(org, pair.id)) == 1


# --- Slack refusing for good ----------------------------------------------------------------------


async def test_a_permanent_slack_error_stops_and_shows_in_logs_and_metrics(
    org: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    slot = (await planned(org, pair.id))[0]
    assert slot.id is not None
    org.standin.fail("chat.postMessage", "account_inactive")
    posts = len(org.standin.calls_to("chat.postMessage"))

    await tick(org, tokyo(6, 2, 10))
    await tick(org, tokyo(6, 2, 12))

    row = await delivery(org, Kind.member_reminder, slot.id)
    assert (row.status, row.last_error, row.attempts) == (
        DeliveryStatus.failed,
        "account_inactive",
        1,
    )
    assert len(org.standin.calls_to("chat.postMessage")) == posts + 1
    assert any("account_inactive" in r.getMessage() for r in caplog.records)
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{org.runtime.base_url}/metrics") as res,
    ):
        exposition = await res.text()
    samples = [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(exposition)
        for s in family.samples
    ]
    kind = "sched.member_reminder"
    errors = {"kind": kind, "code": "account_inactive"}
    assert ("oneonone_delivery_errors_total", errors, 1) in samples
    assert ("oneonone_deliveries_total", {"kind": kind, "outcome": "failed"}, 1) in samples


# --- App Home -------------------------------------------------------------------------------------


async def test_app_home_shows_each_pairs_rhythm(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    await tick(org, tokyo(6, 3, 10, 30))
    question = with_action(dms(org, LEADER_SALES), ids.SLOT_HELD)[0]
    await press(org, LEADER_SALES, question, ids.SLOT_HELD)
    await org.standin.wait_for("response_url")

    published = len(org.standin.calls_to("views.publish"))
    await org.driver.app_home_opened(LEADER_SALES)
    await org.driver.app_home_opened(MEMBER_TANAKA)
    await org.standin.wait_for("views.publish", count=published + 2)

    leader_home = dump(org.standin.home_tabs[LEADER_SALES]["blocks"])
    assert "*田中 翔太さん*(部下) ・ 隔週火曜 10:00(30分)" in leader_home
    assert "前回の実施: 6月3日(火) 10:00" in leader_home
    assert "前回は実施" in leader_home  # a streak of one is just "last time"
    assert "次回: 6月17日(火) 10:00" in leader_home
    assert "*高橋 愛さん*(部下)" in leader_home  # no cadence: the default is offered
    member_home = dump(org.standin.home_tabs[MEMBER_TANAKA]["blocks"])
    assert "*佐藤 健一さん*(上司) ・ 隔週火曜 10:00(30分)" in member_home
    assert "高橋" not in member_home
    for user in (LEADER_SALES, MEMBER_TANAKA):
        assert len(org.standin.home_tabs[user]["blocks"]) <= 100


# --- the command line ---------------------------------------------------------------------------


def test_admins_set_a_cadence_from_the_command_line(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import cli
    from bot.cli import app

    monkeypatch.setattr(cli, "CLOCK", CLOCK)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    people = tmp_path / "people.csv"
    people.write_text(sample_org_csv(), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["org", "import", str(people)]).exit_code == 0

    result = runner.invoke(
        app,
        [
            "pair",
            "cadence",
            "--leader",
            "sato.kenichi@example.co.jp",
            "--member",
            "tanaka.shota@example.co.jp",
            "--rrule",
            "DTSTART:20310605T150000\nRRULE:FREQ=WEEKLY;BYDAY=TH",
            "--duration",
            "45",
            "--timezone",
            "America/New_York",
        ],
    )
    unknown = runner.invoke(
        app,
        [
            *("pair", "cadence", "--leader", "nobody@example.com", "--member", "x@example.com"),
            *("--rrule", "FREQ=WEEKLY;BYDAY=TU;BYHOUR=10"),
        ],
    )
    nonsense = runner.invoke(
        app,
        [
            *("pair", "cadence", "--leader", "sato.kenichi@example.co.jp"),
            *("--member", "tanaka.shota@example.co.jp", "--rrule", "FREQ=WEEKLY;BYDAY=TU"),
        ],
    )
    window = runner.invoke(app, ["schedule", "settings", "--window", "07:30-19:00"])
    bad_window = runner.invoke(app, ["schedule", "settings", "--window", "7-19"])

    assert result.exit_code == 0, result.output
    assert "2031-06-05 15:00 EDT" in " ".join(result.output.split())
    assert unknown.exit_code == 1
    assert "nobody@example.com" in unknown.output
    assert nonsense.exit_code == 2
    assert "BYHOUR" in nonsense.output
    assert window.exit_code == 0, window.output
    assert "schedule.window = 07:30-19:00" in window.output
    assert bad_window.exit_code == 2
    assert "08:00-20:00" in bad_window.output

    async def stored() -> tuple[Pair, list[Slot], Delivery]:
        db = Database(database_url)
        try:
            async with db.read() as session:
                leader = (
                    await session.exec(
                        select(Person).where(Person.email == "sato.kenichi@example.co.jp")
                    )
                ).one()
                pair = (await session.exec(select(Pair).where(Pair.leader_id == leader.id))).all()
                chosen = next(p for p in pair if p.rrule)
                slots = (await session.exec(select(Slot).where(Slot.pair_id == chosen.id))).all()
                first = min(slots, key=lambda s: s.starts_at)
                row = (
                    await session.exec(
                        select(Delivery).where(
                            Delivery.key == delivery_key(Kind.member_reminder, first.id or 0)
                        )
                    )
                ).one()
                return chosen, list(slots), row
        finally:
            await db.dispose()

    pair, slots, reminder = asyncio.run(stored())
    assert (pair.timezone, pair.duration_minutes) == ("America/New_York", 45)
    assert min(s.starts_at for s in slots) == datetime(2031, 6, 5, 19, 0, tzinfo=UTC)
    # The member's reminder is in the member's zone (Tokyo): the working day before at 04:00
    # there, moved into the window - whose start the settings command just moved to 07:30,
    # and the reminders already planned followed.
    assert reminder.due_at == datetime(2031, 6, 5, 7, 30, tzinfo=TOKYO)


# --- the digest's tips, settings, large Homes, rate limits ---------------------------------------


async def test_the_digest_shows_at_most_two_tips_and_survives_a_failing_provider(
    org: LocalStack,
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await pick(org, MEMBER_TANAKA, {"キャリア": "listen"})
    await set_cadence(org, LEADER_SALES, pair.id)
    slot = (await planned(org, pair.id))[0]
    assert slot.id is not None
    asked: list[tuple[int, list[tuple[str | None, str]]]] = []

    async def tips(leader_id: int, picks: Sequence[tuple[str | None, str]]) -> list[DigestTip]:
        asked.append((leader_id, list(picks)))
        return [
            DigestTip(i, f"ヒント{i}", "まず要約して返す", "キャリア", "listen", 3)
            for i in range(3)
        ]

    async def broken(leader_id: int, picks: Sequence[tuple[str | None, str]]) -> list[DigestTip]:
        raise RuntimeError("tips are down")

    found = await DigestService(org.runtime.db, tips=tips).for_slot(slot.id)
    without = await DigestService(org.runtime.db, tips=broken).for_slot(slot.id)

    assert found is not None
    assert without is not None
    leader, digest = found
    assert leader.slack_id == LEADER_SALES
    assert asked == [(leader.id, [("career", "listen")])]
    assert [t.title for t in digest.tips] == ["ヒント0", "ヒント1"]
    rendered = dump(render(digest, "ja", "Asia/Tokyo").blocks)
    assert "ほかのリーダーのヒント" in rendered
    assert "ヒント1" in rendered
    assert without[1].tips == ()
    assert "ほかのリーダーのヒント" not in dump(render(without[1], "ja", "UTC").blocks)


async def test_scheduling_settings_are_checked_before_they_are_stored(org: LocalStack) -> None:
    store = org.runtime.services.schedule_settings

    for key, value in (
        ("schedule.window", "20:00-08:00"),
        ("schedule.working_days", "someday"),
        ("schedule.holidays", "XX"),
        ("schedule.digest_lead_minutes", "0"),
        ("schedule.nonsense", "1"),
    ):
        with pytest.raises(SettingError):
            await store.update({key: value})
    updated = await store.update({"schedule.working_days": "mon-sat", "schedule.holidays": "none"})

    assert updated.window.working_days == frozenset(range(6))
    assert updated.window.holiday_country is None
    assert updated.as_text()["schedule.window"] == "08:00-20:00"


def test_a_leader_with_many_members_gets_a_compact_rhythm_within_the_block_limit() -> None:
    many = ScheduleHome(
        [
            PairHealth(
                pair_id=i,
                kind=PairKind.manager,
                as_leader=True,
                other_name=f"メンバー{i}",
                rule=None,
                timezone=None,
                duration_minutes=30,
                spec=None,
                last_held_at=None,
                streak_kind=None,
                streak=0,
                next_slot_at=None,
            )
            for i in range(1, 121)
        ]
    )

    blocks = sb.health_blocks(many, locale="ja", timezone="Asia/Tokyo")

    assert len(blocks) <= sb.HOME_BLOCK_BUDGET
    select = blocks[-1]["elements"][0]
    assert select["action_id"] == ids.SCHEDULE_CHOOSE
    assert len(select["options"]) == 100  # Block Kit's limit for one select
    assert "メンバー1さん" in dump(blocks)


async def test_a_429_pauses_every_send_for_exactly_retry_after() -> None:
    async with SlackStandin() as standin:
        standin.add_user("U0000001", name="one")
        standin.rate_limit("chat.postMessage", retry_after=1, times=1)
        handler = PausingRateLimitHandler()
        client = AsyncWebClient(
            token=standin.token, base_url=standin.api_url, retry_handlers=[handler]
        )
        waited: list[float] = []

        async def another_sender() -> None:
            async with asyncio.timeout(5):
                # Until the client has seen the 429 (state of another component: polled).
                while handler.gate.remaining == 0:  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
            await handler.gate.wait()
            waited.append(time.monotonic())

        other = asyncio.create_task(another_sender())
        response = await client.chat_postMessage(channel="U0000001", text="hello")
        await other

    calls = standin.calls_to("chat.postMessage")
    assert response["ok"]
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0
    # The pause held back a send that had nothing to do with the refused call.
    assert waited[0] >= calls[0].at + 1.0 - 0.05


async def test_the_default_zone_is_the_leaders_own_as_slack_knows_it(org: LocalStack) -> None:
    leader = await person_id(org, LEADER_DEV)
    async with org.runtime.db.write() as session:
        row = await session.get(Person, leader)
        assert row is not None
        row.timezone = None  # the org file left it empty
        session.add(row)
    org.standin.users[LEADER_DEV]["tz"] = "America/New_York"
    pair = await pair_of(org, MEMBER_ITO)
    assert pair.id is not None

    modal = await cadence_modal(org, MEMBER_ITO, pair.id)

    zone = next(b for b in modal["blocks"] if b.get("block_id") == ids.SCHEDULE_ZONE_BLOCK)
    assert zone["element"]["initial_option"]["value"] == "America/New_York"
    await org.runtime.services.people.drain()  # Slack's answer is remembered in the background
    async with org.runtime.db.read() as session:
        learned = await session.get(Person, leader)
    assert learned is not None
    assert learned.timezone == "America/New_York"


async def test_a_slot_cancelled_by_a_new_cadence_says_so_when_someone_tries_to_move_it(
    org: LocalStack,
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    [first, *_] = await planned(org, pair.id)
    await set_cadence(org, LEADER_SALES, pair.id, frequency="weekly", weekday=3, at="15:00")
    cancelled = next(s for s in await slots_of(org, pair.id) if s.id == first.id)
    assert cancelled.state is SlotState.cancelled

    # The move modal, opened from the earlier DM before the cadence changed.
    modal = {
        "id": "VOPENEDEARLIER",
        "type": "modal",
        "callback_id": ids.MOVE_CALLBACK,
        "private_metadata": json.dumps({"slot_id": first.id}),
        "blocks": [],
    }
    answer = await org.driver.view_submission(
        LEADER_SALES, modal, move_values(date(2031, 6, 5), "10:00")
    )

    assert answer.json()["response_action"] == "errors"
    message = answer.json()["errors"][ids.MOVE_DATE_BLOCK]
    assert "取り消されています" in message
    assert "実施済み" not in message
    still = next(s for s in await slots_of(org, pair.id) if s.id == first.id)
    assert (still.state, still.moved_to_slot_id) == (SlotState.cancelled, None)
