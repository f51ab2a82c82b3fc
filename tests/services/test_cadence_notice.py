"""'The cadence changed' is decided by the schedule service and sent through the Messenger."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.core.message import Text, present
from bot.features.org import PairService, PeopleService
from bot.features.schedule import (
    CadenceChanged,
    CadenceSpec,
    Frequency,
    ScheduleSettingsStore,
    SlotService,
)
from bot.features.schedule.slots import CadenceResult
from bot.ports import DeliveryFailed
from storage.db import Database
from storage.models import Person
from tests.fakes import FakeMessenger

SPEC = CadenceSpec(
    frequency=Frequency.weekly,
    weekday=1,
    at=time(10, 0),
    duration_minutes=30,
    timezone="Asia/Tokyo",
)


def _result(leader: Person, member: Person) -> CadenceResult:
    return CadenceResult(
        pair_id=5,
        leader=leader,
        member=member,
        rule="RRULE:FREQ=WEEKLY",
        timezone="Asia/Tokyo",
        duration_minutes=30,
        spec=SPEC,
        next_slot_at=datetime(2031, 5, 20, 1, 0, tzinfo=UTC),
        planned=4,
        replaced=0,
    )


async def test_the_other_person_is_told_whoever_changed_it(sqlite_db: Database) -> None:
    messenger = FakeMessenger()
    people = PeopleService(sqlite_db, default_locale="ja", default_timezone="Asia/Tokyo")
    service = SlotService(
        sqlite_db, people, ScheduleSettingsStore(sqlite_db), PairService(sqlite_db), messenger
    )
    leader = Person(id=1, email="l@example.com", name="Lea", slack_id="UL")
    member = Person(id=2, email="m@example.com", name="Mo", slack_id="UM")

    await service.tell_other(_result(leader, member), leader)
    await service.tell_other(_result(leader, member), member)

    expected = CadenceChanged(
        "Lea", SPEC, "RRULE:FREQ=WEEKLY", _result(leader, member).next_slot_at
    )
    assert messenger.sent[0] == (2, expected)
    assert messenger.sent[1][0] == 1


async def test_someone_without_a_chat_id_is_skipped(sqlite_db: Database) -> None:
    messenger = FakeMessenger()
    people = PeopleService(sqlite_db, default_locale="ja", default_timezone="Asia/Tokyo")
    service = SlotService(
        sqlite_db, people, ScheduleSettingsStore(sqlite_db), PairService(sqlite_db), messenger
    )

    async def refuse(person: Person, notice: object) -> None:
        raise DeliveryFailed("no_chat_id", permanent=True)

    messenger.send = refuse  # type: ignore[method-assign,assignment]
    leader = Person(id=1, email="l@example.com", name="Lea")
    member = Person(id=2, email="m@example.com", name="Mo")
    await service.tell_other(_result(leader, member), leader)


def test_the_notice_reads_in_the_readers_zone() -> None:
    notice = CadenceChanged("<Lea>", SPEC, "RRULE:FREQ=WEEKLY", None)
    message = present(notice, "en", "Europe/Paris")
    (text,) = message.body
    assert isinstance(text, Text)
    assert "&lt;Lea&gt;" in text.markup
    assert "(Asia/Tokyo)" in text.markup
    assert message.fallback == text.markup
