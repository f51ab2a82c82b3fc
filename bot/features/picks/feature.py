"""The picks feature as the wiring builds it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.feature import Feature
from bot.features.org import PairService, PeopleService
from bot.features.picks.service import PicksService
from bot.metrics import Metrics
from bot.ports import Messenger
from storage.db import Database


@dataclass(frozen=True, kw_only=True)
class PicksFeature(Feature):
    picks: PicksService


def build(
    db: Database,
    pairs: PairService,
    *,
    messenger: Messenger,
    people: PeopleService,
    metrics: Metrics,
) -> PicksFeature:
    """The member's picks; the leader's notice goes out at once, not through the tick."""
    return PicksFeature(
        picks=PicksService(db, pairs, messenger=messenger, people=people, metrics=metrics)
    )
