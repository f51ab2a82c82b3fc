"""Engine, sessions, migrations and the UTC column, on SQLite and PostgreSQL (`db` fixture)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel, col, select

from storage.db import SQLITE_BUSY_TIMEOUT_MS, Database, async_url
from storage.migrate import alembic_config, current_revision
from storage.models import Person


async def add_person(db: Database, email: str, name: str = "0", **extra: Any) -> int:
    async with db.write() as session:
        person = Person(email=email, name=name, slack_id=email.split("@")[0].upper(), **extra)
        session.add(person)
        await session.flush()
        assert person.id is not None
        return person.id


async def get_person(db: Database, person_id: int) -> Person | None:
    async with db.read() as session:
        return await session.get(Person, person_id)


async def person_count(db: Database) -> int:
    async with db.read() as session:
        return len((await session.exec(select(Person))).all())


# --- async_url --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "driver", "database"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite", "x.db"),
        ("sqlite:////var/lib/oneonone/x.db", "sqlite+aiosqlite", "/var/lib/oneonone/x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite", "x.db"),
        ("postgresql://u:p@db.example.com:5433/one", "postgresql+asyncpg", "one"),
        ("postgres://u:p@db.example.com:5433/one", "postgresql+asyncpg", "one"),
        ("postgresql+psycopg2://u:p@db.example.com:5433/one", "postgresql+asyncpg", "one"),
    ],
)
def test_async_url_picks_the_async_driver(url: str, driver: str, database: str) -> None:
    result = async_url(url)

    assert result.drivername == driver
    assert result.database == database


def test_async_url_keeps_credentials_host_and_port() -> None:
    result = async_url("postgres://alice:s3cret@db.example.com:5433/one?sslmode=require")

    assert (result.username, result.password, result.host, result.port) == (
        "alice",
        "s3cret",
        "db.example.com",
        5433,
    )
    assert dict(result.query) == {"sslmode": "require"}


@pytest.mark.parametrize("url", ["mysql://root@localhost/one", "oracle://u:p@h/one"])
def test_async_url_rejects_other_databases(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        async_url(url)


# --- migrations ----------------------------------------------------------------------------------


async def test_migrations_match_the_models(db: Database) -> None:
    def diff(conn: Connection) -> list[Any]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, SQLModel.metadata))

    async with db.engine.connect() as conn:
        diffs = await conn.run_sync(diff)

    assert diffs == [], "models and migrations differ; add a migration"


async def test_database_is_at_the_head_revision(db: Database) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    assert head is not None
    assert await current_revision(db) == head


# --- UTCDateTime ---------------------------------------------------------------------------------


async def test_aware_datetime_round_trips_as_utc(db: Database) -> None:
    tokyo = datetime(2026, 11, 24, 10, 0, 0, 123000, tzinfo=ZoneInfo("Asia/Tokyo"))
    person_id = await add_person(db, "a@example.com", created_at=tokyo)

    person = await get_person(db, person_id)

    assert person is not None
    assert person.created_at == tokyo
    assert person.created_at.tzinfo is not None
    assert person.created_at.utcoffset() == timedelta(0)
    assert person.created_at == datetime(2026, 11, 24, 1, 0, 0, 123000, tzinfo=UTC)
    assert (person.created_at.hour, person.created_at.day) == (1, 24)


async def test_datetimes_compare_in_utc_in_queries(db: Database) -> None:
    # 09:00 Tokyo is before 01:00 London in November, though its clock reads later.
    early = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 00:00 UTC
    late = datetime(2026, 11, 24, 1, 0, tzinfo=ZoneInfo("Europe/London"))  # 01:00 UTC
    await add_person(db, "early@example.com", created_at=early)
    await add_person(db, "late@example.com", created_at=late)
    cutoff = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 00:30 UTC

    async with db.read() as session:
        after = (
            await session.exec(select(Person.email).where(col(Person.created_at) > cutoff))
        ).all()
        ordered = (await session.exec(select(Person.email).order_by(col(Person.created_at)))).all()

    assert list(after) == ["late@example.com"]
    assert list(ordered) == ["early@example.com", "late@example.com"]


async def test_naive_datetime_is_rejected(db: Database) -> None:
    naive = datetime(2026, 11, 24, 10, 0)  # noqa: DTZ001  (the point of the test)

    with pytest.raises((ValueError, sa.exc.StatementError), match="naive"):
        await add_person(db, "naive@example.com", created_at=naive)

    assert await person_count(db) == 0


# --- SQLite specifics ----------------------------------------------------------------------------


async def test_sqlite_wal_and_busy_timeout(sqlite_db: Database) -> None:
    db = sqlite_db
    async with db.read() as first, db.read() as second:
        # Two sessions hold two pooled connections: the pragmas are set on every one.
        for session in (first, second):
            conn = await session.connection()
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            busy = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
            foreign_keys = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar()
            assert str(journal).lower() == "wal"
            assert busy == SQLITE_BUSY_TIMEOUT_MS
            assert busy >= 1000
            assert foreign_keys == 1


def _try_reserve(path: str) -> str | None:
    """Try to take SQLite's write lock from another connection, without waiting."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return None
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        conn.close()


async def test_sqlite_write_takes_the_lock_up_front(sqlite_db: Database) -> None:
    db = sqlite_db
    assert db.url.database is not None
    path = db.url.database

    async with db.write() as session:
        await session.exec(select(Person))  # only reads so far
        held = _try_reserve(path)

    async with db.read() as session:
        await session.exec(select(Person))
        during_read = _try_reserve(path)

    assert held is not None, "write() must begin IMMEDIATE"
    assert "locked" in held
    assert during_read is None, "read() must not take the write lock"
    assert _try_reserve(path) is None, "the lock is released after the transaction"


# --- transactions --------------------------------------------------------------------------------


async def test_concurrent_read_modify_write_is_serialized(db: Database) -> None:
    person_id = await add_person(db, "counter@example.com", name="0")
    workers = 4
    read_values: list[int] = []

    async def increment() -> None:
        async with db.write() as session:
            stmt = select(Person).where(Person.id == person_id).with_for_update()
            person = (await session.exec(stmt)).one()
            value = int(person.name)
            read_values.append(value)
            # Give the other transactions every chance to interleave here.
            for _ in range(5):
                await asyncio.sleep(0)
            person.name = str(value + 1)
            session.add(person)

    results = await asyncio.wait_for(
        asyncio.gather(*(increment() for _ in range(workers)), return_exceptions=True),
        timeout=20,
    )

    assert [r for r in results if isinstance(r, BaseException)] == []
    person = await get_person(db, person_id)
    assert person is not None
    assert person.name == str(workers), "an update was lost"
    assert sorted(read_values) == list(range(workers)), "two transactions read the same value"


async def test_read_does_not_wait_for_an_open_write(db: Database) -> None:
    person_id = await add_person(db, "reader@example.com", name="before")

    async with db.write() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        person.name = "after"
        session.add(person)
        await session.flush()
        # Uncommitted: another session sees the old value, and is not blocked (WAL on SQLite).
        seen = await asyncio.wait_for(get_person(db, person_id), timeout=5)
        assert seen is not None
        assert seen.name == "before"

    committed = await get_person(db, person_id)
    assert committed is not None
    assert committed.name == "after"


class Boom(Exception):
    pass


async def test_write_rolls_back_on_exception(db: Database) -> None:
    kept_id = await add_person(db, "kept@example.com", name="kept")

    async def fail_half_way() -> None:
        async with db.write() as session:
            session.add(Person(email="lost@example.com", name="lost", slack_id="ULOST"))
            kept = await session.get(Person, kept_id)
            assert kept is not None
            kept.name = "changed"
            session.add(kept)
            await session.flush()
            raise Boom

    with pytest.raises(Boom):
        await fail_half_way()

    async with db.read() as session:
        emails = (await session.exec(select(Person.email))).all()
    assert list(emails) == ["kept@example.com"]
    kept_after = await get_person(db, kept_id)
    assert kept_after is not None
    assert kept_after.name == "kept"

    # The failed transaction released its lock: the next write goes through at once.
    await asyncio.wait_for(add_person(db, "next@example.com"), timeout=5)
    assert await person_count(db) == 2


async def test_write_commits_on_success(db: Database) -> None:
    await add_person(db, "one@example.com")

    other = Database(db.url.render_as_string(hide_password=False))
    try:
        async with other.read() as session:
            emails = (await session.exec(select(Person.email))).all()
    finally:
        await other.dispose()

    assert list(emails) == ["one@example.com"]


async def test_ping(db: Database) -> None:
    await db.ping()
    assert db.is_sqlite != db.is_postgresql
