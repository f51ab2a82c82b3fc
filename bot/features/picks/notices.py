"""What the picks feature tells people, as facts a presenter turns into a Message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.ports import Notice


@dataclass(frozen=True)
class LeaderPicksNotice(Notice):
    """To the leader: the member picked (or changed) the topics for their next 1on1. One
    message per 1on1, kept current (`updated`), rather than a ping for every edit."""

    pair_id: int
    member_name: str
    slot_at: datetime | None  # None: the next 1on1 is not scheduled yet
    count: int
    updated: bool
