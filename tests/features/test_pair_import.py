"""The pairs import and programme defaults, against SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.features.org import ensure_builtin_catalog, import_org
from bot.features.org.pair_import import (
    PairImportError,
    PairImportReport,
    import_pairs,
    import_pairs_file,
)
from bot.features.schedule import PairEnds
from bot.features.schedule.programs import program_rule
from storage.db import Database
from storage.models import Pair, PairKind, Person, Slot, SlotState, TopicSet
from tests.fakes import FakeMessenger, services_with

TOKYO = ZoneInfo("Asia/Tokyo")
# Thursday 20 March 2031, noon in Tokyo.
NOW = datetime(2031, 3, 20, 12, 0, tzinfo=TOKYO)

ORG_HEADER = "email,name,department,manager_email,slack_id,teams_id,role,locale,timezone"
ORG = [
    "boss@example.com,Boss,営業部,,U001,,,,Asia/Tokyo",
    "sato@example.com,Sato,営業部,boss@example.com,U002,,,,",
    "kato@example.com,Kato,営業部,boss@example.com,U003,,,,",
    "ito@example.com,Ito,開発部,,U004,,,,",
]

HEADER = "leader_email,member_email,kind,program,topic_set,starts_on,ends_on"
SENIOR = "kato@example.com,sato@example.com,senior,new_hire,,2031-04-01,"
MANAGER = "boss@example.com,sato@example.com,manager,new_hire,,2031-04-01,"
MENTOR = "ito@example.com,kato@example.com,mentor,mentoring,common,,"
PEER = "ito@example.com,sato@example.com,peer,,,,"


def tokyo(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, month, day, hour, minute, tzinfo=TOKYO)


def pairs_file(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
async def org(db: Database) -> Database:
    await ensure_builtin_catalog(db)
    await import_org(db, "\n".join([ORG_HEADER, *ORG]) + "\n")
    return db


async def run(db: Database, *rows: str, now: datetime = NOW) -> PairImportReport:
    return await import_pairs(db, pairs_file(*rows), now=now, timezone="Asia/Tokyo")


async def refused(db: Database, *rows: str) -> list[tuple[int, str]]:
    with pytest.raises(PairImportError) as caught:
        await run(db, *rows)
    return [(e.line, e.reason) for e in caught.value.errors]


async def stored_pairs(db: Database) -> dict[tuple[str, str, PairKind], Pair]:
    async with db.read() as session:
        emails = {p.id: p.email.split("@")[0] for p in (await session.exec(select(Person))).all()}
        pairs = (await session.exec(select(Pair))).all()
    return {(emails[p.leader_id], emails[p.member_id], p.kind): p for p in pairs}


async def topic_set_key(db: Database, topic_set_id: int | None) -> str | None:
    if topic_set_id is None:
        return None
    async with db.read() as session:
        found = await session.get(TopicSet, topic_set_id)
    assert found is not None
    return found.key


async def dump(db: Database) -> list[dict[str, Any]]:
    async with db.read() as session:
        return [p.model_dump() for p in (await session.exec(select(Pair).order_by(col(Pair.id))))]


async def slot_starts(db: Database, pair_id: int | None) -> list[datetime]:
    async with db.read() as session:
        slots = (
            await session.exec(
                select(Slot)
                .where(Slot.pair_id == pair_id, Slot.state == SlotState.planned)
                .order_by(col(Slot.starts_at))
            )
        ).all()
    return [s.starts_at.astimezone(TOKYO) for s in slots]


# --- importing ------------------------------------------------------------------------------


async def test_creates_pairs_of_every_kind_with_their_topic_sets(org: Database) -> None:
    db = org
    report = await run(db, SENIOR, MANAGER, MENTOR, PEER)

    # The org import already made boss -> sato a manager pair: it is updated, not duplicated.
    assert report == PairImportReport(created=3, updated=1)
    pairs = await stored_pairs(db)
    assert len(pairs) == 5  # the four rows and boss -> kato, which the file leaves alone
    senior = pairs[("kato", "sato", PairKind.senior)]
    assert (senior.program, senior.starts_on, senior.ends_on, senior.active) == (
        "new_hire",
        date(2031, 4, 1),
        None,
        True,
    )
    # The topic set: the column, else the programme's, else none (the department's).
    assert await topic_set_key(db, senior.topic_set_id) == "program:new_hire"
    mentor = pairs[("ito", "kato", PairKind.mentor)]
    assert await topic_set_key(db, mentor.topic_set_id) == "common"
    assert pairs[("ito", "sato", PairKind.peer)].topic_set_id is None
    assert pairs[("ito", "sato", PairKind.peer)].program is None
    assert pairs[("boss", "sato", PairKind.manager)].program == "new_hire"
    assert pairs[("boss", "kato", PairKind.manager)].program is None


async def test_a_reimport_changes_nothing_then_updates_in_place(org: Database) -> None:
    db = org
    await run(db, SENIOR, MENTOR, PEER)
    before = await dump(db)

    again = await run(db, SENIOR, MENTOR, PEER)

    assert again == PairImportReport(unchanged=3)
    assert await dump(db) == before

    changed = await run(db, SENIOR.replace(",,2031-04-01,", ",,2031-04-01,2031-09-30"), PEER)

    assert changed == PairImportReport(updated=1, unchanged=1)
    pairs = await stored_pairs(db)
    assert len(pairs) == len(before)
    assert pairs[("kato", "sato", PairKind.senior)].ends_on == date(2031, 9, 30)


async def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(
    org: Database,
) -> None:
    db = org
    before = await dump(db)

    problems = await refused(
        db,
        SENIOR,  # line 2: fine
        "kato@example.com,nobody@example.com,peer,,,,",  # 3
        "sato@example.com,sato@example.com,peer,,,,",  # 4
        "kato@example.com,ito@example.com,buddy,,,,",  # 5
        "kato@example.com,ito@example.com,peer,onboarding,,,",  # 6
        "kato@example.com,ito@example.com,peer,,dept:nowhere,,",  # 7
        "kato@example.com,ito@example.com,peer,,,2031-02-30,",  # 8
        "kato@example.com,ito@example.com,mentor,,,2031-05-01,2031-04-30",  # 9
        SENIOR.replace("2031-04-01", "2031-05-01"),  # 10: the same pair again
        "not-an-email,ito@example.com,peer,,,,",  # 11
    )

    assert problems == [
        (3, "unknown_person"),
        (4, "self_pair"),
        (5, "bad_kind"),
        (6, "bad_program"),
        (7, "unknown_topic_set"),
        (8, "bad_date"),
        (9, "ends_before_start"),
        (10, "duplicate_pair"),
        (11, "invalid_email"),
    ]
    assert await dump(db) == before


async def test_a_missing_column_is_reported_on_the_header(org: Database) -> None:
    with pytest.raises(PairImportError) as caught:
        await import_pairs(org, "leader_email,member_email,kind\n", now=NOW, timezone="Asia/Tokyo")
    assert {(e.line, e.reason, e.detail) for e in caught.value.errors} == {
        (1, "missing_column", c) for c in ("program", "topic_set", "starts_on", "ends_on")
    }


async def test_a_file_with_a_bom_is_read(org: Database, tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_bytes(pairs_file(PEER).encode("utf-8-sig"))

    report = await import_pairs_file(org, path, now=NOW, timezone="Asia/Tokyo")

    assert report == PairImportReport(created=1)


# --- the last day -----------------------------------------------------------------------------


async def test_a_past_last_day_closes_the_pair_and_keeps_its_slots(org: Database) -> None:
    db = org
    services = services_with(db, FakeMessenger(), at=NOW)
    await run(db, PEER)
    pair = (await stored_pairs(db))[("ito", "sato", PairKind.peer)]
    await services.schedule.set_cadence_rule(
        pair.id or 0,
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
        duration_minutes=30,
        timezone=None,
        now=NOW - timedelta(weeks=3),
    )
    planned = await slot_starts(db, pair.id)
    assert planned

    # The day before yesterday is over in Tokyo: the pair closes now.
    report = await run(db, PEER.replace(",,,,", ",,,,2031-03-18"))

    assert report == PairImportReport(updated=1, closed=1)
    closed = (await stored_pairs(db))[("ito", "sato", PairKind.peer)]
    assert (closed.active, closed.ends_on) == (False, date(2031, 3, 18))
    assert await slot_starts(db, pair.id) == planned  # history kept

    # Today is still the pair's last day: it stays open.
    reopened = await run(db, PEER.replace(",,,,", ",,,,2031-03-20"))
    assert reopened == PairImportReport(updated=1)
    assert (await stored_pairs(db))[("ito", "sato", PairKind.peer)].active


async def test_a_later_last_day_stops_planning_and_the_tick_closes_the_pair(
    org: Database,
) -> None:
    db = org
    services = services_with(db, FakeMessenger(), at=NOW)
    await run(db, SENIOR.replace(",,2031-04-01,", ",,2031-04-01,2031-04-15"))
    assert await services.schedule.apply_program_defaults(now=NOW) == 1
    pair = (await stored_pairs(db))[("kato", "sato", PairKind.senior)]

    # Weekly on Tuesdays from 1 April; nothing after the last day, however often topped up.
    await services.schedule.enqueue_due(tokyo(4, 10, 9))
    assert await slot_starts(db, pair.id) == [tokyo(4, 1, 10), tokyo(4, 8, 10), tokyo(4, 15, 10)]

    ends = PairEnds(db, "Asia/Tokyo")
    await ends.enqueue_due(tokyo(4, 15, 23, 59))
    assert (await stored_pairs(db))[("kato", "sato", PairKind.senior)].active
    await ends.enqueue_due(tokyo(4, 16, 0, 1))
    closed = (await stored_pairs(db))[("kato", "sato", PairKind.senior)]
    assert closed.active is False
    assert len(await slot_starts(db, pair.id)) == 3  # kept


async def test_planning_stops_at_the_last_day_even_for_a_rule_without_an_end(
    org: Database,
) -> None:
    db = org
    services = services_with(db, FakeMessenger(), at=NOW)
    await run(db, PEER.replace(",,,,", ",,,,2031-04-09"))
    pair = (await stored_pairs(db))[("ito", "sato", PairKind.peer)]

    result = await services.schedule.set_cadence_rule(
        pair.id or 0,
        "FREQ=WEEKLY;BYDAY=WE;BYHOUR=10;BYMINUTE=0",
        duration_minutes=30,
        timezone=None,
        now=NOW,
    )

    assert result.planned == 3  # 26 March, 2 and 9 April
    assert await slot_starts(db, pair.id) == [tokyo(3, 26, 10), tokyo(4, 2, 10), tokyo(4, 9, 10)]
    async with db.read() as session:
        stored = await session.get(Pair, pair.id)
    assert stored is not None
    assert stored.materialized_until is None  # nothing left to top up


# --- programme defaults -----------------------------------------------------------------------


async def test_programme_defaults_start_on_the_first_day_with_their_until(org: Database) -> None:
    db = org
    services = services_with(db, FakeMessenger(), at=NOW)
    await run(db, SENIOR, MANAGER, MENTOR, PEER)

    applied = await services.schedule.apply_program_defaults(now=NOW)

    assert applied == 3  # the peer pair has no programme
    pairs = await stored_pairs(db)
    senior = pairs[("kato", "sato", PairKind.senior)]
    assert senior.rrule == (
        "DTSTART:20310401T100000\nRRULE:FREQ=WEEKLY;UNTIL=20310701T100000;BYDAY=TU"
    )
    assert (senior.duration_minutes, senior.timezone) == (30, "Asia/Tokyo")
    assert (await slot_starts(db, senior.id))[:2] == [tokyo(4, 1, 10), tokyo(4, 8, 10)]
    # Topped up later, the weekly 1on1s stop after three months.
    for month in (5, 6, 7, 8):
        await services.schedule.enqueue_due(tokyo(month, 1, 9))
    starts = await slot_starts(db, senior.id)
    assert starts[-1] == tokyo(7, 1, 10)
    assert len(starts) == 14

    manager = pairs[("boss", "sato", PairKind.manager)]
    assert manager.rrule == "DTSTART:20310401T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert (await slot_starts(db, manager.id))[:2] == [tokyo(4, 1, 10), tokyo(4, 15, 10)]

    # No first day: the next working day (Friday 21 March is a public holiday in Japan, so
    # Monday 24 March), then monthly on that weekday of the month, 45 minutes.
    mentor = pairs[("ito", "kato", PairKind.mentor)]
    assert mentor.rrule == "DTSTART:20310324T100000\nRRULE:FREQ=MONTHLY;BYDAY=+4MO"
    assert mentor.duration_minutes == 45
    assert pairs[("ito", "sato", PairKind.peer)].rrule is None

    # Applying again changes nothing.
    assert await services.schedule.apply_program_defaults(now=NOW) == 0


async def test_a_pair_with_a_cadence_keeps_it(org: Database) -> None:
    db = org
    services = services_with(db, FakeMessenger(), at=NOW)
    await run(db, SENIOR)
    pair = (await stored_pairs(db))[("kato", "sato", PairKind.senior)]
    own = await services.schedule.set_cadence_rule(
        pair.id or 0,
        "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15;BYMINUTE=0",
        duration_minutes=60,
        timezone=None,
        now=NOW,
    )

    assert await services.schedule.apply_program_defaults(now=NOW) == 0

    kept = (await stored_pairs(db))[("kato", "sato", PairKind.senior)]
    assert (kept.rrule, kept.duration_minutes) == (own.rule, 60)
    # And a re-import does not touch it either.
    assert await run(db, SENIOR) == PairImportReport(unchanged=1)


def test_a_default_never_runs_past_the_last_day() -> None:
    from bot.features.schedule import PROGRAM_CADENCES

    senior = PROGRAM_CADENCES[("new_hire", PairKind.senior)]
    mentor = PROGRAM_CADENCES[("mentoring", PairKind.mentor)]

    assert program_rule(senior, date(2031, 4, 1), date(2031, 5, 31)) == (
        "DTSTART:20310401T100000\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20310531T235959"
    )
    assert program_rule(mentor, date(2031, 4, 29), None) == (
        "DTSTART:20310429T100000\nRRULE:FREQ=MONTHLY;BYDAY=-1TU"
    )
