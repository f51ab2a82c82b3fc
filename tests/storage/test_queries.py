"""Reads several features share, on SQLite and PostgreSQL: what they return and how the
database answers them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from storage.db import Database
from storage.models import Pair, Slot, SlotState
from storage.queries import next_planned_slot, next_planned_slot_query
from tests.e2e.helpers import now, seed_history


async def test_the_next_planned_slot_is_the_first_planned_one_from_now(db: Database) -> None:
    await seed_history(db, 40)
    async with db.read() as session:
        pair_id = (await session.exec(select(Pair.id))).one()
        assert pair_id is not None
        planned = (
            await session.exec(
                select(Slot.starts_at).where(
                    Slot.state == SlotState.planned, Slot.starts_at >= now()
                )
            )
        ).all()

        found = await next_planned_slot(session, pair_id, now())
        later = await next_planned_slot(session, pair_id, max(planned) + timedelta(seconds=1))

    assert found is not None
    assert found.starts_at == min(planned)
    assert later is None


async def test_the_next_planned_slot_is_one_seek_into_the_pair_index(db: Database) -> None:
    """However much history a pair has, its next slot is read from an index on the start, in
    order, without sorting or reading the table."""
    await seed_history(db, 4000)
    statement = next_planned_slot_query(1, datetime(2026, 1, 1, tzinfo=UTC))
    compiled = statement.compile(db.engine.sync_engine, compile_kwargs={"literal_binds": True})
    async with db.engine.connect() as conn:
        prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
        plan = str((await conn.execute(sa.text(f"{prefix}{compiled}"))).all())
    if db.is_sqlite:
        assert "SEARCH slot USING INDEX" in plan, plan
        assert "starts_at>?" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert "Index Scan" in plan, plan
        assert "Seq Scan" not in plan, plan
        assert "starts_at >=" in plan, plan
        assert "Sort" not in plan, plan
