"""Where `/1on1`, `/1on1 memo` and `/1on1 schedule` land: one routing rule for every surface."""

from __future__ import annotations

from bot.features.org import (
    Choose,
    EntryRule,
    NoPairs,
    NoPerson,
    One,
    PairsOf,
    PairView,
    route_entry,
)
from storage.models import PairKind


def _pair(pair_id: int, leader_id: int, member_id: int) -> PairView:
    return PairView(
        pair_id=pair_id,
        kind=PairKind.manager,
        leader_id=leader_id,
        leader_name=f"L{leader_id}",
        member_id=member_id,
        member_name=f"M{member_id}",
        next_slot_id=None,
        next_slot_at=None,
    )


ME = 1
AS_MEMBER = _pair(10, leader_id=2, member_id=ME)
AS_LEADER = _pair(11, leader_id=ME, member_id=3)
OTHER_LED = _pair(12, leader_id=ME, member_id=4)


def test_an_unknown_person_goes_nowhere_under_either_rule() -> None:
    for rule in EntryRule:
        entry = route_entry(None, rule)
        assert isinstance(entry, NoPerson)
        assert entry.message_key == "error.unknown_user"


def test_no_pairs_is_said_so() -> None:
    for rule in EntryRule:
        entry = route_entry(PairsOf([], []), rule)
        assert isinstance(entry, NoPairs)
        assert entry.message_key == "error.no_pairs"


def test_any_pair_opens_the_only_pair_whichever_the_role() -> None:
    assert route_entry(PairsOf([AS_MEMBER], []), EntryRule.any_pair) == One(AS_MEMBER)
    assert route_entry(PairsOf([], [AS_LEADER]), EntryRule.any_pair) == One(AS_LEADER)


def test_any_pair_chooses_between_several() -> None:
    pairs = PairsOf([AS_MEMBER], [AS_LEADER])
    entry = route_entry(pairs, EntryRule.any_pair)
    assert entry == Choose(pairs)
    assert isinstance(entry, Choose)
    assert entry.leaders_first() == [AS_LEADER, AS_MEMBER]


def test_as_member_opens_only_a_members_single_pair() -> None:
    assert route_entry(PairsOf([AS_MEMBER], []), EntryRule.as_member) == One(AS_MEMBER)
    # A leader of one pair still chooses: whose picks to read is not implied.
    lone_leader = PairsOf([], [AS_LEADER])
    assert route_entry(lone_leader, EntryRule.as_member) == Choose(lone_leader)
    both = PairsOf([AS_MEMBER], [AS_LEADER, OTHER_LED])
    assert route_entry(both, EntryRule.as_member) == Choose(both)
