"""The core's services, built once by the wiring and handed to every surface."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.clock import Clock, SystemClock
from bot.core.delivery import DeliveryLedger
from bot.core.events import EventLedger
from bot.core.feature import Feature, producers_of, senders_of
from bot.core.tick import TickService
from bot.features import admin as admin_feature
from bot.features import memos as memos_feature
from bot.features import org as org_feature
from bot.features import picks as picks_feature
from bot.features import schedule as schedule_feature
from bot.features import tips as tips_feature
from bot.features.admin import AdminService
from bot.features.memos import ActionItemService, MemoService, ReflectionService
from bot.features.org import PairService, PeopleService
from bot.features.picks import PicksService
from bot.features.schedule import DigestService, ScheduleSettingsStore, SlotService
from bot.features.tips import TipsService
from bot.metrics import Metrics
from bot.ports import Messenger
from storage.db import Database


@dataclass(frozen=True)
class Services:
    db: Database
    clock: Clock
    metrics: Metrics
    messenger: Messenger
    people: PeopleService
    pairs: PairService
    picks: PicksService
    events: EventLedger
    ledger: DeliveryLedger
    tick: TickService
    memos: MemoService
    action_items: ActionItemService
    reflections: ReflectionService
    schedule: SlotService
    schedule_settings: ScheduleSettingsStore
    digest: DigestService
    tips: TipsService
    admin: AdminService


def worker_id() -> str:
    """Names this process in claimed Delivery rows (replicas share one database)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def build_services(
    db: Database,
    *,
    messenger_factory: Callable[[PeopleService], Messenger],
    default_locale: str,
    default_timezone: str,
    tips_channel: str = "",
    clock: Clock | None = None,
) -> Services:
    metrics = Metrics()
    org = org_feature.build(db, default_locale=default_locale, default_timezone=default_timezone)
    messenger = messenger_factory(org.people)
    events = EventLedger(db)
    ledger = DeliveryLedger(db, metrics, worker_id=worker_id())

    picks = picks_feature.build(
        db, org.pairs, messenger=messenger, people=org.people, metrics=metrics
    )
    tips = tips_feature.build(db, messenger, org.people, default_channel=tips_channel)
    schedule = schedule_feature.build(
        db, messenger, org.people, org.pairs, tips=tips.tips.tips_for_digest
    )
    memos = memos_feature.build(db, ledger, messenger, org.people, org.pairs)
    admin = admin_feature.build(
        db,
        schedule.slots,
        messenger,
        default_timezone=default_timezone,
        catalog_changed=picks.picks.invalidate_catalog,
    )
    # The tick runs the features' producers in this order.
    features: list[Feature] = [org, picks, tips, schedule, memos, admin]

    return Services(
        db=db,
        clock=clock or SystemClock(),
        metrics=metrics,
        messenger=messenger,
        people=org.people,
        pairs=org.pairs,
        picks=picks.picks,
        events=events,
        ledger=ledger,
        tick=TickService(events, ledger, producers_of(features), senders_of(features)),
        memos=memos.memos,
        action_items=memos.action_items,
        reflections=memos.reflections,
        schedule=schedule.slots,
        schedule_settings=schedule.settings,
        digest=schedule.digest,
        tips=tips.tips,
        admin=admin.admin,
    )
