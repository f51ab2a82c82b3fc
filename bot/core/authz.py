"""Who may act on a pair or one of its slots: its leader or its member, nobody else.

Pair and slot ids arrive in attacker-controlled payloads, so every entry point a person can
reach loads the pair through here with the acting person's id. A pair that is gone or ended,
or one whose leader or member is gone or inactive, is refused like a stranger's: `NotAllowed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.errors import NotAllowed
from storage.models import Pair, Person, Slot
from storage.queries import get_for_update


@dataclass(frozen=True)
class Parties:
    """An active pair with its two active people."""

    pair: Pair
    leader: Person
    member: Person

    @property
    def pair_id(self) -> int:
        assert self.pair.id is not None
        return self.pair.id

    def includes(self, person_id: int | None) -> bool:
        return person_id is not None and person_id in (self.leader.id, self.member.id)

    def name_of(self, person_id: int) -> str:
        return self.leader.name if person_id == self.leader.id else self.member.name


async def load_parties(session: AsyncSession, pair_id: int, *, lock: bool = False) -> Parties:
    """The pair and its two people, whoever asks (the tick's senders); `NotAllowed` when the
    pair or either person is gone or inactive. `lock`: the pair row is read afresh and locked
    for the rest of the transaction."""
    return await _parties(session, pair_id, None, lock=lock)


async def authorize_pair(
    session: AsyncSession, actor_id: int, pair_id: int, *, lock: bool = False
) -> Parties:
    """The pair and its two people, for its leader or its member only."""
    return await _parties(session, pair_id, actor_id, lock=lock)


async def authorize_slot(
    session: AsyncSession, actor_id: int, slot_id: int, *, lock: bool = False
) -> tuple[Slot, Parties]:
    """The slot and its pair's two people, for the pair's leader or member only. `lock`: the
    slot row (not the pair's) is read afresh and locked."""
    slot = (
        await get_for_update(session, Slot, slot_id) if lock else await session.get(Slot, slot_id)
    )
    if slot is None:
        raise NotAllowed
    return slot, await authorize_pair(session, actor_id, slot.pair_id)


async def _parties(
    session: AsyncSession, pair_id: int, actor_id: int | None, *, lock: bool
) -> Parties:
    pair = (
        await get_for_update(session, Pair, pair_id) if lock else await session.get(Pair, pair_id)
    )
    if pair is None or not pair.active:
        raise NotAllowed
    if actor_id is not None and actor_id not in (pair.leader_id, pair.member_id):
        # A stranger is refused before the people are read.
        raise NotAllowed
    leader = await session.get(Person, pair.leader_id)
    member = await session.get(Person, pair.member_id)
    if leader is None or member is None or not (leader.active and member.active):
        raise NotAllowed
    return Parties(pair, leader, member)
