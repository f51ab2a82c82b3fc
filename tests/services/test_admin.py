"""Admins in chat: adding and ending pairs, keeping topic lists; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.container import Services
from bot.core.errors import NotAllowed, NotFound
from bot.core.message import present
from bot.features.admin import InvalidAdminInput, PairChanged, PairDraft, SetDraft, TopicDraft
from storage.db import Database
from storage.models import Pair, PairKind, Person, Role, Slot, SlotState, Topic, TopicSet
from tests.fakes import FakeMessenger, add_person, id_of, services_with

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2031, 3, 20, 12, 0, tzinfo=TOKYO)  # a Thursday


@pytest.fixture
def messenger() -> FakeMessenger:
    return FakeMessenger()


@pytest.fixture
async def services(db: Database, messenger: FakeMessenger) -> Services:
    return services_with(db, messenger, at=NOW)


@pytest.fixture
async def people(db: Database) -> dict[str, Person]:
    return {
        "admin": await add_person(db, "Ada", role=Role.admin),
        "hr": await add_person(db, "Hana", role=Role.hr),
        "senior": await add_person(db, "Sen", department="開発部"),
        "newbie": await add_person(db, "Nia", department="開発部"),
    }


def draft(**changes: object) -> PairDraft:
    values: dict[str, object] = {
        "platform": "slack",
        "leader_user": "USEN",
        "member_user": "UNIA",
        "kind": "senior",
        "program": "new_hire",
        "starts_on": date(2031, 4, 1),
    }
    values.update(changes)
    return PairDraft(**values)  # type: ignore[arg-type]


async def pairs(db: Database) -> list[Pair]:
    async with db.read() as session:
        return list((await session.exec(select(Pair).order_by(col(Pair.id)))).all())


async def slots(db: Database, pair_id: int) -> list[Slot]:
    async with db.read() as session:
        found = await session.exec(
            select(Slot).where(Slot.pair_id == pair_id).order_by(col(Slot.starts_at))
        )
        return list(found.all())


def codes(caught: pytest.ExceptionInfo[InvalidAdminInput]) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in caught.value.errors}


async def test_only_admins_get_anywhere(
    services: Services, people: dict[str, Person], db: Database
) -> None:
    admin = services.admin
    for who in ("hr", "senior"):
        actor = id_of(people[who])
        with pytest.raises(NotAllowed):
            await admin.check(actor)
        with pytest.raises(NotAllowed):
            await admin.pair_form(actor)
        with pytest.raises(NotAllowed):
            await admin.add_pair(actor, draft(), now=NOW)
        with pytest.raises(NotAllowed):
            await admin.end_pair(actor, 1, date(2031, 5, 1), now=NOW)
        with pytest.raises(NotAllowed):
            await admin.pairs_of_user(actor, "slack", "USEN")
        with pytest.raises(NotAllowed):
            await admin.catalog(actor)
        with pytest.raises(NotAllowed):
            await admin.save_topic(actor, TopicDraft("x", "x", set_id=1))
        with pytest.raises(NotAllowed):
            await admin.create_set(actor, SetDraft("x", "x"))
    with pytest.raises(NotAllowed):
        await admin.check(999_999)  # nobody
    assert await pairs(db) == []


async def test_an_added_programme_pair_gets_its_set_and_default_cadence(
    services: Services, people: dict[str, Person], db: Database
) -> None:
    added = await services.admin.add_pair(id_of(people["admin"]), draft(), now=NOW)

    [pair] = await pairs(db)
    assert (pair.leader_id, pair.member_id, pair.kind, pair.program) == (
        people["senior"].id,
        people["newbie"].id,
        PairKind.senior,
        "new_hire",
    )
    async with db.read() as session:
        topic_set = await session.get(TopicSet, pair.topic_set_id)
    assert topic_set is not None
    assert topic_set.key == "program:new_hire"
    # New hire + senior: weekly, 30 minutes, from the first day at 10:00.
    assert pair.rrule is not None
    assert "FREQ=WEEKLY;UNTIL=20310701T100000;BYDAY=TU" in pair.rrule
    first = (await slots(db, id_of(pair)))[0]
    assert first.starts_at.astimezone(TOKYO) == datetime(2031, 4, 1, 10, 0, tzinfo=TOKYO)
    assert (added.pair.pair_id, added.pair.has_cadence) == (pair.id, True)


async def test_bad_pairs_are_refused_field_by_field(
    services: Services, people: dict[str, Person], db: Database
) -> None:
    admin = id_of(people["admin"])
    cases = [
        (draft(leader_user=None), {("leader", "required")}),
        (draft(member_user="UGHOST"), {("member", "unknown_person")}),
        (draft(member_user="USEN"), {("member", "self_pair")}),
        (draft(kind=None), {("kind", "required")}),
        (draft(program="onboarding"), {("program", "unknown")}),
        (draft(topic_set="dept:nowhere"), {("topic_set", "unknown")}),
        (draft(ends_on=date(2031, 3, 31)), {("ends_on", "before_start")}),
        (draft(platform="fax"), {("leader", "unknown_person"), ("member", "unknown_person")}),
    ]
    for wrong, expected in cases:
        with pytest.raises(InvalidAdminInput) as caught:
            await services.admin.add_pair(admin, wrong, now=NOW)
        assert codes(caught) == expected, wrong
    assert await pairs(db) == []

    await services.admin.add_pair(admin, draft(), now=NOW)
    with pytest.raises(InvalidAdminInput) as caught:
        await services.admin.add_pair(admin, draft(), now=NOW)
    assert codes(caught) == {("member", "exists")}
    assert len(await pairs(db)) == 1


async def test_ending_a_pair_calls_off_later_1on1s_and_keeps_its_history(
    services: Services, people: dict[str, Person], db: Database
) -> None:
    admin = id_of(people["admin"])
    added = await services.admin.add_pair(admin, draft(), now=NOW)
    pair_id = added.pair.pair_id
    planned = await slots(db, pair_id)
    assert len(planned) > 3
    # The first one happened.
    async with db.write() as session:
        held = await session.get(Slot, planned[0].id)
        assert held is not None
        held.state = SlotState.held
        session.add(held)
    last_day = planned[2].starts_at.astimezone(TOKYO).date()

    ended = await services.admin.end_pair(admin, pair_id, last_day, now=NOW)

    after = await slots(db, pair_id)
    assert [s.state for s in after[:3]] == [SlotState.held, SlotState.planned, SlotState.planned]
    assert all(s.state is SlotState.cancelled for s in after[3:])
    assert ended.cancelled == len(after) - 3
    assert ended.pair.ends_on == last_day
    # Planning later never goes past the last day.
    await services.tick.run(NOW + timedelta(days=20))
    assert all(
        s.state is not SlotState.planned or s.starts_at.astimezone(TOKYO).date() <= last_day
        for s in await slots(db, pair_id)
    )

    # A day already past ends a pair at once; an ended pair cannot be ended again.
    peers = await services.admin.add_pair(
        admin, draft(kind="peer", program=None, starts_on=None), now=NOW
    )
    await services.admin.end_pair(
        admin, peers.pair.pair_id, NOW.date() - timedelta(days=1), now=NOW
    )
    assert [p.active for p in await pairs(db)] == [True, False]
    with pytest.raises(InvalidAdminInput) as caught:
        await services.admin.end_pair(admin, peers.pair.pair_id, last_day, now=NOW)
    assert codes(caught) == {("pair", "pair_gone")}
    assert len(await slots(db, pair_id)) == len(after)  # nothing deleted


async def test_ending_needs_a_pair_and_a_day_not_before_its_first(
    services: Services, people: dict[str, Person]
) -> None:
    admin = id_of(people["admin"])
    added = await services.admin.add_pair(admin, draft(), now=NOW)

    with pytest.raises(InvalidAdminInput) as caught:
        await services.admin.end_pair(admin, None, None, now=NOW)
    assert codes(caught) == {("pair", "required"), ("ends_on", "required")}
    with pytest.raises(InvalidAdminInput) as caught:
        await services.admin.end_pair(admin, added.pair.pair_id, date(2031, 3, 1), now=NOW)
    assert codes(caught) == {("ends_on", "before_start")}


async def test_the_end_form_lists_a_persons_active_pairs(
    services: Services, people: dict[str, Person]
) -> None:
    admin = id_of(people["admin"])
    await services.admin.add_pair(admin, draft(), now=NOW)

    found = await services.admin.pairs_of_user(admin, "slack", "UNIA")

    assert found.person_name == "Nia"
    assert [(p.leader_name, p.member_name, p.kind) for p in found.pairs] == [
        ("Sen", "Nia", PairKind.senior)
    ]
    assert (await services.admin.pairs_of_user(admin, "slack", "UADA")).pairs == []


async def test_topics_are_added_renamed_hidden_and_sets_made(
    services: Services, people: dict[str, Person], db: Database
) -> None:
    admin = services.admin
    actor = id_of(people["admin"])
    screen = await admin.catalog(actor)
    assert screen.current.key == "common"
    work = next(t for t in screen.topics if t.key == "work")

    renamed = await admin.save_topic(
        actor, TopicDraft("仕事全般", "Work in general", topic_id=work.id)
    )
    hidden = await admin.save_topic(
        actor,
        TopicDraft(
            "プライベート",
            "Private life",
            hidden=True,
            topic_id=next(t.id for t in screen.topics if t.key == "private"),
        ),
    )
    added = await admin.save_topic(
        actor, TopicDraft(" 評価の不安 ", "Worries", set_id=screen.current.id)
    )

    shown = {t.key: t for t in added.topics}
    assert (shown["work"].label_ja, shown["work"].changed) == (
        "仕事全般",
        frozenset({"label_ja", "label_en"}),
    )
    assert renamed.current.id == hidden.current.id == screen.current.id
    assert shown["private"].active is False
    assert (shown["org_1"].label_ja, shown["org_1"].shipped) == ("評価の不安", False)

    with pytest.raises(InvalidAdminInput) as caught:
        await admin.save_topic(actor, TopicDraft("", "x" * 31, set_id=screen.current.id))
    assert codes(caught) == {("label_ja", "required"), ("label_en", "too_long")}
    with pytest.raises(NotFound):
        await admin.save_topic(actor, TopicDraft("a", "b", topic_id=999_999))

    made = await admin.create_set(
        actor, SetDraft("新人エンジニア", "New engineers", copy_from=screen.current.id)
    )
    assert (made.current.key, made.current.builtin) == ("org:set1", False)
    assert {t.key for t in made.topics} == {t.key for t in added.topics}
    assert all(not t.shipped for t in made.topics)
    async with db.read() as session:
        copies = (
            await session.exec(select(Topic).where(Topic.topic_set_id == made.current.id))
        ).all()
    assert len(copies) == len(added.topics)


async def test_both_people_are_told_and_a_failed_message_changes_nothing(
    services: Services, people: dict[str, Person], messenger: FakeMessenger, db: Database
) -> None:
    admin = services.admin
    added = await admin.add_pair(id_of(people["admin"]), draft(), now=NOW)

    await admin.tell_pair(added.pair, ended=False)

    told = {who: notice for who, notice in messenger.sent if isinstance(notice, PairChanged)}
    assert set(told) == {people["senior"].id, people["newbie"].id}
    senior = present(told[people["senior"].id], "ja", "Asia/Tokyo")
    newbie = present(told[people["newbie"].id], "en", "Asia/Tokyo")
    assert senior.fallback == ":handshake: 管理者が、*Niaさん*との1on1(後輩)を設定しました。"
    assert newbie.fallback == ":handshake: An admin set up your 1on1 with *Sen* (senior)."
    assert "schedule" in str(newbie.body)

    messenger.fail("send", "account_inactive", permanent=True, times=None)
    ended = await admin.end_pair(
        id_of(people["admin"]), added.pair.pair_id, date(2031, 5, 1), now=NOW
    )
    await admin.tell_pair(ended.pair, ended=True)  # logged, not raised

    assert len(messenger.refused) == 2
    assert [p.ends_on for p in await pairs(db)] == [date(2031, 5, 1)]
    message = present(
        PairChanged(
            pair_id=1,
            kind=PairKind.mentor,
            as_leader=False,
            other_name="<Sen>",
            ended=True,
            ends_on=date(2031, 5, 1),
            has_cadence=True,
        ),
        "ja",
        "Asia/Tokyo",
    )
    assert (
        "*&lt;Sen&gt;さん*との1on1(メンター)は、管理者の設定により 2031-05-01 で終了します"
        in str(message.body)
    )
