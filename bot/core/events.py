"""Exactly-once handling of Slack events across retries and replicas."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col

from storage.db import Database
from storage.models import ProcessedEvent

logger = logging.getLogger("oneonone.events")

# Slack gives up retrying an event after about an hour; a day is ample margin.
EVENT_MEMORY = timedelta(days=1)

# What a team or event id can look like (Slack's are short ASCII words such as T0ABC and
# Ev0ABC); anything else must not reach the database, whose columns it would not fit.
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,32}")
_EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class EventLedger:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def first_time(self, team_id: str, event_id: str, *, now: datetime) -> bool:
        """Record the event; True only for the first of any number of concurrent deliveries.

        An event whose ids cannot be real is never run: False, with one warning."""
        if not (
            isinstance(team_id, str)
            and isinstance(event_id, str)
            and _ID.fullmatch(team_id)
            and _EVENT_ID.fullmatch(event_id)
        ):
            logger.warning("an event with a malformed team or event id was dropped")
            return False
        stmt = (
            self._db.insert(ProcessedEvent)
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
