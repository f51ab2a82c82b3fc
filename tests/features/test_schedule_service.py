"""The schedule's use cases at service level: cadences, the tick's reminders, the digest and
"did it happen?", the answers. Real services and database (SQLite and PostgreSQL), the shared
fake Messenger in place of Slack or Teams; every time is an explicit aware datetime."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.container import Services
from bot.core.errors import NotAllowed
from bot.features.memos import MemoParent, ReflectionRequest
from bot.features.schedule import (
    CadenceChanged,
    CadenceSpec,
    DidItHappen,
    Frequency,
    LeaderDigest,
    MemberReminder,
    Outcome,
    RescheduleNudge,
    SlotMoved,
    SlotState,
)
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Slot
from tests.fakes import FakeMessenger, SmallOrg, id_of, rows, services_with, small_org

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2031, 5, 28, 1, 0, tzinfo=UTC)  # Wednesday 28 May 2031, 10:00 in Tokyo
WEEKLY = CadenceSpec(
    frequency=Frequency.weekly,
    weekday=1,  # Tuesday
    at=time(10, 0),
    duration_minutes=30,
    timezone="Asia/Tokyo",
    starting=date(2031, 6, 3),
)


def tokyo(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, month, day, hour, minute, tzinfo=TOKYO)


FIRST = tokyo(6, 3, 10)  # the first 1on1: Tuesday 3 June 2031, 10:00-10:30 in Tokyo


async def _setup(db: Database) -> tuple[Services, FakeMessenger, SmallOrg]:
    messenger = FakeMessenger()
    services = services_with(db, messenger, at=NOW)
    return services, messenger, await small_org(db)


async def _with_cadence(db: Database) -> tuple[Services, FakeMessenger, SmallOrg, Slot]:
    """The pair meets weekly from FIRST; the first slot."""
    services, messenger, org = await _setup(db)
    await services.schedule.set_cadence(id_of(org.leader), org.pair_id, WEEKLY, now=NOW)
    first = (await _slots(db))[0]
    assert first.starts_at == FIRST
    return services, messenger, org, first


async def _slots(db: Database, state: SlotState | None = None) -> list[Slot]:
    found = sorted(await rows(db, Slot), key=lambda s: s.starts_at)
    return [s for s in found if state is None or s.state is state]


async def _slot(db: Database, slot_id: int) -> Slot:
    return next(s for s in await rows(db, Slot) if s.id == slot_id)


# --- setting a cadence ---------------------------------------------------------------------------


async def test_setting_a_cadence_plans_slots_and_tells_the_other_person(db: Database) -> None:
    services, messenger, org = await _setup(db)

    result = await services.schedule.set_cadence(id_of(org.member), org.pair_id, WEEKLY, now=NOW)
    await services.schedule.tell_other(result, org.member)

    assert result.next_slot_at == FIRST
    planned = await _slots(db, SlotState.planned)
    assert result.planned == len(planned) >= 4
    assert [s.starts_at for s in planned[:4]] == [FIRST + timedelta(weeks=n) for n in range(4)]
    assert {s.pair_id for s in planned} == {org.pair_id}
    # Whoever set it, the other one hears of it, and only they.
    assert result.spec is not None
    told = CadenceChanged("Mo", result.spec, result.rule, FIRST)
    assert messenger.sent == [(id_of(org.leader), told)]
    # The first slot's reminders are planned at their times (quiet hours and all).
    due = {d.kind: d.due_at for d in await rows(db, Delivery) if d.slot_id == planned[0].id}
    assert due == {
        "sched.member_reminder": tokyo(6, 2, 10),  # the working day before, same time
        "sched.digest": tokyo(6, 3, 9, 45),
        "sched.did_it_happen": tokyo(6, 3, 10, 30),
        "sched.followup": tokyo(6, 4, 10, 30),
        "sched.close": tokyo(6, 5, 10, 30),
    }


# --- the tick's due work -------------------------------------------------------------------------


async def test_the_tick_sends_the_reminder_the_digest_and_did_it_happen_on_time(
    db: Database,
) -> None:
    services, messenger, org, first = await _with_cadence(db)
    leader, member = id_of(org.leader), id_of(org.member)

    await services.tick.run(tokyo(6, 2, 9, 59))
    assert messenger.calls == [], "nothing is due before the reminder"

    await services.tick.run(tokyo(6, 2, 10))
    (reminder,) = messenger.notices(MemberReminder)
    assert messenger.sent == [(member, reminder)]
    assert (reminder.slot_id, reminder.leader_name, reminder.starts_at) == (first.id, "Lea", FIRST)
    messenger.clear()

    await services.tick.run(tokyo(6, 3, 9, 45))
    (digest,) = messenger.notices(LeaderDigest)
    assert messenger.sent == [(leader, digest)]
    assert (digest.slot_id, digest.member_name, digest.starts_at) == (first.id, "Mo", FIRST)
    messenger.clear()

    await services.tick.run(tokyo(6, 3, 10, 30))
    asked = DidItHappen(first.id or 0, "Mo", FIRST, 30, followup=False)
    assert messenger.sent == [(leader, asked)]
    assert [type(n) for _, n in messenger.posts] == [MemoParent]  # the memo thread opened too
    messenger.clear()

    # Unanswered: one follow-up a day later, then the slot is closed as unknown.
    await services.tick.run(tokyo(6, 4, 10, 30))
    followup = DidItHappen(first.id or 0, "Mo", FIRST, 30, followup=True)
    assert messenger.sent == [(leader, followup)]
    messenger.clear()
    await services.tick.run(tokyo(6, 5, 10, 30))
    assert messenger.calls == []
    assert (await _slot(db, first.id or 0)).state is SlotState.unknown


async def test_a_rate_limited_reminder_is_sent_once_after_the_wait(db: Database) -> None:
    services, messenger, org, first = await _with_cadence(db)
    messenger.fail("send", "ratelimited", retry_after=0.01)

    await services.tick.run(tokyo(6, 2, 10))
    await services.tick.run(tokyo(6, 2, 10, 1))

    assert [e.retry_after for _, e in messenger.refused] == [0.01]
    assert messenger.sent == [(id_of(org.member), messenger.notices(MemberReminder)[0])]
    sent = [d for d in await rows(db, Delivery) if d.kind == "sched.member_reminder"]
    assert [d.status for d in sent if d.slot_id == first.id] == [DeliveryStatus.sent]


# --- answering "did it happen?" ------------------------------------------------------------------


async def test_held_is_recorded_once_and_nothing_more_is_asked(db: Database) -> None:
    services, messenger, org, first = await _with_cadence(db)
    leader, member = id_of(org.leader), id_of(org.member)
    slot_id = first.id or 0
    answered = tokyo(6, 3, 10, 40)

    result = await services.schedule.answer(leader, slot_id, Outcome.held, now=answered)
    again = await services.schedule.answer(member, slot_id, Outcome.skipped, now=answered)

    assert (result.recorded, again.recorded) == (True, False)
    assert result.next_slot_at == FIRST + timedelta(weeks=1)
    stored = await _slot(db, slot_id)
    assert (stored.state, stored.answered_at) == (SlotState.held, answered)

    await services.tick.run(tokyo(6, 3, 10, 45))
    await services.tick.run(tokyo(6, 5, 10, 30))
    assert messenger.notices(DidItHappen) == []
    # A held 1on1 asks the member for a reflection instead.
    (request,) = messenger.notices(ReflectionRequest)
    assert messenger.sent == [(member, request)]
    assert request.slot_id == slot_id


async def test_skipped_nudges_both_to_find_a_time(db: Database) -> None:
    services, messenger, org, first = await _with_cadence(db)
    leader, member = id_of(org.leader), id_of(org.member)
    slot_id = first.id or 0

    await services.schedule.answer(member, slot_id, Outcome.skipped, now=tokyo(6, 3, 11))
    await services.tick.run(tokyo(6, 3, 11))

    assert (await _slot(db, slot_id)).state is SlotState.skipped
    nudged = {who: n for who, n in messenger.sent if isinstance(n, RescheduleNudge)}
    assert set(nudged) == {leader, member}
    assert nudged[leader] == RescheduleNudge(
        slot_id, "Mo", FIRST, FIRST + timedelta(weeks=1), for_leader=True
    )
    assert nudged[member].other_name == "Lea"
    assert not nudged[member].for_leader
    assert messenger.notices(DidItHappen) == []


async def test_a_moved_1on1_gets_a_new_slot_and_both_are_told(db: Database) -> None:
    services, messenger, org, first = await _with_cadence(db)
    leader, member = id_of(org.leader), id_of(org.member)
    slot_id = first.id or 0
    when = tokyo(6, 2, 12)

    moved = await services.schedule.move(member, slot_id, date(2031, 6, 5), time(15, 0), now=when)
    await services.tick.run(when)

    new_at = tokyo(6, 5, 15)
    assert (moved.recorded, moved.new_starts_at) == (True, new_at)
    old = await _slot(db, slot_id)
    assert (old.state, old.moved_to_slot_id) == (SlotState.moved, moved.new_slot_id)
    assert (await _slot(db, moved.new_slot_id)).state is SlotState.planned
    told = {who: n for who, n in messenger.sent if isinstance(n, SlotMoved)}
    assert told[leader] == SlotMoved(moved.new_slot_id, "Mo", FIRST, new_at, 30, for_leader=True)
    assert told[member] == SlotMoved(moved.new_slot_id, "Lea", FIRST, new_at, 30, for_leader=False)
    # The old slot's reminders are gone with it; the new one asks after its own end.
    messenger.clear()
    await services.tick.run(tokyo(6, 3, 10, 30))
    assert messenger.notices(DidItHappen) == []
    await services.tick.run(tokyo(6, 5, 15, 30))
    assert [n.slot_id for n in messenger.notices(DidItHappen)] == [moved.new_slot_id]


# --- refusals ------------------------------------------------------------------------------------


async def test_someone_outside_the_pair_can_do_nothing_to_its_schedule(db: Database) -> None:
    services, messenger, org, first = await _with_cadence(db)
    slot_id = first.id or 0
    before = [(s.id, s.starts_at, s.state) for s in await _slots(db)]

    for stranger in (id_of(org.outsider), id_of(org.other_member)):
        with pytest.raises(NotAllowed):
            await services.schedule.set_cadence(stranger, org.pair_id, WEEKLY, now=NOW)
        with pytest.raises(NotAllowed):
            await services.schedule.cadence_for(stranger, org.pair_id, now=NOW)
        with pytest.raises(NotAllowed):
            await services.schedule.slot_for_party(stranger, slot_id)
        with pytest.raises(NotAllowed):
            await services.schedule.answer(stranger, slot_id, Outcome.held, now=NOW)
        with pytest.raises(NotAllowed):
            await services.schedule.move(stranger, slot_id, date(2031, 6, 5), time(9), now=NOW)

    assert [(s.id, s.starts_at, s.state) for s in await _slots(db)] == before
    assert messenger.calls == []
