"""The admin feature as the wiring builds it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.core.feature import Feature
from bot.features.admin.service import AdminService
from bot.features.schedule import SlotService
from bot.ports import Messenger
from storage.db import Database


@dataclass(frozen=True, kw_only=True)
class AdminFeature(Feature):
    admin: AdminService


def build(
    db: Database,
    slots: SlotService,
    messenger: Messenger,
    *,
    default_timezone: str,
    catalog_changed: Callable[[], None],
) -> AdminFeature:
    """Pairs and topic catalogs kept by admins in chat; nothing the tick sends."""
    return AdminFeature(
        admin=AdminService(
            db,
            slots,
            messenger,
            default_timezone=default_timezone,
            catalog_changed=catalog_changed,
        )
    )
