"""A person's 1on1 relationships, as leader and as member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

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

    pair: Pair
    leader: Person
    member: Person
    next_slot: Slot | None

    def view(self) -> PairView:
        return PairView(
            pair_id=self.pair.id or 0,
            kind=self.pair.kind,
            leader_id=self.pair.leader_id,
            leader_name=self.leader.name,
            member_id=self.pair.member_id,
            member_name=self.member.name,
            next_slot_id=self.next_slot.id if self.next_slot else None,
            next_slot_at=self.next_slot.starts_at if self.next_slot else None,
        )


@cache
def _pair_rows_statement(by: str) -> Any:
    """Built once per process: building this statement costs more than running it."""
    leader = aliased(Person, name="leader")
    member = aliased(Person, name="member")
    next_slot_id = (
        select(Slot.id)
        .where(
            Slot.pair_id == Pair.id,
            Slot.state == SlotState.planned,
            col(Slot.starts_at) >= sa.bindparam("now", type_=UTCDateTime()),
        )
        .order_by(col(Slot.starts_at))
        .limit(1)
        .correlate(Pair)
        .scalar_subquery()
    )
    if by == "person":
        person_id: sa.BindParameter[int] = sa.bindparam("person_id")
        which = sa.or_(col(Pair.leader_id) == person_id, col(Pair.member_id) == person_id)
    else:
        which = col(Pair.id) == sa.bindparam("pair_id")
    return (
        select(Pair, leader, member, Slot)
        .join(leader, col(leader.id) == Pair.leader_id)
        .join(member, col(member.id) == Pair.member_id)
        .outerjoin(Slot, col(Slot.id) == next_slot_id)
        .where(
            which,
            col(Pair.active).is_(True),
            col(leader.active).is_(True),
            col(member.active).is_(True),
        )
        .order_by(member.name, col(Pair.id))
    )


async def pair_rows(
    session: AsyncSession,
    *,
    now: datetime,
    person_id: int | None = None,
    pair_id: int | None = None,
) -> list[PairRow]:
    """Active pairs of a person (or the one pair), people and next slot in one statement."""
    if person_id is not None:
        stmt, params = _pair_rows_statement("person"), {"person_id": person_id, "now": now}
    else:
        stmt, params = _pair_rows_statement("pair"), {"pair_id": pair_id, "now": now}
    result = await session.exec(stmt, params=params)
    return [PairRow(pair, leader, member, slot) for pair, leader, member, slot in result.all()]


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
        async with self._db.read() as session:
            return split(await pair_rows(session, now=now, person_id=person_id), person_id)
