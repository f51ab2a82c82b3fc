"""Exactly-once handling of Slack events across retries and replicas."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from storage.db import Database
from storage.models import ProcessedEvent

# Slack gives up retrying an event after about an hour; a day is ample margin.
EVENT_MEMORY = timedelta(days=1)


class EventLedger:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def first_time(self, team_id: str, event_id: str, *, now: datetime) -> bool:
        """Record the event; True only for the first of any number of concurrent deliveries."""
        dialect_insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        stmt = (
            dialect_insert(ProcessedEvent)
            .values(team_id=team_id, event_id=event_id, received_at=now)
            .on_conflict_do_nothing()
        )
        async with self._db.write() as session:
            result = await session.exec(stmt)
            return bool(result.rowcount)

    async def forget_before(self, cutoff: datetime) -> int:
        async with self._db.write() as session:
            result = await session.exec(
                sa.delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < cutoff)
            )
            return int(result.rowcount)
