"""Data migrations, on SQLite and PostgreSQL: rows written under an old revision arrive intact."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection
from sqlmodel import col, select

from storage.db import Database
from storage.migrate import alembic_config, current_revision, upgrade
from storage.models import (
    ActionItem,
    Agenda,
    MemoEntry,
    Pair,
    PairKind,
    Slot,
    Tip,
    Topic,
    TopicSet,
)

BEFORE_MESSAGE_REFS = "0004_merge"
MESSAGE_REFS = "0005_message_refs"
PAIR_PROGRAMS = "0006_pair_programs"
TOPIC_CATALOGS = "0009_topic_catalogs"

# Rows as revision 0004 wrote them, by Slack's (channel, ts) columns. Each table gets one row
# with a ref and one without; ids are given so the checks below can find them.
OLD_ROWS = [
    "INSERT INTO person (id, email, name, department, slack_id, role, active, created_at, "
    "updated_at) VALUES (1, 'lead@example.com', 'Lead', '', 'ULEAD', 'member', true, "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), (2, 'mem@example.com', 'Mem', '', 'UMEM', "
    "'member', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO pair (id, leader_id, member_id, kind, duration_minutes, active, created_at) "
    "VALUES (1, 1, 2, 'manager', 30, true, CURRENT_TIMESTAMP)",
    "INSERT INTO slot (id, pair_id, starts_at, duration_minutes, state, created_at, "
    "memo_channel, memo_thread_ts) VALUES "
    "(1, 1, CURRENT_TIMESTAMP, 30, 'held', CURRENT_TIMESTAMP, 'G0MEMO', '1700000000.000100'), "
    "(2, 1, CURRENT_TIMESTAMP + INTERVAL_DAY, 30, 'planned', CURRENT_TIMESTAMP, NULL, NULL)",
    "INSERT INTO agenda (id, pair_id, slot_id, created_at, updated_at, leader_notice_claimed, "
    "leader_notice_channel, leader_notice_ts) VALUES "
    "(1, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, true, 'D0LEAD', '1700000001.000200'), "
    "(2, 1, 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, false, NULL, NULL)",
    "INSERT INTO memo_entry (id, slot_id, author_id, text, kind, channel, ts, created_at) "
    "VALUES (1, 1, 2, 'from the thread', 'point', 'G0MEMO', '1700000002.000300', "
    "CURRENT_TIMESTAMP), (2, 1, 1, 'from the modal', 'next_focus', NULL, NULL, "
    "CURRENT_TIMESTAMP)",
    "INSERT INTO action_item (id, pair_id, slot_id, owner_id, created_by_id, text, created_at, "
    "source_channel, source_ts) VALUES "
    "(1, 1, 1, 2, 1, 'from a memo', CURRENT_TIMESTAMP, 'G0MEMO', '1700000002.000300'), "
    "(2, 1, NULL, 1, 1, 'typed', CURRENT_TIMESTAMP, NULL, NULL)",
    "INSERT INTO tip (id, author_id, starter, title, body, locale, helpful_count, channel, ts, "
    "created_at, updated_at) VALUES "
    "(1, 1, false, 'posted', 'b', 'ja', 0, 'C0MANAGERS', '1700000003.000400', "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
    "(2, 1, false, 'not yet', 'b', 'ja', 0, NULL, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
]


@pytest.fixture
async def old_db(empty_database_url: str) -> AsyncIterator[Database]:
    """A database at the revision before message refs, with rows in every table they touch."""
    db = Database(empty_database_url)
    await upgrade(db, BEFORE_MESSAGE_REFS)
    day = "datetime(CURRENT_TIMESTAMP, '+1 day')" if db.is_sqlite else "interval '1 day'"
    async with db.engine.begin() as conn:
        for statement in OLD_ROWS:
            if db.is_sqlite:
                statement = statement.replace("CURRENT_TIMESTAMP + INTERVAL_DAY", day)
            else:
                statement = statement.replace("INTERVAL_DAY", day)
            await conn.execute(sa.text(statement))
    yield db
    await db.dispose()


def _refs(row: Any, prefix: str = "") -> tuple[str | None, str | None, str | None]:
    return (
        getattr(row, f"{prefix}platform"),
        getattr(row, f"{prefix}conversation"),
        getattr(row, f"{prefix}message_id"),
    )


async def test_message_refs_keep_every_slack_ref(old_db: Database) -> None:
    db = old_db
    assert await current_revision(db) == BEFORE_MESSAGE_REFS

    await upgrade(db, MESSAGE_REFS)

    assert await current_revision(db) == MESSAGE_REFS
    async with db.read() as session:
        slots = (await session.exec(select(Slot).order_by(col(Slot.id)))).all()
        agendas = (await session.exec(select(Agenda).order_by(col(Agenda.id)))).all()
        entries = (await session.exec(select(MemoEntry).order_by(col(MemoEntry.id)))).all()
        items = (await session.exec(select(ActionItem).order_by(col(ActionItem.id)))).all()
        tips = (await session.exec(select(Tip).order_by(col(Tip.id)))).all()
    assert [_refs(s, "memo_") for s in slots] == [
        ("slack", "G0MEMO", "1700000000.000100"),
        (None, None, None),
    ]
    assert [_refs(a, "leader_notice_") for a in agendas] == [
        ("slack", "D0LEAD", "1700000001.000200"),
        (None, None, None),
    ]
    assert [(a.slot_id, a.leader_notice_claimed) for a in agendas] == [(1, True), (2, False)]
    assert [_refs(e) for e in entries] == [
        ("slack", "G0MEMO", "1700000002.000300"),
        (None, None, None),
    ]
    assert [(e.text, e.kind, e.author_id) for e in entries] == [
        ("from the thread", "point", 2),
        ("from the modal", "next_focus", 1),
    ]
    assert [_refs(i, "source_") for i in items] == [
        ("slack", "G0MEMO", "1700000002.000300"),
        (None, None, None),
    ]
    assert [(i.text, i.slot_id) for i in items] == [("from a memo", 1), ("typed", None)]
    assert [_refs(t) for t in tips] == [
        ("slack", "C0MANAGERS", "1700000003.000400"),
        (None, None, None),
    ]
    assert [t.title for t in tips] == ["posted", "not yet"]


async def test_message_refs_keep_the_indexes_and_their_rules(old_db: Database) -> None:
    db = old_db
    await upgrade(db, MESSAGE_REFS)

    def index_names(conn: Connection) -> dict[str, set[str]]:
        inspector = sa.inspect(conn)
        names: dict[str, set[str]] = {}
        for table in ("slot", "memo_entry", "action_item", "tip"):
            found = {str(i["name"]) for i in inspector.get_indexes(table)}
            found |= {str(u["name"]) for u in inspector.get_unique_constraints(table)}
            names[table] = found
        return names

    async with db.engine.connect() as conn:
        if db.is_sqlite:
            # The inspector skips expression indexes on SQLite; ask the catalog instead.
            rows = await conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'agenda'"
            )
            agenda_indexes = {str(r[0]) for r in rows}
        else:
            rows = await conn.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'agenda'"
            )
            agenda_indexes = {str(r[0]) for r in rows}
        names = await conn.run_sync(index_names)

    assert {"ix_slot_memo_due", "ix_slot_memo_message_id"} <= names["slot"]
    assert "uq_agenda_pair_slot" in agenda_indexes
    assert "uq_memo_entry_message" in names["memo_entry"]
    assert "uq_action_item_source" in names["action_item"]
    # The rules those indexes carry still hold on the moved rows.
    for duplicate in (
        "INSERT INTO agenda (pair_id, slot_id, created_at, updated_at, leader_notice_claimed) "
        "VALUES (1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, false)",
        "INSERT INTO memo_entry (slot_id, author_id, text, kind, platform, conversation, "
        "message_id, created_at) VALUES (1, 1, 'again', 'point', 'slack', 'G0MEMO', "
        "'1700000002.000300', CURRENT_TIMESTAMP)",
        "INSERT INTO action_item (pair_id, owner_id, created_by_id, text, created_at, "
        "source_platform, source_conversation, source_message_id) VALUES (1, 1, 1, 'again', "
        "CURRENT_TIMESTAMP, 'slack', 'G0MEMO', '1700000002.000300')",
    ):
        with pytest.raises(sa.exc.IntegrityError):
            async with db.engine.begin() as conn:
                await conn.execute(sa.text(duplicate))


async def test_message_refs_hold_teams_sized_ids(old_db: Database) -> None:
    db = old_db
    await upgrade(db, MESSAGE_REFS)
    conversation = "19:" + "a" * 300 + "@thread.v2"
    message_id = "1:" + "b" * 120

    async with db.write() as session:
        tip = await session.get(Tip, 2)
        assert tip is not None
        tip.platform, tip.conversation, tip.message_id = "teams", conversation, message_id
        session.add(tip)

    async with db.read() as session:
        stored = await session.get(Tip, 2)
    assert stored is not None
    assert _refs(stored) == ("teams", conversation, message_id)


async def test_message_refs_refuse_to_downgrade(old_db: Database) -> None:
    db = old_db
    await upgrade(db, MESSAGE_REFS)

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), BEFORE_MESSAGE_REFS)

    with pytest.raises(RuntimeError, match="cannot be downgraded"):
        async with db.engine.begin() as conn:
            await conn.run_sync(downgrade)

    assert await current_revision(db) == MESSAGE_REFS
    async with db.read() as session:
        slot = await session.get(Slot, 1)
    assert slot is not None
    assert _refs(slot, "memo_") == ("slack", "G0MEMO", "1700000000.000100")


# --- 0006: pair programs ----------------------------------------------------------------------


async def test_pair_programs_keep_existing_pairs_open(old_db: Database) -> None:
    db = old_db
    await upgrade(db, MESSAGE_REFS)

    await upgrade(db, PAIR_PROGRAMS)

    assert await current_revision(db) == PAIR_PROGRAMS
    async with db.read() as session:
        pair = await session.get(Pair, 1)
        slots = (await session.exec(select(Slot).where(Slot.pair_id == 1))).all()
    assert pair is not None
    assert (pair.leader_id, pair.member_id, pair.kind, pair.active) == (
        1,
        2,
        PairKind.manager,
        True,
    )
    assert (pair.program, pair.starts_on, pair.ends_on) == (None, None, None)
    assert len(slots) == 2

    async with db.write() as session:
        stored = await session.get(Pair, 1)
        assert stored is not None
        stored.program = "new_hire"
        stored.starts_on, stored.ends_on = date(2027, 4, 1), date(2027, 6, 30)
        session.add(stored)
    async with db.read() as session:
        again = await session.get(Pair, 1)
    assert again is not None
    assert (again.program, again.starts_on, again.ends_on) == (
        "new_hire",
        date(2027, 4, 1),
        date(2027, 6, 30),
    )


async def test_pair_programs_downgrade_keeps_the_pairs(old_db: Database) -> None:
    db = old_db
    await upgrade(db)

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), MESSAGE_REFS)

    async with db.engine.connect() as conn:
        if db.is_sqlite:  # batch mode copies the table: foreign keys off, as `upgrade` does
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.commit()
        async with conn.begin():
            await conn.run_sync(downgrade)
        if db.is_sqlite:
            await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            await conn.commit()

    assert await current_revision(db) == MESSAGE_REFS
    async with db.engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT leader_id, member_id FROM pair"))).all()
        columns = await conn.run_sync(
            lambda sync: {c["name"] for c in sa.inspect(sync).get_columns("pair")}
        )
    assert [tuple(r) for r in rows] == [(1, 2)]
    assert not {"program", "starts_on", "ends_on"} & columns


# --- 0009: topic catalogs ---------------------------------------------------------------------


def _downgrade_to(db: Database, revision: str) -> Any:
    async def run() -> None:
        def downgrade(connection: Connection) -> None:
            command.downgrade(alembic_config(connection), revision)

        async with db.engine.connect() as conn:
            if db.is_sqlite:  # batch mode copies the table: foreign keys off, as `upgrade` does
                await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                await conn.commit()
            async with conn.begin():
                await conn.run_sync(downgrade)
            if db.is_sqlite:
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                await conn.commit()

    return run()


async def test_topic_catalogs_take_every_stored_topic_as_shipped_and_unchanged(
    old_db: Database,
) -> None:
    db = old_db
    await upgrade(db, PAIR_PROGRAMS)
    async with db.engine.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO topic_set (id, key, kind, name_ja, name_en, builtin) "
                "VALUES (1, 'common', 'common', '標準', 'Standard', true)"
            )
        )
        await conn.execute(
            sa.text(
                "INSERT INTO topic (id, topic_set_id, key, label_ja, label_en, position, "
                "continuing, active) VALUES (1, 1, 'work', '業務', 'Work', 0, false, false)"
            )
        )

    await upgrade(db, TOPIC_CATALOGS)

    async with db.read() as session:
        topic = await session.get(Topic, 1)
        topic_set = await session.get(TopicSet, 1)
    assert topic is not None
    assert topic_set is not None
    assert (topic.label_ja, topic.active, topic.shipped, topic.org_fields) == (
        "業務",
        False,
        True,
        "",
    )
    assert topic_set.org_fields == ""

    await _downgrade_to(db, PAIR_PROGRAMS)

    async with db.engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT key, label_ja FROM topic"))).all()
        columns = await conn.run_sync(
            lambda sync: {c["name"] for c in sa.inspect(sync).get_columns("topic")}
        )
    assert [tuple(r) for r in rows] == [("work", "業務")]
    assert not {"shipped", "org_fields"} & columns
