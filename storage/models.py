"""SQLModel tables for the product's vocabulary (see DESIGN.md "Vocabulary").

Every datetime column is an aware UTC datetime in Python. SQLite has no time zone type, so
`UTCDateTime` stores naive UTC there and hands back aware values; PostgreSQL gets
`timestamptz`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(enum: type[StrEnum]) -> Any:
    # Stored as plain strings (no native ENUM type to migrate), read back as the enum.
    return sa.Enum(
        enum, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
    )


# Where a message lives on its platform (see bot.ports.MessageRef): Teams conversation ids run
# to a few hundred characters and its message ids are opaque, so both are wider than Slack's.
PLATFORM_MAX = 16
CONVERSATION_MAX = 512
MESSAGE_ID_MAX = 128


def _utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class Role(StrEnum):
    member = "member"
    hr = "hr"
    admin = "admin"


class PairKind(StrEnum):
    manager = "manager"
    mentor = "mentor"
    peer = "peer"
    senior = "senior"


class SlotState(StrEnum):
    planned = "planned"
    held = "held"
    skipped = "skipped"
    moved = "moved"
    # Nobody answered "did it happen?", even after the follow-up.
    unknown = "unknown"
    # Replaced by a cadence change before it happened (kept: sent reminders point at it).
    cancelled = "cancelled"


class DeliveryStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    # No longer wanted (its slot was answered, moved or replaced); never sent.
    cancelled = "cancelled"


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    department: str = Field(default="", max_length=200)
    slack_id: str | None = Field(default=None, max_length=32, unique=True)
    teams_id: str | None = Field(default=None, max_length=200, unique=True)
    role: Role = Field(default=Role.member, sa_type=_enum(Role))
    # None means "not said": the org default applies, or what Slack's users.info reports.
    locale: str | None = Field(default=None, max_length=16)
    timezone: str | None = Field(default=None, max_length=64)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class TopicSet(SQLModel, table=True):
    __tablename__ = "topic_set"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=16)
    name_ja: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    # Shipped with the product (bot.catalog); False for a set the organisation made.
    builtin: bool = True
    # The shipped set's fields the organisation changed ("name_ja,name_en"): the seeding on
    # every upgrade leaves those alone.
    org_fields: str = Field(default="", max_length=100)


class Topic(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("topic_set_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    topic_set_id: int = Field(foreign_key="topic_set.id", index=True)
    key: str = Field(max_length=64)
    label_ja: str = Field(max_length=75)
    label_en: str = Field(max_length=75)
    position: int = 0
    continuing: bool = False
    # False: hidden from pickers; picks already made keep showing it.
    active: bool = True
    # Shipped with the product (bot.catalog); False for a topic the organisation added.
    shipped: bool = True
    # The shipped topic's fields the organisation changed ("label_ja,active", ...): the
    # seeding on every upgrade leaves those alone and still brings the rest up to date.
    org_fields: str = Field(default="", max_length=100)


class Pair(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("leader_id", "member_id", "kind"),
        # The tick finds pairs whose planned slots run out soon through this index alone.
        sa.Index("ix_pair_active_materialized_until", "active", "materialized_until"),
        # ... and the pairs whose last day has passed through this one (the day first: led by
        # `active`, the planner took it for the probe above too).
        sa.Index("ix_pair_ends_on_active", "ends_on", "active"),
    )

    id: int | None = Field(default=None, primary_key=True)
    leader_id: int = Field(foreign_key="person.id", index=True)
    member_id: int = Field(foreign_key="person.id", index=True)
    kind: PairKind = Field(default=PairKind.manager, sa_type=_enum(PairKind))
    # None: the member's department set applies (resolved when read, so a department change
    # on re-import is followed without rewriting pairs).
    topic_set_id: int | None = Field(default=None, foreign_key="topic_set.id")
    # Cadence: an RFC 5545 RRULE evaluated in `timezone`; None until someone sets it.
    rrule: str | None = Field(default=None, max_length=500)
    duration_minutes: int = 30
    timezone: str | None = Field(default=None, max_length=64)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    # Slots (and their reminders) exist up to here; None without a cadence (or once it ended).
    materialized_until: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    # The programme the pair belongs to ("new_hire", "mid_career", "mentoring"; see the pairs
    # import); None for pairs outside any programme.
    program: str | None = Field(default=None, max_length=32)
    # The pair's first and last day (local dates); None: open. After `ends_on` no 1on1 is
    # planned and the pair becomes inactive, its slots and history kept.
    starts_on: date | None = None
    ends_on: date | None = None


class Slot(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("pair_id", "starts_at"),
        sa.Index("ix_slot_state_starts_at", "state", "starts_at"),
        # Memos: the tick seeks straight to the few slots still waiting for a memo thread or
        # a reflection request, however much history there is.
        sa.Index("ix_slot_memo_due", "state", "memo_message_id", "starts_at"),
        sa.Index("ix_slot_reflection_due", "state", "reflection_requested_at", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    starts_at: datetime = Field(sa_column=_utc_column())
    duration_minutes: int = 30
    state: SlotState = Field(default=SlotState.planned, sa_type=_enum(SlotState))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    # When the leader answered "did it happen?" (None: not yet).
    answered_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    # A moved slot points at the slot that replaced it.
    moved_to_slot_id: int | None = Field(default=None, foreign_key="slot.id")
    # The shared memo thread (a group DM of the bot, the leader and the member): its parent
    # message. All three are set together, or none.
    memo_platform: str | None = Field(default=None, max_length=PLATFORM_MAX)
    memo_conversation: str | None = Field(default=None, max_length=CONVERSATION_MAX)
    memo_message_id: str | None = Field(default=None, max_length=MESSAGE_ID_MAX, index=True)
    # When the member was asked for a reflection on this (held) slot; None: not yet.
    reflection_requested_at: datetime | None = Field(
        default=None, sa_column=_utc_column(nullable=True)
    )


class Agenda(SQLModel, table=True):
    """The member's picks for one 1on1 of a pair.

    `slot_id` None means "the pair's next 1on1, whenever it is scheduled": the picks are made
    before a slot exists and move to it once one does. One agenda per (pair, slot), with all
    unscheduled picks sharing the 0 key, so a double submit cannot create two.
    """

    __table_args__ = (
        sa.Index("uq_agenda_pair_slot", "pair_id", sa.text("coalesce(slot_id, 0)"), unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    slot_id: int | None = Field(default=None, foreign_key="slot.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    # The one DM that tells the leader picks exist; later edits update it in place.
    leader_notice_claimed: bool = False
    leader_notice_platform: str | None = Field(default=None, max_length=PLATFORM_MAX)
    leader_notice_conversation: str | None = Field(default=None, max_length=CONVERSATION_MAX)
    leader_notice_message_id: str | None = Field(default=None, max_length=MESSAGE_ID_MAX)


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    agenda_id: int = Field(foreign_key="agenda.id", index=True)
    topic_id: int | None = Field(default=None, foreign_key="topic.id")
    # A short topic of the member's own ("その他"), when topic_id is None.
    free_topic: str | None = Field(default=None, max_length=75)
    expectation: str = Field(max_length=32)
    note: str | None = Field(default=None, max_length=500)
    position: int = 0


class ProcessedEvent(SQLModel, table=True):
    """Slack retries events it thinks failed; this makes each (team, event) run once."""

    __tablename__ = "processed_event"

    team_id: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))


class Delivery(SQLModel, table=True):
    """Ledger of outbound messages; the unique key makes each one go out exactly once."""

    __table_args__ = (sa.Index("ix_delivery_status_due_at", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=32)
    person_id: int = Field(foreign_key="person.id", index=True)
    slot_id: int | None = Field(default=None, foreign_key="slot.id")
    due_at: datetime = Field(sa_column=_utc_column())
    status: DeliveryStatus = Field(default=DeliveryStatus.pending, sa_type=_enum(DeliveryStatus))
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=200)
    # Kind-specific data as JSON (ids only: message text is rendered at send time).
    payload: str | None = Field(default=None, sa_type=sa.Text)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class Setting(SQLModel, table=True):
    """Organisation-wide settings an admin changes at run time (e.g. the tips channel)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=2000)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class MemoEntry(SQLModel, table=True):
    """One reply in a slot's memo thread (or one entry added from the memo modal)."""

    __tablename__ = "memo_entry"
    __table_args__ = (
        sa.UniqueConstraint("platform", "conversation", "message_id", name="uq_memo_entry_message"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="slot.id", index=True)
    author_id: int = Field(foreign_key="person.id")
    text: str = Field(sa_type=sa.Text)
    # "point" (default) or "next_focus" (what to keep in mind until next time).
    kind: str = Field(default="point", max_length=16)
    # The reply it mirrors; none for an entry added from the modal.
    platform: str | None = Field(default=None, max_length=PLATFORM_MAX)
    conversation: str | None = Field(default=None, max_length=CONVERSATION_MAX)
    message_id: str | None = Field(default=None, max_length=MESSAGE_ID_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    edited_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    deleted_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class ActionItem(SQLModel, table=True):
    """A TODO from a 1on1, carried to the next slots until done."""

    __tablename__ = "action_item"
    __table_args__ = (
        # One memo message makes at most one TODO (NULLs, i.e. TODOs typed in a modal, repeat).
        sa.Index(
            "uq_action_item_source",
            "source_platform",
            "source_conversation",
            "source_message_id",
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    slot_id: int | None = Field(default=None, foreign_key="slot.id")
    owner_id: int = Field(foreign_key="person.id", index=True)
    created_by_id: int = Field(foreign_key="person.id")
    text: str = Field(max_length=500)
    # None: due at the pair's next 1on1.
    due_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    done_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    # The memo message it was made from, so one message makes one TODO.
    source_platform: str | None = Field(default=None, max_length=PLATFORM_MAX)
    source_conversation: str | None = Field(default=None, max_length=CONVERSATION_MAX)
    source_message_id: str | None = Field(default=None, max_length=MESSAGE_ID_MAX)


class Reflection(SQLModel, table=True):
    """The member's after-meeting answer for one slot; changeable for 7 days."""

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="slot.id", unique=True)
    member_id: int = Field(foreign_key="person.id", index=True)
    leader_id: int = Field(foreign_key="person.id", index=True)
    overall: int
    comment: str | None = Field(default=None, sa_type=sa.Text)
    share_comment: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class ReflectionScore(SQLModel, table=True):
    """Per agenda item: was the expectation met (1-5)."""

    __tablename__ = "reflection_score"
    __table_args__ = (sa.UniqueConstraint("reflection_id", "agenda_item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    reflection_id: int = Field(foreign_key="reflection.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id")
    expectation: str = Field(max_length=32)
    score: int


# Tips search (issue 6): the codes a tip is found by (bigrams, ASCII trigrams, its tags; see
# bot/features/tips/search.py). PostgreSQL keeps them in an array under a GIN index; SQLite
# has no GIN and uses `tip_gram` instead.
_TIP_GRAMS: Any = sa.Text().with_variant(postgresql.ARRAY(sa.BigInteger()), "postgresql")


class Tip(SQLModel, table=True):
    """A leader's "this worked for me", tagged by topic and expectation."""

    __table_args__ = (
        # Browsing by helpfulness, and the bounded walk of a search for very common words.
        sa.Index("ix_tip_helpful", "helpful_count", "id"),
        # A filtered search or browse walks one topic's (or expectation's) tips by helpfulness.
        sa.Index("ix_tip_topic_helpful", "topic_key", "helpful_count", "id"),
        sa.Index("ix_tip_expectation_helpful", "expectation", "helpful_count", "id"),
        sa.Index("ix_tip_search_grams", "search_grams", postgresql_using="gin"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None for the shipped starter tips.
    author_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    starter: bool = False
    starter_key: str | None = Field(default=None, max_length=64, unique=True)
    # A catalog topic key (e.g. "kpi_progress") or None; free_topic for a topic of one's own.
    topic_key: str | None = Field(default=None, max_length=64)
    free_topic: str | None = Field(default=None, max_length=75)
    expectation: str | None = Field(default=None, max_length=32)
    title: str = Field(max_length=150)
    body: str = Field(sa_type=sa.Text)
    locale: str = Field(default="ja", max_length=8)
    helpful_count: int = 0
    # Its post in the managers' channel; None until posted.
    platform: str | None = Field(default=None, max_length=PLATFORM_MAX)
    conversation: str | None = Field(default=None, max_length=CONVERSATION_MAX)
    message_id: str | None = Field(default=None, max_length=MESSAGE_ID_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    deleted_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    # NFKC, case-folded title, tags and body: what a search matches words against; the head
    # (title and tags alone) tells where they matched, for ranking.
    search_text: str = Field(default="", sa_type=sa.Text)
    search_head: str = Field(default="", sa_type=sa.Text)
    search_grams: list[int] | None = Field(default=None, sa_type=_TIP_GRAMS)
    # Why the last post to the managers' channel failed (e.g. "not_in_channel"); the tip is
    # kept and can be posted again.
    post_error: str | None = Field(default=None, max_length=64)


class TipGram(SQLModel, table=True):
    """SQLite's tips search index: one row per search code of a tip."""

    __tablename__ = "tip_gram"
    __table_args__ = {"sqlite_with_rowid": False}

    # Code points packed into one integer (exact: no hash collisions between substrings).
    gram: int = Field(primary_key=True, sa_type=sa.BigInteger)
    tip_id: int = Field(foreign_key="tip.id", primary_key=True)


class TipHelpful(SQLModel, table=True):
    """One leader found one tip helpful; pressing again removes the row."""

    __tablename__ = "tip_helpful"

    tip_id: int = Field(foreign_key="tip.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
