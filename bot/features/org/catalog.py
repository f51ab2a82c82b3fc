"""The topic catalogs in the database: built-ins seeded from `bot.catalog`, admins may add."""

from __future__ import annotations

from sqlmodel import select

from bot.catalog import TOPIC_SETS
from storage.db import Database
from storage.models import Topic, TopicSet


async def ensure_builtin_catalog(db: Database) -> None:
    """Insert or refresh the shipped TopicSets; idempotent, safe on every start.

    Labels follow the shipped text; topics an admin deactivated stay deactivated.
    """
    async with db.write() as session:
        existing = {s.key: s for s in (await session.exec(select(TopicSet))).all()}
        for set_def in TOPIC_SETS:
            topic_set = existing.get(set_def.key)
            if topic_set is None:
                topic_set = TopicSet(key=set_def.key, kind=set_def.kind, name_ja="", name_en="")
            topic_set.kind = set_def.kind
            topic_set.name_ja = set_def.ja
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
                topic = topics.get(topic_def.key) or Topic(
                    topic_set_id=topic_set.id, key=topic_def.key, label_ja="", label_en=""
                )
                topic.label_ja = topic_def.ja
                topic.label_en = topic_def.en
                topic.position = position
                topic.continuing = topic_def.continuing
                session.add(topic)
