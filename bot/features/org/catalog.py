"""The topic catalogs in the database: the shipped ones seeded from `bot.catalog`, and the
organisation's own changes (renamed or hidden topics, topics and sets of its own).

Shipped catalogs keep improving with each release, and an organisation's changes must survive
that: every shipped row records which of its fields the organisation changed (`org_fields`),
and the seeding on every start brings the other fields up to date. Topics and sets the
organisation made itself are never touched by the seeding. Setting a field back to the
shipped text hands it back to the product.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog import COMMON_SET_KEY, TOPIC_SETS, TopicDef, TopicSetDef
from bot.i18n import localized
from storage.db import Database
from storage.models import Topic, TopicSet

# Block Kit shows an option in 75 characters; the shipped labels stay within 30 so a screen
# may add a marker, and the organisation's follow the same rule.
TOPIC_LABEL_MAX = 30
SET_NAME_MAX = 40
# The organisation's topics come after the shipped ones of a set, whatever a release adds.
ORG_POSITION_BASE = 1000
# Keys of sets and topics (as the CSV and the pairs file name them).
SET_KEY = re.compile(r"^[a-z0-9][a-z0-9_:.\-]{0,63}$")
TOPIC_KEY = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
# Set keys the product ships or may ship: the organisation's own sets take other names.
RESERVED_SET_PREFIXES = ("dept:", "program:")

_SHIPPED_SETS: dict[str, TopicSetDef] = {s.key: s for s in TOPIC_SETS}


def reserved_set_key(key: str) -> bool:
    return key == COMMON_SET_KEY or key.startswith(RESERVED_SET_PREFIXES)


def label_problem(value: str, limit: int = TOPIC_LABEL_MAX) -> str | None:
    """ "required" or "too_long" for a label or name that cannot be stored, else None."""
    if not value.strip():
        return "required"
    if len(value.strip()) > limit:
        return "too_long"
    return None


def _fields(row: Topic | TopicSet) -> set[str]:
    return {f for f in row.org_fields.split(",") if f}


def shipped_topic(set_key: str, topic: Topic) -> TopicDef | None:
    """The shipped definition of a stored topic (None for the organisation's own)."""
    shipped_set = _SHIPPED_SETS.get(set_key)
    if shipped_set is None or not topic.shipped:
        return None
    try:
        return shipped_set.topic(topic.key)
    except KeyError:
        return None


def change(row: Topic | TopicSet, name: str, value: Any, shipped: Any | None) -> bool:
    """Set one field as the organisation's change. On a shipped row (`shipped` is the
    product's value) the field is marked as the organisation's, or handed back to the
    product when set to the product's value. False when nothing changed."""
    if getattr(row, name) == value:
        return False
    setattr(row, name, value)
    if shipped is not None:
        fields = _fields(row)
        if value == shipped:
            fields.discard(name)
        else:
            fields.add(name)
        row.org_fields = ",".join(sorted(fields))
    return True


def topic_changes(
    set_key: str, topic: Topic, *, label_ja: str, label_en: str, continuing: bool, active: bool
) -> bool:
    """Apply an organisation's edit of a topic; True when anything changed."""
    shipped = shipped_topic(set_key, topic)
    wanted: Iterable[tuple[str, Any, Any]] = (
        ("label_ja", label_ja, shipped.ja if shipped else None),
        ("label_en", label_en, shipped.en if shipped else None),
        ("continuing", continuing, shipped.continuing if shipped else None),
        ("active", active, True if shipped else None),
    )
    changed = [change(topic, name, value, was) for name, value, was in wanted]
    return any(changed)


def set_changes(topic_set: TopicSet, *, name_ja: str, name_en: str) -> bool:
    shipped = _SHIPPED_SETS.get(topic_set.key) if topic_set.builtin else None
    changed = [
        change(topic_set, "name_ja", name_ja, shipped.ja if shipped else None),
        change(topic_set, "name_en", name_en, shipped.en if shipped else None),
    ]
    return any(changed)


async def ensure_builtin_catalog(db: Database) -> None:
    """Insert or refresh the shipped TopicSets; idempotent, safe on every start.

    Shipped text follows the release, except the fields the organisation changed; new
    shipped topics appear; hidden topics stay hidden; the organisation's own topics and sets
    (and a topic of its own that happens to take a key a later release ships) are left alone.
    """
    async with db.write() as session:
        existing = {s.key: s for s in (await session.exec(select(TopicSet))).all()}
        for set_def in TOPIC_SETS:
            topic_set = existing.get(set_def.key)
            if topic_set is None:
                topic_set = TopicSet(key=set_def.key, kind=set_def.kind, name_ja="", name_en="")
            elif not topic_set.builtin:
                continue  # the organisation's set under a key a release now ships
            mine = _fields(topic_set)
            topic_set.kind = set_def.kind
            if "name_ja" not in mine:
                topic_set.name_ja = set_def.ja
            if "name_en" not in mine:
                topic_set.name_en = set_def.en
            topic_set.builtin = True
            session.add(topic_set)
            await session.flush()
            assert topic_set.id is not None
            topics = {
                t.key: t
                for t in (
                    await session.exec(select(Topic).where(Topic.topic_set_id == topic_set.id))
                ).all()
            }
            for position, topic_def in enumerate(set_def.topics):
                topic = topics.get(topic_def.key)
                if topic is None:
                    topic = Topic(
                        topic_set_id=topic_set.id, key=topic_def.key, label_ja="", label_en=""
                    )
                elif not topic.shipped:
                    continue
                mine = _fields(topic)
                if "label_ja" not in mine:
                    topic.label_ja = topic_def.ja
                if "label_en" not in mine:
                    topic.label_en = topic_def.en
                if "continuing" not in mine:
                    topic.continuing = topic_def.continuing
                topic.position = position
                session.add(topic)


# --- reading and changing the catalogs (the admin screens and the CSV share these) ---------------


@dataclass(frozen=True)
class SetView:
    id: int
    key: str
    name_ja: str
    name_en: str
    builtin: bool

    def name(self, locale: str) -> str:
        return localized(locale, self.name_ja, self.name_en)


@dataclass(frozen=True)
class TopicView:
    id: int
    set_id: int
    key: str
    label_ja: str
    label_en: str
    continuing: bool
    active: bool
    shipped: bool
    # Fields the organisation changed on a shipped topic.
    changed: frozenset[str]
    # The product's own (Japanese, English) names of a shipped topic, when asked for.
    shipped_labels: tuple[str, str] | None = None

    def label(self, locale: str) -> str:
        return localized(locale, self.label_ja, self.label_en)


def set_view(row: TopicSet) -> SetView:
    assert row.id is not None
    return SetView(row.id, row.key, row.name_ja, row.name_en, row.builtin)


def topic_view(row: Topic, set_key: str | None = None) -> TopicView:
    """A topic for the admin's screens; with its set's key, also the product's names."""
    assert row.id is not None
    shipped = shipped_topic(set_key, row) if set_key is not None else None
    return TopicView(
        id=row.id,
        set_id=row.topic_set_id,
        key=row.key,
        label_ja=row.label_ja,
        label_en=row.label_en,
        continuing=row.continuing,
        active=row.active,
        shipped=row.shipped,
        changed=frozenset(_fields(row)),
        shipped_labels=(shipped.ja, shipped.en) if shipped else None,
    )


async def all_sets(session: AsyncSession) -> list[TopicSet]:
    """Shipped sets first (in the product's order), then the organisation's by creation."""
    rows = list((await session.exec(select(TopicSet).order_by(col(TopicSet.id)))).all())
    order = {s.key: n for n, s in enumerate(TOPIC_SETS)}
    return sorted(rows, key=lambda s: (not s.builtin, order.get(s.key, 0), s.id or 0))


async def topics_of(session: AsyncSession, set_id: int) -> list[Topic]:
    """Every topic of a set, hidden ones too, in the pickers' order."""
    rows = await session.exec(
        select(Topic)
        .where(Topic.topic_set_id == set_id)
        .order_by(col(Topic.position), col(Topic.id))
    )
    return list(rows.all())


async def next_position(session: AsyncSession, set_id: int) -> int:
    highest = (
        await session.exec(select(sa.func.max(Topic.position)).where(Topic.topic_set_id == set_id))
    ).one()
    return max(int(highest or 0) + 1, ORG_POSITION_BASE)


async def free_key(
    session: AsyncSession, model: type[Topic] | type[TopicSet], stem: str, **where: Any
) -> str:
    """A key no row of `model` (within `where`) has: `stem1`, `stem2`, ..."""
    stmt = select(model.key)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    taken = set((await session.exec(stmt)).all())
    n = 1
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"
