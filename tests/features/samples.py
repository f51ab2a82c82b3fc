"""Notices the presenter tests share: each feature's notices with people's text that needs
escaping, and the branches each presenter takes."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.catalog import Expectation
from bot.features.memos import (
    MemoParent,
    OpenActionItem,
    ReflectionCommentShared,
    ReflectionRequest,
)
from bot.features.picks import Pick
from bot.features.tips import (
    ShareOutcome,
    TipCard,
    TipGone,
    TipPost,
    TipsConfig,
    TipsConfigSaved,
    TipShared,
    TipsWeekly,
    TipsWelcome,
    TipThanks,
)

STARTS = datetime(2026, 3, 4, 1, 30, tzinfo=UTC)  # 10:30 in Tokyo

PICKS = (
    Pick(
        topic_id=1,
        topic_key="career",
        label_ja="キャリア",
        label_en="Career",
        expectation=Expectation.LISTEN,
        note="Two lines:\n<b> & more",
    ),
    Pick(
        topic_id=None,
        topic_key=None,
        label_ja="自由 <tag>",
        label_en="Free <tag>",
        expectation=Expectation.ADVICE,
        note=None,
        free=True,
    ),
)
ITEMS = (
    OpenActionItem(id=7, text="Send the <deck>", owner_id=1, owner_name="Sato & Co"),
    OpenActionItem(id=8, text="Book a room", owner_id=2, owner_name="Tanaka"),
)

MEMO_PARENT = MemoParent(
    slot_id=42,
    starts_at=STARTS,
    timezone="Asia/Tokyo",
    leader_name="Sato <lead>",
    member_name="Tanaka & Co",
    picks=PICKS,
    open_items=ITEMS,
    next_focus="Focus on\n<growth>",
)
MEMO_PARENT_EMPTY = MemoParent(
    slot_id=43,
    starts_at=STARTS,
    timezone="",
    leader_name="Sato",
    member_name="Tanaka",
)
REFLECTION_REQUEST = ReflectionRequest(slot_id=42, leader_name="Sato <lead>", starts_at=STARTS)
REFLECTION_COMMENT = ReflectionCommentShared(
    member_name="Tanaka & Co", starts_at=STARTS, comment="It helped.\n<really> & truly"
)


def card(tip_id: int = 5, **changes: object) -> TipCard:
    values: dict[str, object] = {
        "tip_id": tip_id,
        "title": "Ask <first>",
        "body": "Then listen & wait.\nSecond line",
        "topic_key": "career",
        "free_topic": None,
        "expectation": "listen",
        "helpful_count": 3,
        "author_id": 1,
        "author_name": "Sato <lead>",
        "starter": False,
        "created_at": STARTS,
    }
    values.update(changes)
    return TipCard(**values)  # type: ignore[arg-type]


STARTER_CARD = card(
    6, topic_key=None, free_topic="Own <topic>", expectation=None, author_name=None, starter=True
)
CONFIG = TipsConfig(
    channel="C0TIPS", channel_from_env=False, weekday=0, time=time(9, 0), timezone="Asia/Tokyo"
)
NO_CHANNEL = TipsConfig(
    channel=None, channel_from_env=False, weekday=4, time=time(17, 30), timezone="UTC"
)

TIP_POST = TipPost(card())
TIP_POST_STARTER = TipPost(STARTER_CARD)
TIP_GONE = TipGone("Ask <first>")
TIP_SHARED = TipShared(tip_id=5, title="Ask <first>", outcome=ShareOutcome.posted, channel="C0TIPS")
TIP_NOT_SHARED = TipShared(
    tip_id=5, title="Ask <first>", outcome=ShareOutcome.not_in_channel, channel="C0TIPS"
)
TIPS_WELCOME = TipsWelcome(CONFIG)
CONFIG_SAVED_CHECK = TipsConfigSaved(CONFIG, ShareOutcome.not_in_channel)
CONFIG_SAVED_PENDING = TipsConfigSaved(CONFIG, ShareOutcome.posted, pending_posted=2)
CONFIG_SAVED_NO_CHANNEL = TipsConfigSaved(NO_CHANNEL, None)
TIPS_WEEKLY = TipsWeekly(
    since=datetime(2026, 2, 23, 0, 0, tzinfo=UTC),
    until=datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
    timezone="Asia/Tokyo",
    cards=(card(5, body="x" * 250), STARTER_CARD),
)
TIP_THANKS = TipThanks(
    since=datetime(2026, 2, 23, tzinfo=UTC),
    until=datetime(2026, 3, 2, tzinfo=UTC),
    total=4,
    items=(("Ask <first>", 3), ("Listen & wait", 1)),
)
