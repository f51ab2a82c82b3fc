"""The schedule feature as the wiring builds it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.feature import Feature
from bot.features.org import PairService, PeopleService
from bot.features.schedule.digest import DigestService
from bot.features.schedule.programs import PairEnds
from bot.features.schedule.reminders import ScheduleSenders
from bot.features.schedule.settings import ScheduleSettingsStore
from bot.features.schedule.slots import SlotService
from bot.ports import Messenger
from storage.db import Database
from storage.queries import TipsForDigest


@dataclass(frozen=True, kw_only=True)
class ScheduleFeature(Feature):
    slots: SlotService
    settings: ScheduleSettingsStore
    digest: DigestService


def build(
    db: Database,
    messenger: Messenger,
    people: PeopleService,
    pairs: PairService,
    *,
    tips: TipsForDigest | None = None,
) -> ScheduleFeature:
    """Cadences and slots (which the tick tops up), reminders, the leader's digest (with
    `tips` for it), "did it happen?"."""
    settings = ScheduleSettingsStore(db)
    slots = SlotService(db, people, settings, pairs, messenger)
    digest = DigestService(db, tips=tips)
    return ScheduleFeature(
        slots=slots,
        settings=settings,
        digest=digest,
        # Pairs past their last day close first, so they are not topped up.
        producers=(PairEnds(db, people.default_timezone), slots),
        senders=tuple(ScheduleSenders(db, messenger, people, settings, slots, digest).senders()),
    )
