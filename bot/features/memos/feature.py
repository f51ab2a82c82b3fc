"""The memos feature as the wiring builds it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.delivery import DeliveryLedger
from bot.core.feature import Feature
from bot.features.memos.action_items import ActionItemService
from bot.features.memos.memos import (
    MEMO_THREAD_KIND,
    MemoService,
    MemoThreadProducer,
    MemoThreadSender,
)
from bot.features.memos.reflections import (
    COMMENT_KIND,
    REFLECTION_KIND,
    ReflectionCommentSender,
    ReflectionRequestProducer,
    ReflectionRequestSender,
    ReflectionService,
)
from bot.features.org import PairService, PeopleService
from bot.ports import Messenger
from storage.db import Database


@dataclass(frozen=True, kw_only=True)
class MemosFeature(Feature):
    memos: MemoService
    action_items: ActionItemService
    reflections: ReflectionService


def build(
    db: Database,
    ledger: DeliveryLedger,
    messenger: Messenger,
    people: PeopleService,
    pairs: PairService,
) -> MemosFeature:
    """The memo thread when a slot starts, TODOs, the reflection once it was held (`ledger`:
    the services send some deliveries at once, through the ledger)."""
    memo_sender = MemoThreadSender(db, messenger, people)
    comment_sender = ReflectionCommentSender(db, messenger)
    return MemosFeature(
        memos=MemoService(db, ledger, memo_sender, pairs),
        action_items=ActionItemService(db),
        reflections=ReflectionService(db, ledger, comment_sender),
        producers=(MemoThreadProducer(db), ReflectionRequestProducer(db)),
        senders=(
            (MEMO_THREAD_KIND, memo_sender),
            (REFLECTION_KIND, ReflectionRequestSender(db, messenger)),
            (COMMENT_KIND, comment_sender),
        ),
    )
