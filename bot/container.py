"""The core's services, built once by the wiring and handed to every surface."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.clock import Clock, SystemClock
from bot.core.delivery import (
    DeliveryLedger,
    DeliverySender,
    DueWorkProducer,
    senders_by_kind,
)
from bot.core.events import EventLedger
from bot.core.tick import TickService
from bot.features.memos import action_items as action_items_service
from bot.features.memos import memos as memos_service
from bot.features.memos import reflections as reflections_service
from bot.features.org import PairService, PeopleService
from bot.features.picks import PicksService
from bot.features.schedule import DigestService, ScheduleSenders, ScheduleSettingsStore, SlotService
from bot.features.tips import (
    KIND_THANKS,
    KIND_WEEKLY,
    TipsService,
    TipsWeeklyProducer,
    TipsWeeklySender,
    TipThanksProducer,
    TipThanksSender,
)
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
    memos: memos_service.MemoService
    action_items: action_items_service.ActionItemService
    reflections: reflections_service.ReflectionService
    schedule: SlotService
    schedule_settings: ScheduleSettingsStore
    digest: DigestService
    tips: TipsService


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
    people = PeopleService(db, default_locale=default_locale, default_timezone=default_timezone)
    messenger = messenger_factory(people)
    pairs = PairService(db)
    picks = PicksService(db, pairs, messenger=messenger, people=people, metrics=metrics)
    events = EventLedger(db)
    ledger = DeliveryLedger(db, metrics, worker_id=worker_id())

    # Each feature adds the work it makes due and the senders for its delivery kinds.
    producers: list[DueWorkProducer] = []
    senders: list[tuple[str, DeliverySender]] = []

    # Tips (issue 6): the weekly digest to the managers' channel, authors' weekly thanks.
    tips = TipsService(db, messenger, people, default_channel=tips_channel)
    producers += [TipsWeeklyProducer(db, tips), TipThanksProducer(db, tips)]
    senders += [
        (KIND_WEEKLY, TipsWeeklySender(db, tips, messenger, people)),
        (KIND_THANKS, TipThanksSender(db, messenger)),
    ]

    # Schedule (issue 4): cadences, slots, reminders, the leader's digest, "did it happen?".
    schedule_settings = ScheduleSettingsStore(db)
    schedule = SlotService(db, people, schedule_settings, pairs, messenger)
    digest = DigestService(db, tips=tips.tips_for_digest)
    producers.append(schedule)
    senders += ScheduleSenders(db, messenger, people, schedule_settings, schedule, digest).senders()

    # Memos (issue 5): the memo thread when a slot starts, the reflection once it was held.
    memo_sender = memos_service.MemoThreadSender(db, messenger, people)
    memos = memos_service.MemoService(db, ledger, memo_sender, pairs)
    comment_sender = reflections_service.ReflectionCommentSender(db, messenger)
    reflections = reflections_service.ReflectionService(db, ledger, comment_sender)
    producers += [
        memos_service.MemoThreadProducer(db),
        reflections_service.ReflectionRequestProducer(db),
    ]
    senders += [
        (memos_service.MEMO_THREAD_KIND, memo_sender),
        (
            reflections_service.REFLECTION_KIND,
            reflections_service.ReflectionRequestSender(db, messenger),
        ),
        (reflections_service.COMMENT_KIND, comment_sender),
    ]

    return Services(
        db=db,
        clock=clock or SystemClock(),
        metrics=metrics,
        messenger=messenger,
        people=people,
        pairs=pairs,
        picks=picks,
        events=events,
        ledger=ledger,
        tick=TickService(events, ledger, producers, senders_by_kind(senders)),
        memos=memos,
        action_items=action_items_service.ActionItemService(db),
        reflections=reflections,
        schedule=schedule,
        schedule_settings=schedule_settings,
        digest=digest,
        tips=tips,
    )
