"""The backend-specific statements `Database` hands out, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import col

from storage.db import Database, insert_in
from storage.models import ProcessedEvent

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


async def test_an_insert_can_skip_a_row_that_exists(db: Database) -> None:
    row = {"team_id": "T1", "event_id": "Ev1", "received_at": NOW}
    async with db.write() as session:
        first = await session.exec(db.insert(ProcessedEvent).values(**row).on_conflict_do_nothing())
        again = await session.exec(
            insert_in(session, ProcessedEvent).values(**row).on_conflict_do_nothing()
        )

    assert (first.rowcount, again.rowcount) == (1, 0)


async def test_an_insert_can_update_the_row_that_exists(db: Database) -> None:
    later = datetime(2026, 11, 25, tzinfo=UTC)
    async with db.write() as session:
        for at in (NOW, later):
            stmt = db.insert(ProcessedEvent).values(team_id="T1", event_id="Ev1", received_at=at)
            await session.exec(
                stmt.on_conflict_do_update(
                    index_elements=["team_id", "event_id"],
                    set_={"received_at": stmt.excluded.received_at},
                )
            )
    stored = await db.fetch(sa.select(col(ProcessedEvent.received_at)))

    assert stored == [(later,)]


async def test_greatest_is_the_largest_value_of_a_row(db: Database) -> None:
    found = await db.fetch(sa.select(db.greatest(sa.literal(3) - 5, 0, -1)))

    assert found == [(0,)]
