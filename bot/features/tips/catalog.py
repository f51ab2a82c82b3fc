"""The topics a tip can be tagged with: every built-in catalog topic, each key once.

Tips are shared across departments, so the tip form offers all the built-in topics, grouped by
the catalog that introduces them (the common ones first). A topic of one's own goes into the
tip's free topic instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import TOPIC_SETS, TopicDef, label
from bot.i18n import localized


@dataclass(frozen=True)
class TopicGroup:
    key: str
    ja: str
    en: str
    topics: tuple[TopicDef, ...]

    def label(self, locale: str) -> str:
        return label(self, locale)


def _groups() -> tuple[TopicGroup, ...]:
    seen: set[str] = set()
    groups: list[TopicGroup] = []
    for topic_set in TOPIC_SETS:
        fresh = tuple(t for t in topic_set.topics if t.key not in seen)
        seen.update(t.key for t in fresh)
        if fresh:
            groups.append(TopicGroup(topic_set.key, topic_set.ja, topic_set.en, fresh))
    return tuple(groups)


TOPIC_GROUPS: tuple[TopicGroup, ...] = _groups()
_BY_KEY: dict[str, TopicDef] = {t.key: t for g in TOPIC_GROUPS for t in g.topics}


def known_topic(key: str) -> bool:
    return key in _BY_KEY


def topic_labels(key: str) -> tuple[str, str] | None:
    """(Japanese, English) labels of a built-in topic key, or None if it is not one."""
    topic = _BY_KEY.get(key)
    return (topic.ja, topic.en) if topic is not None else None


def topic_label(key: str | None, locale: str) -> str | None:
    labels = topic_labels(key) if key else None
    if labels is None:
        return None
    return localized(locale, *labels)
