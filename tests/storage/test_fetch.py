"""`Database.fetch_all`: the hot-path read returns what an ordinary execute returns."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

import storage.db as db_module
from storage.db import Database
from storage.models import Pair, PairKind, Person, Slot, SlotState

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


async def _pair(db: Database) -> tuple[int, int]:
    async with db.write() as session:
        leader = Person(email="lead@example.com", name="Lead", slack_id="U0LEAD")
        member = Person(email="mem@example.com", name="Mem", slack_id="U0MEM")
        session.add_all([leader, member])
        await session.flush()
        assert leader.id is not None
        assert member.id is not None
        pair = Pair(leader_id=leader.id, member_id=member.id, kind=PairKind.mentor)
        session.add(pair)
        await session.flush()
        assert pair.id is not None
        session.add(Slot(pair_id=pair.id, starts_at=NOW + timedelta(days=1)))
        return pair.id, member.id


async def test_rows_match_an_ordinary_execute(db: Database) -> None:
    pair_id, _ = await _pair(db)
    pair, slot = Pair.__table__, Slot.__table__  # type: ignore[attr-defined]
    statement = (
        sa.select(pair.c.id, pair.c.kind, pair.c.active, slot.c.starts_at, slot.c.state)
        .join(slot, slot.c.pair_id == pair.c.id)
        .where(pair.c.id == sa.bindparam("pair_id"), slot.c.starts_at >= sa.bindparam("now"))
    )
    async with db.engine.connect() as conn:
        expected = [
            tuple(r) for r in await conn.execute(statement, {"pair_id": pair_id, "now": NOW})
        ]
    (rows,) = await db.fetch_all((statement, {"pair_id": pair_id, "now": NOW}))
    assert rows == expected
    assert rows == [(pair_id, PairKind.mentor, True, NOW + timedelta(days=1), SlotState.planned)]
    assert rows[0][3].tzinfo is not None


async def test_a_committed_write_is_seen_by_the_next_read(db: Database) -> None:
    _, member_id = await _pair(db)
    person = Person.__table__  # type: ignore[attr-defined]
    statement = sa.select(person.c.name).where(person.c.id == sa.bindparam("id"))
    assert await db.fetch(statement, {"id": member_id}) == [("Mem",)]
    async with db.write() as session:
        await session.exec(sa.update(person).where(person.c.id == member_id).values(name="New"))
    assert await db.fetch(statement, {"id": member_id}) == [("New",)]


# --- SQLite: on the calling thread, with the reader thread as fallback ----------------------


def _name_statement() -> sa.Select[Any]:
    person = Person.__table__  # type: ignore[attr-defined]
    return sa.select(person.c.name).where(person.c.id == sa.bindparam("id"))


async def test_sqlite_reads_run_on_the_calling_thread(sqlite_db: Database) -> None:
    _, member_id = await _pair(sqlite_db)

    assert await sqlite_db.fetch(_name_statement(), {"id": member_id}) == [("Mem",)]
    assert sqlite_db._reader_pool is None  # no trip to another thread


async def test_a_busy_database_sends_the_read_to_the_reader_thread(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, member_id = await _pair(sqlite_db)

    class Busy:
        def execute(self, *_: Any) -> Any:
            raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(sqlite_db, "_local_reader", Busy)

    assert await sqlite_db.fetch(_name_statement(), {"id": member_id}) == [("Mem",)]
    assert sqlite_db._reader_pool is not None


async def test_other_sqlite_errors_are_not_hidden(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        def execute(self, *_: Any) -> Any:
            raise sqlite3.OperationalError("no such table: person")

    monkeypatch.setattr(sqlite_db, "_local_reader", Broken)

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await sqlite_db.fetch(_name_statement(), {"id": 1})


async def test_a_slow_read_moves_to_the_reader_thread_for_good(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, member_id = await _pair(sqlite_db)
    monkeypatch.setattr(db_module, "SYNC_READ_BUDGET_S", 0.0)

    for _ in range(db_module.SLOW_READS_TO_MOVE):
        assert await sqlite_db.fetch(_name_statement(), {"id": member_id}) == [("Mem",)]
    assert sqlite_db._reader_pool is None  # these ran here, and were found slow
    monkeypatch.setattr(db_module, "SYNC_READ_BUDGET_S", 10.0)
    assert await sqlite_db.fetch(_name_statement(), {"id": member_id}) == [("Mem",)]
    assert sqlite_db._reader_pool is not None


async def test_one_slow_read_is_a_hiccup_not_a_verdict(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, member_id = await _pair(sqlite_db)
    monkeypatch.setattr(db_module, "SYNC_READ_BUDGET_S", 0.0)
    await sqlite_db.fetch(_name_statement(), {"id": member_id})
    monkeypatch.setattr(db_module, "SYNC_READ_BUDGET_S", 10.0)
    for _ in range(db_module.SLOW_READS_TO_MOVE):
        await sqlite_db.fetch(_name_statement(), {"id": member_id})
    assert sqlite_db._reader_pool is None


async def test_an_in_memory_database_still_works() -> None:
    memory = Database("sqlite:///:memory:")
    try:
        async with memory.engine.connect() as conn:
            rows = await conn.execute(sa.text("SELECT 1"))
            assert rows.scalar_one() == 1
        assert await memory.fetch(sa.select(sa.literal(2))) == [(2,)]
    finally:
        await memory.dispose()
