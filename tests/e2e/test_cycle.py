"""One 1on1 cycle across features, end to end: the member's picks and the leaders' tips meet in
the digest, and "did it happen?" answered with 実施した leads to the member's reflection request.

Everything goes in through signed requests and the real tick, and is checked on what the Slack
stand-in recorded (and the rows behind it), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.demo import forms as picker
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.models import Agenda, Delivery, DeliveryStatus, SlotState
from tests.e2e.helpers import (
    HR,
    LEADER_DEV,
    LEADER_SALES,
    MEMBER_TAKAHASHI,
    MEMBER_TANAKA,
    add_channel,
    choose,
    configure,
    dms,
    dump,
    now,
    open_picker,
    pair_of,
    person_id,
    planned,
    reflection_buttons,
    reflection_requests,
    set_cadence,
    settle,
    slots_of,
    tick,
    tips_by,
    tokyo,
    wait_channel_posts,
    with_action,
    write_tip,
)
from tests.e2e.helpers import press_in as press
from tests.e2e.helpers import submit as submit_picks

OTHERS_TIP = "同行前の5分作戦会議"
OWN_TIP = "自分で書いたヒント"
UNRELATED_TIP = "雑談から入る"


async def test_the_digest_carries_other_leaders_tips_on_the_picked_topic_not_the_leaders_own(
    org: LocalStack,
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)  # biweekly Tue 10:00 from 3 June 2031
    slot = (await planned(org, pair.id))[0]
    assert slot.id is not None
    assert slot.starts_at == tokyo(6, 3, 10)

    # The member picks "商談の進め方" / advice in the real picker; it lands on that slot.
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["商談の進め方"])
    answer = await submit_picks(
        org, MEMBER_TANAKA, view, picker.values(view, {"商談の進め方": ("advice", None)})
    )
    assert answer == {"response_action": "clear"}
    async with org.runtime.db.read() as session:
        agenda = (await session.exec(select(Agenda).where(Agenda.pair_id == pair.id))).one()
    assert agenda.slot_id == slot.id

    # Tips through `/1on1 tip`: the other leader's on the same tags, one of theirs on other
    # tags, and - newest, so it would rank first were it not excluded - the leader's own.
    add_channel(org)
    assert await configure(org) == {"response_action": "clear"}
    for author, title, topic, expectation in (
        (LEADER_DEV, OTHERS_TIP, "deal_strategy", "advice"),
        (LEADER_DEV, UNRELATED_TIP, "career", "listen"),
        (LEADER_SALES, OWN_TIP, "deal_strategy", "advice"),
    ):
        saved = await write_tip(
            org,
            author,
            title=title,
            body="やってみたら効きました。",
            topic=topic,
            expectation=expectation,
        )
        assert saved == {"response_action": "clear"}
    await settle()
    await wait_channel_posts(org, 4)  # the welcome, then the three tips
    [own] = await tips_by(org, LEADER_SALES)
    assert (own.title, own.topic_key, own.expectation) == (OWN_TIP, "deal_strategy", "advice")
    others = {t.title: (t.topic_key, t.expectation) for t in await tips_by(org, LEADER_DEV)}
    assert others[OTHERS_TIP] == ("deal_strategy", "advice")

    await tick(org, tokyo(6, 3, 9, 44))
    assert with_action(dms(org, LEADER_SALES), ids.MEMO_START) == []
    await tick(org, tokyo(6, 3, 9, 45))
    await tick(org, tokyo(6, 3, 9, 46))

    digests = with_action(dms(org, LEADER_SALES), ids.MEMO_START)
    assert len(digests) == 1
    digest = dump(digests[0])
    assert "まもなく 田中 翔太さんとの1on1(10:00〜)" in digest
    assert "商談の進め方" in digest
    assert "アドバイスがほしい" in digest
    assert "ほかのリーダーのヒント" in digest
    assert OTHERS_TIP in digest
    assert OWN_TIP not in digest
    assert UNRELATED_TIP not in digest
    # The digest (and so the tips chosen for it) goes to the leader only.
    for someone in (MEMBER_TANAKA, LEADER_DEV, MEMBER_TAKAHASHI, HR):
        assert with_action(dms(org, someone), ids.MEMO_START) == [], someone


async def test_held_leads_to_one_reflection_request_for_the_member(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(org, LEADER_SALES, pair.id)
    slot = (await planned(org, pair.id))[0]
    assert slot.id is not None

    # The 1on1 has just ended (10:00-10:30): the leader is asked whether it happened.
    await tick(org, tokyo(6, 3, 10, 30))
    questions = with_action(dms(org, LEADER_SALES), ids.SLOT_HELD)
    assert len(questions) == 1
    assert with_action(dms(org, MEMBER_TANAKA), ids.SLOT_HELD) == []
    # Not answered yet: nobody is asked to reflect.
    assert await reflection_requests(org) == []
    assert with_action(dms(org, MEMBER_TANAKA), ids.REFLECTION_OPEN) == []

    replies = len(org.standin.calls_to("response_url"))
    response = await press(org, LEADER_SALES, questions[0], ids.SLOT_HELD)
    assert response.status == 200
    replaced = (await org.standin.wait_for("response_url", count=replies + 1))[-1].args
    assert "「実施」として記録しました" in replaced["text"]
    await settle()
    held = next(s for s in await slots_of(org, pair.id) if s.id == slot.id)
    assert held.state is SlotState.held
    assert held.answered_at is not None

    # The button handler stamps the answer with the wall clock, and the request goes out for
    # answers from the last few days: the next tick runs at the wall clock too.
    posts = len(org.standin.calls_to("chat.postMessage"))
    await tick(org, now())

    member = await person_id(org, MEMBER_TANAKA)
    assert await reflection_requests(org) == [(slot.id, member)]
    [button] = reflection_buttons(org, MEMBER_TANAKA)
    assert button["value"] == str(slot.id)
    requests = with_action(dms(org, MEMBER_TANAKA), ids.REFLECTION_OPEN)
    assert len(requests) == 1
    assert "佐藤 健一さんとの1on1" in dump(requests[0])
    assert reflection_buttons(org, LEADER_SALES) == []
    assert with_action(dms(org, LEADER_SALES), ids.REFLECTION_OPEN) == []
    new_posts = org.standin.calls_to("chat.postMessage")[posts:]
    assert [c.args["channel"] for c in new_posts] == [MEMBER_TANAKA]
    async with org.runtime.db.read() as session:
        row = (await session.exec(select(Delivery).where(Delivery.kind == "reflection"))).one()
    assert (row.person_id, row.status) == (member, DeliveryStatus.sent)

    # A second pass sends nothing more, to anyone.
    await tick(org, now() + timedelta(minutes=1))
    assert len(org.standin.calls_to("chat.postMessage")) == posts + 1
    assert len(with_action(dms(org, MEMBER_TANAKA), ids.REFLECTION_OPEN)) == 1
    assert await reflection_requests(org) == [(slot.id, member)]
