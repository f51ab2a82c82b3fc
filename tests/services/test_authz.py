"""The party check every feature uses: the pair's leader or member, nobody else (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.authz import authorize_pair, authorize_slot, load_parties
from bot.core.errors import NotAllowed
from storage.db import Database
from storage.models import Pair, Person, Slot

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


async def _seed(db: Database) -> tuple[int, int, int, int, int]:
    """(pair, leader, member, stranger, slot) ids."""
    async with db.write() as session:
        leader = Person(email="lead@example.com", name="Lead")
        member = Person(email="member@example.com", name="Member")
        stranger = Person(email="stranger@example.com", name="Stranger")
        session.add_all([leader, member, stranger])
        await session.flush()
        assert leader.id is not None
        assert member.id is not None
        assert stranger.id is not None
        pair = Pair(leader_id=leader.id, member_id=member.id)
        session.add(pair)
        await session.flush()
        assert pair.id is not None
        slot = Slot(pair_id=pair.id, starts_at=NOW)
        session.add(slot)
        await session.flush()
        assert slot.id is not None
        return pair.id, leader.id, member.id, stranger.id, slot.id


@pytest.mark.parametrize("lock", [False, True])
async def test_either_party_gets_the_pair_and_its_people(db: Database, lock: bool) -> None:
    pair_id, leader_id, member_id, _, slot_id = await _seed(db)

    async with db.write() as session:
        for actor in (leader_id, member_id):
            parties = await authorize_pair(session, actor, pair_id, lock=lock)
            slot, same = await authorize_slot(session, actor, slot_id, lock=lock)

            assert (parties.pair_id, parties.leader.id, parties.member.id) == (
                pair_id,
                leader_id,
                member_id,
            )
            assert (slot.id, same.pair_id) == (slot_id, pair_id)
            assert parties.includes(actor)
            assert parties.name_of(leader_id) == "Lead"


async def test_a_stranger_and_unknown_ids_are_refused(db: Database) -> None:
    pair_id, _, _, stranger_id, slot_id = await _seed(db)

    async with db.read() as session:
        with pytest.raises(NotAllowed):
            await authorize_pair(session, stranger_id, pair_id)
        with pytest.raises(NotAllowed):
            await authorize_slot(session, stranger_id, slot_id)
        with pytest.raises(NotAllowed):
            await authorize_pair(session, stranger_id, pair_id + 100)
        with pytest.raises(NotAllowed):
            await authorize_slot(session, stranger_id, slot_id + 100)
        # Without an actor (the tick's senders) the pair is loaded for whoever asks.
        assert (await load_parties(session, pair_id)).pair_id == pair_id


@pytest.mark.parametrize("what", ["pair", "member"])
async def test_an_ended_pair_or_an_inactive_person_refuses_everyone(
    db: Database, what: str
) -> None:
    pair_id, leader_id, member_id, _, slot_id = await _seed(db)
    async with db.write() as session:
        row: Pair | Person | None = (
            await session.get(Pair, pair_id)
            if what == "pair"
            else await session.get(Person, member_id)
        )
        assert row is not None
        row.active = False
        session.add(row)

    async with db.read() as session:
        with pytest.raises(NotAllowed):
            await authorize_pair(session, leader_id, pair_id)
        with pytest.raises(NotAllowed):
            await authorize_slot(session, leader_id, slot_id)
        with pytest.raises(NotAllowed):
            await load_parties(session, pair_id)
