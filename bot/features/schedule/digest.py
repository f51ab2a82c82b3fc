"""The leader's digest, just before a 1on1: the member's picks with a hint per expected
response, open action items, the last "next focus", and a couple of tips.

It goes to the leader of the pair only (a direct message), never anywhere else: it holds the
member's picks and notes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.picks import Pick, pick_from
from bot.ports import Notice
from storage.db import Database
from storage.models import Agenda, AgendaItem, Pair, Person, Slot, Topic
from storage.queries import (
    DigestTip,
    OpenActionItem,
    TipsForDigest,
    last_next_focus,
    open_action_items,
)

logger = logging.getLogger("oneonone.digest")

MAX_TIPS = 2
# How many opening questions the catalog offers (schedule.opener.0 ... .N-1).
OPENERS = 5


@dataclass(frozen=True)
class LeaderDigest(Notice):
    slot_id: int
    pair_id: int
    member_name: str
    starts_at: datetime
    duration_minutes: int
    picks: tuple[Pick, ...]
    action_items: tuple[OpenActionItem, ...]
    next_focus: str | None
    tips: tuple[DigestTip, ...]
    # Which opening question to suggest when there are no picks (varies from slot to slot).
    opener: int


async def slot_picks(session: AsyncSession, pair_id: int, slot: Slot) -> list[Pick]:
    """The member's picks for this slot (or, before any were attached to it, the pair's
    unscheduled ones)."""
    # One query for what picks.py finds in two: the slot's own agenda first, else the
    # pair's unscheduled one.
    agenda = (
        await session.exec(
            select(Agenda)
            .where(
                Agenda.pair_id == pair_id,
                sa.or_(col(Agenda.slot_id) == slot.id, col(Agenda.slot_id).is_(None)),
            )
            .order_by(col(Agenda.slot_id).is_(None))
            .limit(1)
        )
    ).first()
    if agenda is None:
        return []
    rows = await session.exec(
        select(AgendaItem, Topic)
        .join(Topic, col(Topic.id) == AgendaItem.topic_id, isouter=True)
        .where(AgendaItem.agenda_id == agenda.id)
        .order_by(col(AgendaItem.position))
    )
    return [pick_from(item, topic) for item, topic in rows.all()]


# Made once: a fresh alias per call would miss SQLAlchemy's statement cache every time.
_LEADER = aliased(Person, name="leader")
_MEMBER = aliased(Person, name="member")


async def slot_context(
    session: AsyncSession, slot_id: int
) -> tuple[Slot, Pair, Person, Person] | None:
    """A slot with its pair, leader and member, in one query."""
    leader, member = _LEADER, _MEMBER
    row = (
        await session.exec(
            select(Slot, Pair, leader, member)
            .join(Pair, col(Pair.id) == Slot.pair_id)
            .join(leader, col(leader.id) == Pair.leader_id)
            .join(member, col(member.id) == Pair.member_id)
            .where(Slot.id == slot_id)
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


class DigestService:
    def __init__(self, db: Database, tips: TipsForDigest | None = None) -> None:
        self._db = db
        self._tips = tips

    async def for_slot(self, slot_id: int) -> tuple[Person, LeaderDigest] | None:
        """The pair's leader and the digest to send them; None when the slot is gone."""
        async with self._db.read() as session:
            found = await slot_context(session, slot_id)
            if found is None:
                return None
            slot, pair, leader, member = found
            assert slot.id is not None
            assert pair.id is not None
            assert leader.id is not None
            picks = await slot_picks(session, pair.id, slot)
            items = await open_action_items(session, pair.id)
            focus = await last_next_focus(session, pair.id)
        tips = await self._tips_for(leader.id, picks)
        return leader, LeaderDigest(
            slot_id=slot.id,
            pair_id=pair.id,
            member_name=member.name,
            starts_at=slot.starts_at,
            duration_minutes=slot.duration_minutes,
            picks=tuple(picks),
            action_items=tuple(items),
            next_focus=focus,
            tips=tuple(tips[:MAX_TIPS]),
            opener=slot.id % OPENERS,
        )

    async def _tips_for(self, leader_id: int, picks: list[Pick]) -> list[DigestTip]:
        if self._tips is None:
            return []
        try:
            return await self._tips(leader_id, [(p.topic_key, p.expectation.value) for p in picks])
        except Exception:
            # Tips are a bonus: the digest goes out without them rather than not at all.
            logger.exception("tips for the digest failed")
            return []
