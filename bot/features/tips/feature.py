"""The tips feature as the wiring builds it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.feature import Feature
from bot.features.org import PeopleService
from bot.features.tips.service import TipsService
from bot.features.tips.weekly import (
    KIND_THANKS,
    KIND_WEEKLY,
    TipsWeeklyProducer,
    TipsWeeklySender,
    TipThanksProducer,
    TipThanksSender,
)
from bot.ports import Messenger
from storage.db import Database


@dataclass(frozen=True, kw_only=True)
class TipsFeature(Feature):
    tips: TipsService


def build(
    db: Database, messenger: Messenger, people: PeopleService, *, default_channel: str = ""
) -> TipsFeature:
    """Tips, the weekly digest to the managers' channel and the authors' weekly thanks."""
    tips = TipsService(db, messenger, people, default_channel=default_channel)
    return TipsFeature(
        tips=tips,
        producers=(TipsWeeklyProducer(db, tips), TipThanksProducer(db, tips)),
        senders=(
            (KIND_WEEKLY, TipsWeeklySender(db, tips, messenger, people)),
            (KIND_THANKS, TipThanksSender(db, messenger)),
        ),
    )
