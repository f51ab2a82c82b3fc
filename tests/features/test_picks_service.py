"""The picks feature's use cases at service level: the real services and database (SQLite and
PostgreSQL), the shared fake Messenger in place of Slack or Teams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.container import Services
from bot.core.errors import NotAllowed
from bot.features.picks import LeaderPicksNotice, PickInput
from bot.ports import SLACK, MessageRef
from storage.db import Database
from storage.models import Agenda, AgendaItem
from tests.fakes import FakeMessenger, SmallOrg, add_slot, id_of, rows, services_with, small_org

NOW = datetime(2031, 5, 14, 3, 0, tzinfo=UTC)  # a Wednesday, 12:00 in Tokyo
SLOT_AT = datetime(2031, 5, 20, 1, 0, tzinfo=UTC)  # the next Tuesday, 10:00 in Tokyo


async def _setup(db: Database) -> tuple[Services, FakeMessenger, SmallOrg]:
    messenger = FakeMessenger()
    services = services_with(db, messenger, at=NOW)
    return services, messenger, await small_org(db)


async def _choices(services: Services, org: SmallOrg) -> list[PickInput]:
    """Two of the member's topics: the first to be listened to, the second with a note."""
    mine = await services.picks.for_member(id_of(org.member), org.pair_id, now=NOW)
    first, second = mine.topics[0], mine.topics[1]
    return [
        PickInput(topic_id=first.id, expectation="listen"),
        PickInput(topic_id=second.id, expectation="advice", note="before the review"),
    ]


async def test_the_member_saves_picks_and_both_of_the_pair_read_them(db: Database) -> None:
    services, _, org = await _setup(db)
    await add_slot(db, org.pair, SLOT_AT)
    choices = await _choices(services, org)

    saved = await services.picks.save(id_of(org.member), org.pair_id, choices, now=NOW)

    assert saved.notify_leader
    assert saved.picks.slot_at == SLOT_AT
    for reader in (org.member, org.leader):
        seen = await services.picks.for_party(id_of(reader), org.pair_id, now=NOW)
        assert [(p.topic_id, p.expectation.value, p.note) for p in seen.picks] == [
            (choices[0].topic_id, "listen", None),
            (choices[1].topic_id, "advice", "before the review"),
        ]
        assert seen.updated_at == NOW
    own = await services.picks.overview(id_of(org.member), now=NOW)
    assert own.counts[org.pair_id] == 2
    assert [p.note for p in own.own_picks[org.pair_id].picks] == [None, "before the review"]
    items = await rows(db, AgendaItem)
    assert [(i.topic_id, i.position) for i in items] == [
        (choices[0].topic_id, 0),
        (choices[1].topic_id, 1),
    ]


async def test_a_third_person_can_neither_read_nor_save_the_picks(db: Database) -> None:
    services, messenger, org = await _setup(db)
    choices = await _choices(services, org)
    await services.picks.save(id_of(org.member), org.pair_id, choices, now=NOW)

    for stranger in (org.outsider, org.other_member):
        with pytest.raises(NotAllowed):
            await services.picks.for_party(id_of(stranger), org.pair_id, now=NOW)
        with pytest.raises(NotAllowed):
            await services.picks.for_member(id_of(stranger), org.pair_id, now=NOW)
        with pytest.raises(NotAllowed):
            await services.picks.save(id_of(stranger), org.pair_id, choices[:1], now=NOW)
    # The leader reads the picks but does not make them.
    with pytest.raises(NotAllowed):
        await services.picks.save(id_of(org.leader), org.pair_id, choices[:1], now=NOW)
    assert org.pair_id not in (await services.picks.overview(id_of(org.outsider), now=NOW)).counts

    assert len(await rows(db, AgendaItem)) == 2  # still the member's two
    assert messenger.calls == []


async def test_saving_the_same_picks_twice_stores_them_once(db: Database) -> None:
    services, _, org = await _setup(db)
    choices = await _choices(services, org)

    await services.picks.save(id_of(org.member), org.pair_id, choices, now=NOW)
    again = await services.picks.save(
        id_of(org.member), org.pair_id, choices, now=NOW + timedelta(seconds=1)
    )

    assert not again.notify_leader
    assert len(await rows(db, Agenda)) == 1
    assert len(await rows(db, AgendaItem)) == 2
    seen = await services.picks.for_member(id_of(org.member), org.pair_id, now=NOW)
    assert len(seen.picks) == 2


async def test_the_leader_is_told_once_and_the_message_is_then_kept_current(
    db: Database,
) -> None:
    services, messenger, org = await _setup(db)
    await add_slot(db, org.pair, SLOT_AT)
    choices = await _choices(services, org)

    first = await services.picks.save(id_of(org.member), org.pair_id, choices[:1], now=NOW)
    await services.picks.tell_leader(first)

    told = LeaderPicksNotice(org.pair_id, "Mo", SLOT_AT, 1, updated=False)
    assert messenger.sent == [(id_of(org.leader), told)]
    (agenda,) = await rows(db, Agenda)
    stored = (agenda.leader_notice_conversation, agenda.leader_notice_message_id)
    assert stored == ("D0", "1.0")

    later = NOW + timedelta(hours=2)
    for _ in range(2):
        result = await services.picks.save(id_of(org.member), org.pair_id, choices, now=later)
        await services.picks.tell_leader(result)
        assert result.leader_notice == MessageRef(SLACK, "D0", "1.0")

    assert len(messenger.sent) == 1, "one message per 1on1, not a ping for every save"
    update = LeaderPicksNotice(org.pair_id, "Mo", SLOT_AT, 2, updated=True)
    assert messenger.updates == [(MessageRef(SLACK, "D0", "1.0"), update)] * 2
    assert messenger.notices(LeaderPicksNotice, to=id_of(org.member)) == []


async def test_a_rate_limited_notice_is_sent_with_the_next_save(db: Database) -> None:
    services, messenger, org = await _setup(db)
    choices = await _choices(services, org)
    messenger.fail("send", "ratelimited", retry_after=1.0)

    result = await services.picks.save(id_of(org.member), org.pair_id, choices, now=NOW)
    await services.picks.tell_leader(result)

    assert [(method, e.code) for method, e in messenger.refused] == [("send", "ratelimited")]
    assert messenger.sent == []
    assert len(await rows(db, AgendaItem)) == 2, "the picks are kept all the same"

    result = await services.picks.save(id_of(org.member), org.pair_id, choices, now=NOW)
    await services.picks.tell_leader(result)

    told = LeaderPicksNotice(org.pair_id, "Mo", None, 2, updated=False)
    assert messenger.sent == [(id_of(org.leader), told)]
    assert messenger.updates == []
