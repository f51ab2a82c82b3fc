"""The memos feature's use cases at service level: the memo thread, its replies, TODOs, the
member's reflection and the leader's insight. Real services and database (SQLite and
PostgreSQL), the shared fake Messenger in place of Slack or Teams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.container import Services
from bot.core.errors import NotAllowed
from bot.features.memos import (
    MIN_MEMBERS,
    MIN_REFLECTIONS,
    NEXT_FOCUS,
    MemoParent,
    ReflectionCommentShared,
    ReflectionRequest,
)
from bot.features.memos.reflections import SaveOutcome
from bot.features.schedule import Outcome
from bot.ports import SLACK, MessageRef
from storage.db import Database
from storage.models import ActionItem, MemoEntry, Person, Reflection, Slot, SlotState
from tests.fakes import (
    FakeMessenger,
    SmallOrg,
    add_slot,
    id_of,
    rows,
    services_with,
    small_org,
)

NOW = datetime(2031, 6, 3, 1, 0, tzinfo=UTC)  # Tuesday 3 June 2031, 10:00 in Tokyo
# Slack message ids are their times: replies written a few minutes into the 1on1.
REPLY_TS = "1938215100.000100"  # 2031-06-03 01:05 UTC
OTHER_TS = "1938215160.000200"


async def _setup(db: Database) -> tuple[Services, FakeMessenger, SmallOrg]:
    messenger = FakeMessenger()
    services = services_with(db, messenger, at=NOW)
    return services, messenger, await small_org(db)


async def _thread(db: Database, services: Services, org: SmallOrg) -> tuple[Slot, MessageRef]:
    """A 1on1 that started at NOW, its memo thread opened by the tick."""
    slot = await add_slot(db, org.pair, NOW)
    await services.tick.run(NOW + timedelta(minutes=1))
    opened = next(s for s in await rows(db, Slot) if s.id == slot.id)
    assert opened.memo_conversation is not None
    assert opened.memo_message_id is not None
    return opened, MessageRef(SLACK, opened.memo_conversation, opened.memo_message_id)


async def _reply(
    services: Services, author: Person, thread: MessageRef, ts: str, text: str
) -> object:
    return await services.memos.record_reply(
        author_id=id_of(author),
        thread=thread,
        ref=MessageRef(SLACK, thread.conversation, ts),
        text=text,
        now=NOW + timedelta(minutes=10),
    )


# --- the memo thread -----------------------------------------------------------------------------


async def test_the_tick_opens_the_memo_thread_when_the_1on1_starts(db: Database) -> None:
    services, messenger, org = await _setup(db)
    slot = await add_slot(db, org.pair, NOW)

    await services.tick.run(NOW - timedelta(minutes=1))
    assert messenger.calls == [], "not before the 1on1 starts"
    await services.tick.run(NOW + timedelta(minutes=1))
    await services.tick.run(NOW + timedelta(minutes=2))

    group = f"G{id_of(org.leader)}-{id_of(org.member)}"
    assert messenger.groups == [(group, (id_of(org.leader), id_of(org.member)))]
    (parent,) = messenger.notices(MemoParent)
    assert messenger.posts == [(group, parent)]
    assert messenger.of("post")[0].locale == "ja"  # the member's language
    assert (parent.slot_id, parent.starts_at) == (slot.id, NOW)
    assert (parent.leader_name, parent.member_name) == ("Lea", "Mo")
    stored = next(s for s in await rows(db, Slot) if s.id == slot.id)
    assert (stored.memo_platform, stored.memo_conversation, stored.memo_message_id) == (
        SLACK,
        group,
        "1.0",
    )


async def test_a_partys_reply_is_stored_and_a_third_persons_is_not(db: Database) -> None:
    services, _, org = await _setup(db)
    slot, thread = await _thread(db, services, org)

    stored = await _reply(services, org.member, thread, REPLY_TS, "次回: 評価の話")
    twice = await _reply(services, org.member, thread, REPLY_TS, "次回: 評価の話")
    leader = await _reply(services, org.leader, thread, OTHER_TS, "資料を共有します")
    for stranger in (org.outsider, org.other_member):
        assert await _reply(services, stranger, thread, "1938215220.000300", "覗き見") is None
    # The thread's own parent is not a memo.
    assert await _reply(services, org.member, thread, thread.message_id, "x") is None

    assert stored is not None
    assert leader is not None
    assert twice is None, "a replayed event stores nothing more"
    entries = await rows(db, MemoEntry)
    assert [(e.slot_id, e.author_id, e.kind, e.text) for e in entries] == [
        (slot.id, id_of(org.member), NEXT_FOCUS, "評価の話"),
        (slot.id, id_of(org.leader), "point", "資料を共有します"),
    ]
    assert entries[0].created_at == datetime(2031, 6, 3, 1, 5, 0, 100, tzinfo=UTC)


# --- TODOs ---------------------------------------------------------------------------------------


async def test_a_todo_is_created_shown_in_the_next_thread_and_marked_done(db: Database) -> None:
    services, messenger, org = await _setup(db)
    slot, _ = await _thread(db, services, org)
    leader, member = id_of(org.leader), id_of(org.member)

    item_id = await services.action_items.create(
        member,
        org.pair_id,
        text="評価シートを送る",
        owner_id=leader,
        due=None,
        slot_id=slot.id,
        source=None,
        timezone="Asia/Tokyo",
        now=NOW,
    )
    for stranger in (id_of(org.outsider), id_of(org.other_member)):
        with pytest.raises(NotAllowed):
            await services.action_items.set_done(stranger, item_id, done=True, now=NOW)
        with pytest.raises(NotAllowed):
            await services.action_items.create(
                stranger,
                org.pair_id,
                text="覗き見",
                owner_id=stranger,
                due=None,
                slot_id=None,
                source=None,
                timezone="Asia/Tokyo",
                now=NOW,
            )

    (mine,) = await services.action_items.open_for(leader)
    assert (mine.item_id, mine.text, mine.mine, mine.other_name) == (
        item_id,
        "評価シートを送る",
        True,
        "Mo",
    )
    assert await services.action_items.open_for(id_of(org.outsider)) == []
    # The next 1on1's memo thread starts with the open TODO.
    next_week = NOW + timedelta(weeks=1)
    await add_slot(db, org.pair, next_week)
    messenger.clear()
    await services.tick.run(next_week + timedelta(minutes=1))
    (parent,) = messenger.notices(MemoParent)
    assert [i.text for i in parent.open_items] == ["評価シートを送る"]

    done_at = next_week + timedelta(minutes=20)
    await services.action_items.set_done(leader, item_id, done=True, now=done_at)
    (item,) = await rows(db, ActionItem)
    assert (item.owner_id, item.created_by_id, item.done_at) == (leader, member, done_at)
    assert await services.action_items.open_for(leader) == []


# --- the reflection and the insight --------------------------------------------------------------


async def test_after_a_held_1on1_the_member_reflects_and_a_shared_comment_reaches_the_leader(
    db: Database,
) -> None:
    services, messenger, org = await _setup(db)
    leader, member = id_of(org.leader), id_of(org.member)
    slot = await add_slot(db, org.pair, NOW)
    await services.schedule.answer(
        leader, id_of(slot), Outcome.held, now=NOW + timedelta(minutes=40)
    )

    await services.tick.run(NOW + timedelta(minutes=41))
    (request,) = messenger.notices(ReflectionRequest)
    assert messenger.sent == [(member, request)]
    assert (request.slot_id, request.leader_name) == (slot.id, "Lea")

    for not_the_member in (leader, id_of(org.outsider)):
        with pytest.raises(NotAllowed):
            await services.reflections.form(not_the_member, id_of(slot), now=NOW)
        with pytest.raises(NotAllowed):
            await _reflect(services, not_the_member, slot, overall=1)
    answered = NOW + timedelta(hours=2)
    outcome = await _reflect(
        services, member, slot, overall=4, comment="もっと聞いてほしい", at=answered
    )
    assert outcome.first_time
    assert outcome.comment_key is not None
    assert await services.reflections.deliver_comment(outcome.comment_key, now=answered)

    shared = ReflectionCommentShared("Mo", NOW, "もっと聞いてほしい")
    assert messenger.sent[-1] == (leader, shared)
    (reflection,) = await rows(db, Reflection)
    assert (reflection.member_id, reflection.leader_id, reflection.overall) == (member, leader, 4)
    # Asked once: a later tick does not ask again.
    await services.tick.run(answered + timedelta(days=1))
    assert len(messenger.notices(ReflectionRequest)) == 1


async def test_the_insight_needs_three_reflections_from_two_members(db: Database) -> None:
    services, _, org = await _setup(db)
    leader = id_of(org.leader)
    # Four weeks on, every reflection below is past the week it could still be changed in.
    later = NOW + timedelta(weeks=4)
    assert (MIN_REFLECTIONS, MIN_MEMBERS) == (3, 2)

    for week in range(3):  # three from one member: not enough
        await _held_and_reflected(db, services, org.member, org.pair_id, week, overall=4)
    assert not (await services.reflections.insight(leader, now=later)).ready

    await _held_and_reflected(db, services, org.other_member, id_of(org.other_pair), 0, overall=2)
    insight = await services.reflections.insight(leader, now=later)
    assert insight.ready
    # Figures move a whole batch at a time: Mo's first two and Ota's (4, 4, 2); Mo's third
    # waits for the next batch.
    assert insight.overall_mean == pytest.approx(10 / 3)
    # Only the leader's own: a member of the pair sees nothing.
    assert not (await services.reflections.insight(id_of(org.member), now=later)).ready


async def test_two_reflections_from_two_members_are_not_enough(db: Database) -> None:
    services, _, org = await _setup(db)
    later = NOW + timedelta(weeks=4)

    await _held_and_reflected(db, services, org.member, org.pair_id, 0, overall=5)
    await _held_and_reflected(db, services, org.other_member, id_of(org.other_pair), 0, overall=1)

    assert not (await services.reflections.insight(id_of(org.leader), now=later)).ready


# --- helpers -------------------------------------------------------------------------------------


async def _reflect(
    services: Services,
    actor: int,
    slot: Slot,
    *,
    overall: int,
    comment: str = "",
    at: datetime | None = None,
) -> SaveOutcome:
    """The member's answer for a 1on1 without picks: the overall score and maybe a comment."""
    return await services.reflections.save(
        actor,
        id_of(slot),
        scores={},
        overall=overall,
        comment=comment,
        share=bool(comment),
        now=at or slot.starts_at + timedelta(hours=2),
    )


async def _held_and_reflected(
    db: Database, services: Services, member: Person, pair_id: int, week: int, *, overall: int
) -> None:
    """A 1on1 `week` weeks after NOW (an hour later for anyone but Mo), held and reflected on
    two hours after it started."""
    starts_at = NOW + timedelta(weeks=week, hours=0 if member.name == "Mo" else 1)
    slot = await add_slot(
        db, pair_id, starts_at, state=SlotState.held, answered_at=starts_at + timedelta(hours=1)
    )
    await _reflect(services, id_of(member), slot, overall=overall)
