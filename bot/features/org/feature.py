"""The org feature as the wiring builds it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.feature import Feature
from bot.features.org.pairs import PairService
from bot.features.org.people import PeopleService
from storage.db import Database


@dataclass(frozen=True, kw_only=True)
class OrgFeature(Feature):
    people: PeopleService
    pairs: PairService


def build(db: Database, *, default_locale: str, default_timezone: str) -> OrgFeature:
    """People and pairs; nothing the tick sends."""
    return OrgFeature(
        people=PeopleService(db, default_locale=default_locale, default_timezone=default_timezone),
        pairs=PairService(db),
    )
