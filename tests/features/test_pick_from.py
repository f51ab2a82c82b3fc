"""A stored agenda item as the pick every feature shows (the picker, the memo thread, the
leader's digest)."""

from __future__ import annotations

from bot.catalog import Expectation
from bot.features.picks import Pick, pick_from
from storage.models import AgendaItem, Topic

TOPIC = Topic(id=7, topic_set_id=1, key="career", label_ja="キャリア", label_en="Career")


def test_a_catalog_topic_takes_the_topics_labels() -> None:
    item = AgendaItem(agenda_id=1, topic_id=7, expectation="listen", note="soon")

    assert pick_from(item, TOPIC) == Pick(
        topic_id=7,
        topic_key="career",
        label_ja="キャリア",
        label_en="Career",
        expectation=Expectation.LISTEN,
        note="soon",
    )


def test_a_free_topic_is_the_members_own_words() -> None:
    item = AgendaItem(agenda_id=1, topic_id=None, free_topic="引っ越し", expectation="advice")

    pick = pick_from(item, None)

    assert (pick.free, pick.topic_key, pick.label("ja"), pick.label("en")) == (
        True,
        None,
        "引っ越し",
        "引っ越し",
    )


def test_a_topic_no_longer_offered_is_still_no_free_topic() -> None:
    item = AgendaItem(agenda_id=1, topic_id=7, expectation="listen")

    pick = pick_from(item, None)

    assert (pick.free, pick.topic_id, pick.label_en) == (False, 7, "")
