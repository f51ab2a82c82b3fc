"""The leader's "picks saved" notice: decided and sent by the picks service, through the core's
Messenger, so every surface tells the leader the same way."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.message import Button, Note, Text, present
from bot.features.org import PairService, PeopleService
from bot.features.picks import LeaderPicksNotice, PickInput, PicksService
from bot.metrics import Metrics
from bot.ports import SLACK, MessageRef
from storage.db import Database
from storage.models import Pair, Person
from tests.fakes import FakeMessenger

NOW = datetime(2031, 5, 14, 3, 0, tzinfo=UTC)


async def _setup(db: Database, messenger: FakeMessenger) -> tuple[PicksService, Metrics, int, int]:
    async with db.write() as session:
        leader = Person(email="l@example.com", name="Lea", slack_id="UL", locale="en")
        member = Person(email="m@example.com", name="<Mo>", slack_id="UM")
        session.add_all([leader, member])
        await session.flush()
        assert leader.id is not None
        assert member.id is not None
        pair = Pair(leader_id=leader.id, member_id=member.id)
        session.add(pair)
        await session.flush()
        assert pair.id is not None
        member_id, pair_id = member.id, pair.id
    people = PeopleService(db, default_locale="ja", default_timezone="Asia/Tokyo")
    metrics = Metrics()
    service = PicksService(db, PairService(db), messenger=messenger, people=people, metrics=metrics)
    return service, metrics, member_id, pair_id


def _free(topic: str) -> list[PickInput]:
    return [PickInput(topic_id=None, expectation="listen", note=None, free_topic=topic)]


async def test_the_first_save_sends_one_notice_and_later_saves_update_it(db: Database) -> None:
    messenger = FakeMessenger()
    picks, _, member, pair = await _setup(db, messenger)

    await picks.tell_leader(await picks.save(member, pair, _free("career"), now=NOW))
    assert len(messenger.sent) == 1
    notice = messenger.sent[0][1]
    assert notice == LeaderPicksNotice(pair, "<Mo>", None, 1, updated=False)

    await picks.tell_leader(await picks.save(member, pair, _free("health"), now=NOW))
    assert len(messenger.sent) == 1, "one message per 1on1, not a ping for every edit"
    ref, updated = messenger.updates[0]
    assert ref == MessageRef(SLACK, "D0", "1.0")
    assert isinstance(updated, LeaderPicksNotice)
    assert updated.updated


async def test_a_notice_that_failed_is_sent_with_the_next_save(db: Database) -> None:
    messenger = FakeMessenger()
    messenger.fail("send", "ratelimited")
    picks, metrics, member, pair = await _setup(db, messenger)

    await picks.tell_leader(await picks.save(member, pair, _free("career"), now=NOW))
    assert messenger.sent == []
    assert metrics.value("oneonone_errors_total", kind="leader_notice") == 1

    await picks.tell_leader(await picks.save(member, pair, _free("career"), now=NOW))
    assert len(messenger.sent) == 1
    assert messenger.updates == []


def test_the_presenter_escapes_the_name_in_the_body_only() -> None:
    notice = LeaderPicksNotice(7, "<Mo>", None, 2, updated=False)
    message = present(notice, "en", "UTC")
    assert "<Mo>" in message.fallback
    text, note = message.body
    assert isinstance(text, Text)
    assert isinstance(note, Note)
    assert "&lt;Mo&gt;" in text.markup
    assert "not scheduled yet" in text.markup
    assert isinstance(text.action, Button)
    assert (text.action.action, text.action.value) == ("view_picks", "7")
