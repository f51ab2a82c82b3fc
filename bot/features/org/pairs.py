"""A person's 1on1 relationships, as leader and as member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.org.entry import Entry, EntryRule, route_entry
from bot.features.org.people import PARTY_COLUMNS, Party
from storage.db import Database
from storage.models import Pair, PairKind, Person, Slot, SlotState, UTCDateTime


@dataclass(frozen=True)
class PairView:
    pair_id: int
    kind: PairKind
    leader_id: int
    leader_name: str
    member_id: int
    member_name: str
    next_slot_id: int | None
    next_slot_at: datetime | None


@dataclass(frozen=True)
class PairsOf:
    as_member: list[PairView]
    as_leader: list[PairView]


@dataclass(frozen=True)
class PairRow:
    """An active pair with both people and its next planned slot (if any)."""

    pair_id: int
    kind: PairKind
    topic_set_id: int | None
    leader: Party
    member: Party
    next_slot_id: int | None
    next_slot_at: datetime | None

    def view(self) -> PairView:
        return PairView(
            pair_id=self.pair_id,
            kind=self.kind,
            leader_id=self.leader.id,
            leader_name=self.leader.name,
            member_id=self.member.id,
            member_name=self.member.name,
            next_slot_id=self.next_slot_id,
            next_slot_at=self.next_slot_at,
        )


_PARTY_WIDTH = len(PARTY_COLUMNS)


@cache
def pair_rows_statement(by: str) -> sa.Select[Any]:
    """Built once per process: building this statement costs more than running it.

    Plain columns, no ORM entities: rows come back as tuples (see `rows_from`). ``active`` is
    checked in Python rather than in the WHERE clause: a person has a handful of pairs, and
    with it there SQLite walks every active pair instead of the leader / member indexes.
    """
    pair = Pair.__table__  # type: ignore[attr-defined]
    slot = Slot.__table__  # type: ignore[attr-defined]
    person = Person.__table__  # type: ignore[attr-defined]
    leader = person.alias("leader")
    member = person.alias("member")
    next_slot = slot.alias("next_slot")
    next_slot_id = (
        sa.select(slot.c.id)
        .where(
            slot.c.pair_id == pair.c.id,
            # CAST keeps SQLite (which has no statistics) on the (pair_id, starts_at) unique
            # index instead of walking every planned slot of every pair by (state, starts_at).
            sa.cast(slot.c.state, sa.String) == SlotState.planned.value,
            slot.c.starts_at >= sa.bindparam("now", type_=UTCDateTime()),
        )
        .order_by(slot.c.starts_at)
        .limit(1)
        .correlate(pair)
        .scalar_subquery()
    )
    if by == "person":
        person_id: sa.BindParameter[int] = sa.bindparam("person_id")
        which = sa.or_(pair.c.leader_id == person_id, pair.c.member_id == person_id)
    else:
        which = pair.c.id == sa.bindparam("pair_id")
    return (
        sa.select(
            pair.c.id,
            pair.c.kind,
            pair.c.topic_set_id,
            pair.c.active,
            leader.c.active,
            member.c.active,
            next_slot.c.id,
            next_slot.c.starts_at,
            # Only what a Party holds: every column read is converted on every request.
            *(leader.c[name] for name in PARTY_COLUMNS),
            *(member.c[name] for name in PARTY_COLUMNS),
        )
        .join(leader, leader.c.id == pair.c.leader_id)
        .join(member, member.c.id == pair.c.member_id)
        .outerjoin(next_slot, next_slot.c.id == next_slot_id)
        .where(which)
        .order_by(member.c.name, pair.c.id)
    )


def rows_from(rows: list[tuple[Any, ...]]) -> list[PairRow]:
    """Active pairs (both people active too) from `pair_rows_statement` tuples."""
    found: list[PairRow] = []
    for row in rows:
        pair_id, kind, topic_set_id, active, leader_on, member_on, slot_id, slot_at = row[:8]
        if not (active and leader_on and member_on):
            continue
        found.append(
            PairRow(
                pair_id=pair_id,
                kind=PairKind(kind),
                topic_set_id=topic_set_id,
                leader=Party(*row[8 : 8 + _PARTY_WIDTH]),
                member=Party(*row[8 + _PARTY_WIDTH :]),
                next_slot_id=slot_id,
                next_slot_at=slot_at,
            )
        )
    return found


def _params(
    now: datetime, person_id: int | None, pair_id: int | None
) -> tuple[str, dict[str, Any]]:
    if person_id is not None:
        return "person", {"person_id": person_id, "now": now}
    return "pair", {"pair_id": pair_id, "now": now}


async def pair_rows(
    session: AsyncSession,
    *,
    now: datetime,
    person_id: int | None = None,
    pair_id: int | None = None,
) -> list[PairRow]:
    """Active pairs of a person (or the one pair), people and next slot, inside ``session``
    (a write transaction sees its own changes)."""
    by, params = _params(now, person_id, pair_id)
    conn = await session.connection()
    result = await conn.execute(pair_rows_statement(by), params)
    return rows_from([tuple(row) for row in result])


async def fetch_pair_rows(
    db: Database, *, now: datetime, person_id: int | None = None, pair_id: int | None = None
) -> list[PairRow]:
    """The same as `pair_rows`, outside any transaction: the cheap read for entry points."""
    by, params = _params(now, person_id, pair_id)
    return rows_from(await db.fetch(pair_rows_statement(by), params))


def split(rows: list[PairRow], person_id: int) -> PairsOf:
    views = [row.view() for row in rows]
    return PairsOf(
        as_member=[v for v in views if v.member_id == person_id],
        as_leader=[v for v in views if v.leader_id == person_id],
    )


class PairService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def pairs_of(self, person_id: int, *, now: datetime) -> PairsOf:
        """Active pairs the person belongs to, each with its next planned slot."""
        return split(await fetch_pair_rows(self._db, now=now, person_id=person_id), person_id)

    async def entry(self, person_id: int | None, rule: EntryRule, *, now: datetime) -> Entry:
        """Where the person lands when they open a feature without naming a pair."""
        if person_id is None:
            return route_entry(None, rule)
        return route_entry(await self.pairs_of(person_id, now=now), rule)
