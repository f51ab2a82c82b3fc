"""What the admin feature tells people, as facts a presenter turns into a Message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.ports import Notice
from storage.models import PairKind


@dataclass(frozen=True)
class PairChanged(Notice):
    """To the leader and to the member: an admin added their 1on1, or gave it a last day.
    Nobody should find a new 1on1 on their Home, or miss the end of one, without a word."""

    pair_id: int
    kind: PairKind
    # The reader leads this 1on1 (the other person is its member), or is its member.
    as_leader: bool
    other_name: str
    ended: bool
    ends_on: date | None
    has_cadence: bool
