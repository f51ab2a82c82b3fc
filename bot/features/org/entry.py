"""Where a person lands when they open a feature without naming a pair.

Every surface asks the same question ("which 1on1 does this person mean?") and must get the
same answer: nobody we know, no pairs, exactly one pair to open directly, or a choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.features.org.pairs import PairsOf, PairView


class EntryRule(StrEnum):
    """Which pairs a feature opens directly when there is only one."""

    any_pair = "any_pair"  # the person's only pair, whether they lead it or are its member
    as_member = "as_member"  # only a pair the person is the member of, and leads none


@dataclass(frozen=True)
class NoPerson:
    """The acting user is not in the org data."""

    message_key: str = "error.unknown_user"


@dataclass(frozen=True)
class NoPairs:
    message_key: str = "error.no_pairs"


@dataclass(frozen=True)
class One:
    pair: PairView


@dataclass(frozen=True)
class Choose:
    pairs: PairsOf

    def leaders_first(self) -> list[PairView]:
        return self.pairs.as_leader + self.pairs.as_member


Entry = NoPerson | NoPairs | One | Choose


def route_entry(pairs: PairsOf | None, rule: EntryRule) -> Entry:
    """`pairs` is None when the acting person is unknown."""
    if pairs is None:
        return NoPerson()
    if not pairs.as_member and not pairs.as_leader:
        return NoPairs()
    if rule is EntryRule.as_member:
        if len(pairs.as_member) == 1 and not pairs.as_leader:
            return One(pairs.as_member[0])
        return Choose(pairs)
    everyone = pairs.as_member + pairs.as_leader
    return One(everyone[0]) if len(everyone) == 1 else Choose(pairs)
