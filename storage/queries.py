"""Small read models several features show: open action items, the last "next focus", and
the tips a digest offers. Kept here so the digest, the reminders, the memo thread and App
Home all read them the same way; likewise the reads the core and several features share
(the next planned slot, a row locked for update).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import ActionItem, MemoEntry, Person, Slot, SlotState

_Row = TypeVar("_Row", bound=SQLModel)


@dataclass(frozen=True)
class OpenActionItem:
    id: int
    text: str
    owner_id: int
    owner_name: str


async def open_action_items(session: AsyncSession, pair_id: int) -> list[OpenActionItem]:
    rows = await session.exec(
        select(ActionItem, Person.name)
        .join(Person, col(Person.id) == ActionItem.owner_id)
        .where(ActionItem.pair_id == pair_id, col(ActionItem.done_at).is_(None))
        .order_by(col(ActionItem.created_at), col(ActionItem.id))
    )
    return [
        OpenActionItem(id=item.id or 0, text=item.text, owner_id=item.owner_id, owner_name=name)
        for item, name in rows.all()
    ]


async def last_next_focus(session: AsyncSession, pair_id: int) -> str | None:
    """The newest "next focus" memo entry of the pair's earlier slots, if any."""
    row = await session.exec(
        select(MemoEntry.text)
        .join(Slot, col(Slot.id) == MemoEntry.slot_id)
        .where(
            Slot.pair_id == pair_id,
            MemoEntry.kind == "next_focus",
            col(MemoEntry.deleted_at).is_(None),
        )
        .order_by(col(MemoEntry.created_at).desc())
        .limit(1)
    )
    return row.first()


@dataclass(frozen=True)
class DigestTip:
    """A tip as the leader's pre-1on1 digest shows it."""

    tip_id: int
    title: str
    body: str
    topic_label: str | None
    expectation: str | None
    helpful_count: int


# (leader person id, [(topic key or None, expectation)] of the member's picks) -> tips.
# The tips feature provides it; the digest shows what it returns (at most two).
TipsForDigest = Callable[[int, Sequence[tuple[str | None, str]]], Awaitable[list[DigestTip]]]


def next_planned_slot_query(pair_id: int, now: datetime) -> SelectOfScalar[Slot]:
    """The pair's first planned slot from `now` on. Plain equalities and a range on the start,
    ordered by the start: an index on (pair, start) or (state, start) answers it in order,
    without a sort, however much history the pair has."""
    return (
        select(Slot)
        .where(
            Slot.pair_id == pair_id,
            Slot.state == SlotState.planned,
            col(Slot.starts_at) >= now,
        )
        .order_by(col(Slot.starts_at))
        .limit(1)
    )


async def next_planned_slot(session: AsyncSession, pair_id: int, now: datetime) -> Slot | None:
    """The pair's next 1on1: its first planned slot from `now` on (None without one)."""
    return (await session.exec(next_planned_slot_query(pair_id, now))).first()


async def get_for_update(session: AsyncSession, model: type[_Row], row_id: int) -> _Row | None:
    """The row read afresh and, on PostgreSQL, locked until the transaction ends (SQLite
    writes hold the database lock from their first statement anyway)."""
    return await session.get(model, row_id, with_for_update=True, populate_existing=True)
