"""Schedule notices shared by the presenter and layout tests: every branch of each message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.catalog import Expectation
from bot.features.picks import Pick
from bot.features.schedule import LeaderDigest, MemberReminder, RescheduleNudge, StreakNote
from storage.queries import DigestTip, OpenActionItem

TOKYO = "Asia/Tokyo"
NEW_YORK = "America/New_York"
# Tuesday 3 June 2031, 10:00 in Tokyo (Monday 2 June, 21:00 in New York).
STARTS = datetime(2031, 6, 3, 1, 0, tzinfo=UTC)

CAREER = Pick(
    topic_id=1,
    topic_key="career",
    label_ja="キャリア",
    label_en="Career",
    expectation=Expectation.LISTEN,
    note="転職 <考えて> います\n& 迷っています",
)
FREE = Pick(
    topic_id=None,
    topic_key=None,
    label_ja="<自由>な話題",
    label_en="<自由>な話題",
    expectation=Expectation.ADVICE,
    note=None,
    free=True,
)
ITEMS = (
    OpenActionItem(1, "資料を<共有>する", 7, "田中 & 伊藤"),
    OpenActionItem(2, "Read the book", 8, "Sato"),
)
MANY_ITEMS = tuple(OpenActionItem(i, f"item {i}", 8, "Sato") for i in range(12))

REMINDER_WITH_PICKS = MemberReminder(
    pair_id=11,
    slot_id=21,
    leader_name="佐藤 <リーダー>",
    starts_at=STARTS,
    duration_minutes=30,
    picks=(CAREER, FREE),
    action_items=ITEMS,
    sent_at=STARTS - timedelta(days=1),
)
REMINDER_WITHOUT_PICKS = MemberReminder(
    pair_id=12,
    slot_id=22,
    leader_name="Sato",
    starts_at=STARTS,
    duration_minutes=45,
    picks=(),
    action_items=MANY_ITEMS,
    sent_at=STARTS - timedelta(days=3),
)
REMINDER_TODAY = MemberReminder(
    pair_id=13,
    slot_id=23,
    leader_name="Sato",
    starts_at=STARTS,
    duration_minutes=30,
    picks=(),
    action_items=(),
    sent_at=STARTS - timedelta(hours=2),
)
# More picks than one Slack message holds: the body is cut, the button and privacy line stay.
REMINDER_TOO_LONG = MemberReminder(
    pair_id=14,
    slot_id=24,
    leader_name="Sato",
    starts_at=STARTS,
    duration_minutes=30,
    picks=tuple(
        Pick(i, f"t{i}", f"話題{i}", f"Topic {i}", Expectation.ADVICE, "あ" * 2000)
        for i in range(60)
    ),
    action_items=(),
    sent_at=STARTS - timedelta(days=1),
)

DIGEST_FULL = LeaderDigest(
    slot_id=31,
    pair_id=11,
    member_name="田中 <たなか>",
    starts_at=STARTS,
    duration_minutes=30,
    picks=(CAREER, FREE),
    action_items=ITEMS,
    next_focus="相手の話を<最後まで>聞く\n& 要約して返す",
    tips=(
        DigestTip(1, "まず<要約>", "本文" * 200, "キャリア", "listen", 3),
        DigestTip(2, "Ask first", "Short & sweet", None, None, 0),
    ),
    opener=0,
)
DIGEST_EMPTY = LeaderDigest(
    slot_id=32,
    pair_id=12,
    member_name="Emily",
    starts_at=STARTS,
    duration_minutes=45,
    picks=(),
    action_items=(),
    next_focus=None,
    tips=(),
    opener=3,
)

NUDGE_WITH_NEXT = RescheduleNudge(
    slot_id=41,
    other_name="田中 <たなか>",
    starts_at=STARTS,
    next_regular_at=STARTS + timedelta(days=14),
    for_leader=True,
)
NUDGE_WITHOUT_NEXT = RescheduleNudge(
    slot_id=42,
    other_name="Sato",
    starts_at=STARTS,
    next_regular_at=None,
    for_leader=False,
)

STREAK_WITH_HISTORY = StreakNote(
    pair_id=11,
    member_name="田中 <たなか>",
    missed=3,
    last_held_at=STARTS - timedelta(days=42),
    next_slot_at=STARTS + timedelta(days=14),
)
STREAK_WITHOUT_HISTORY = StreakNote(
    pair_id=12,
    member_name="Emily",
    missed=2,
    last_held_at=None,
    next_slot_at=None,
)
