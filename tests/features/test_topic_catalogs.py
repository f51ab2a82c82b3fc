"""The organisation's topic catalogs: changes that survive the shipped catalog's updates, and
the topics CSV (export, import, refusals), on SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.catalog import topic_set as shipped_set
from bot.features.org import (
    TopicImportError,
    TopicImportReport,
    ensure_builtin_catalog,
    export_topics,
    import_topics,
    import_topics_file,
)
from bot.features.org.topic_import import export_topics_file
from bot.features.picks import PickInput
from storage.db import Database
from storage.models import Pair, Topic, TopicSet
from tests.fakes import FakeMessenger, add_person, services_with

NOW = datetime(2031, 3, 20, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
ONBOARDING = "org:onboarding,オンボーディング,Onboarding,first_week,最初の1週間,First week,,"
HEADER = "set,set_name_ja,set_name_en,topic,label_ja,label_en,continuing,hidden"


def topics_file(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


async def topic(db: Database, set_key: str, key: str) -> Topic:
    async with db.read() as session:
        found = (
            await session.exec(
                select(Topic)
                .join(TopicSet, col(TopicSet.id) == Topic.topic_set_id)
                .where(TopicSet.key == set_key, Topic.key == key)
            )
        ).one()
    return found


async def snapshot(db: Database) -> list[tuple[object, ...]]:
    async with db.read() as session:
        rows = await session.exec(select(Topic).order_by(col(Topic.id)))
        return [tuple(t.model_dump().values()) for t in rows]


# --- the shipped catalog and the organisation's changes ---------------------------------------


async def test_reseeding_keeps_the_organisations_rename_and_updates_the_rest(db: Database) -> None:
    await import_topics(db, topics_file("dept:sales,,,next_move,次の打ち手,Next step,false,false"))
    # A later release rewords the English label of a topic the organisation never touched.
    async with db.write() as session:
        await session.exec(
            sa.update(Topic).where(col(Topic.key) == "deal_strategy").values(label_en="Old wording")
        )

    await ensure_builtin_catalog(db)

    renamed = await topic(db, "dept:sales", "next_move")
    assert (renamed.label_ja, renamed.label_en) == ("次の打ち手", "Next step")
    assert renamed.org_fields == "label_en,label_ja"
    assert (await topic(db, "dept:sales", "deal_strategy")).label_en == "Running deals"


async def test_new_shipped_topics_appear_and_hidden_ones_stay_hidden(db: Database) -> None:
    await import_topics(db, topics_file("common,,,private,プライベート,Private life,false,true"))
    async with db.write() as session:
        # As if a release added "policy" to the common set after this database was seeded.
        policy = await topic(db, "common", "policy")
        await session.exec(sa.delete(Topic).where(col(Topic.id) == policy.id))

    await ensure_builtin_catalog(db)

    assert (await topic(db, "common", "policy")).label_ja == "会社や部署の方針"
    assert (await topic(db, "common", "private")).active is False


async def test_setting_the_shipped_text_again_hands_the_field_back(db: Database) -> None:
    await import_topics(db, topics_file("common,,,work,仕事,Work,false,false"))
    assert (await topic(db, "common", "work")).org_fields == "label_ja"

    await import_topics(db, topics_file("common,,,work,業務,Work,false,false"))

    assert (await topic(db, "common", "work")).org_fields == ""


async def test_the_organisations_own_topic_is_never_touched_by_seeding(db: Database) -> None:
    sales = shipped_set("dept:sales")
    await import_topics(
        db,
        topics_file(
            "dept:sales,,,kpi_progress,数字の話,Numbers,true,false",
            "dept:sales,,,key_accounts,重点顧客,Key accounts,false,false",
        ),
    )

    await ensure_builtin_catalog(db)

    own = await topic(db, "dept:sales", "key_accounts")
    assert (own.label_ja, own.shipped, own.active) == ("重点顧客", False, True)
    assert own.position > len(sales.topics)  # after the shipped ones, whatever a release adds
    assert (await topic(db, "dept:sales", "kpi_progress")).label_ja == "数字の話"


# --- the topics CSV -----------------------------------------------------------------------------


async def test_export_then_import_changes_nothing(db: Database, tmp_path: Path) -> None:
    await import_topics(
        db,
        topics_file(
            ONBOARDING,
            "common,,,private,プライベート,Private life,false,true",
        ),
    )
    before = await snapshot(db)
    path = tmp_path / "topics.csv"
    rows = await export_topics_file(db, path)

    report = await import_topics_file(db, path)

    assert rows == len(before)
    assert report == TopicImportReport(topics_unchanged=len(before))
    assert await snapshot(db) == before
    assert await export_topics(db) == path.read_text(encoding="utf-8-sig")
    assert "org:onboarding,オンボーディング,Onboarding,first_week" in path.read_text("utf-8-sig")


async def test_import_renames_hides_and_adds_topics_and_sets(db: Database) -> None:
    report = await import_topics(
        db,
        topics_file(
            "dept:sales,営業部,Sales team,next_move,次の打ち手,Next step,false,false",
            "dept:sales,営業部,Sales team,customer_issues,顧客対応の悩み,Difficult customers,,true",
            ONBOARDING,
            "org:onboarding,,,buddy,バディとの関係,My buddy,true,no",
        ),
    )

    assert report == TopicImportReport(
        sets_created=1, sets_updated=1, topics_created=2, topics_updated=2
    )
    assert (await topic(db, "dept:sales", "customer_issues")).active is False
    buddy = await topic(db, "org:onboarding", "buddy")
    assert (buddy.label_en, buddy.continuing, buddy.shipped) == ("My buddy", True, False)
    async with db.read() as session:
        sales = (await session.exec(select(TopicSet).where(TopicSet.key == "dept:sales"))).one()
        onboarding = (
            await session.exec(select(TopicSet).where(TopicSet.key == "org:onboarding"))
        ).one()
    assert (sales.name_ja, sales.name_en, sales.org_fields) == (
        "営業部",
        "Sales team",
        "name_en,name_ja",
    )
    assert onboarding.builtin is False

    await ensure_builtin_catalog(db)  # the next upgrade
    async with db.read() as session:
        sales = (await session.exec(select(TopicSet).where(TopicSet.key == "dept:sales"))).one()
    assert sales.name_ja == "営業部"


async def test_bad_rows_are_reported_with_their_lines_and_nothing_changes(db: Database) -> None:
    before = await snapshot(db)
    text = topics_file(
        "common,,,work,仕事,Work,false,false",  # 2: fine
        "Common!,,,work,仕事,Work,false,false",  # 3: bad set key
        "common,,,,仕事,Work,false,false",  # 4: no topic key
        "common,,,career,,Career,false,false",  # 5: no Japanese label
        "common,,,skills," + "あ" * 31 + ",Skills,false,false",  # 6: too long
        "common,,,relationships,人間関係,Relationships,maybe,false",  # 7: bad flag
        "common,,,work,業務,Work,false,false",  # 8: the same topic again
        "org:x,,,a,ア,A,false,false",  # 9: a new set without names
        "dept:legal,法務,Legal,a,ア,A,false,false",  # 10: the product's key space
        "org:y,Y,Y,a,ア,A,false,false",  # 11: fine
        "org:y,Z,Z,b,イ,B,false,false",  # 12: other names for the same set
    )

    with pytest.raises(TopicImportError) as caught:
        await import_topics(db, text)

    assert [(e.line, e.reason) for e in caught.value.errors] == [
        (3, "bad_key"),
        (4, "bad_key"),
        (5, "missing_label"),
        (6, "too_long"),
        (7, "bad_flag"),
        (8, "duplicate_topic"),
        (9, "missing_set_name"),
        (10, "reserved_key"),
        (12, "set_name_conflict"),
    ]
    assert "line 8 (common/work): duplicate_topic" in str(caught.value)
    assert await snapshot(db) == before
    async with db.read() as session:
        assert (await session.exec(select(TopicSet).where(TopicSet.key == "org:y"))).all() == []


async def test_a_file_that_is_not_utf8_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "topics.csv"
    path.write_bytes(topics_file("common,,,work,仕事,Work,false,false").encode("cp932"))

    with pytest.raises(TopicImportError) as caught:
        await import_topics_file(db, path)

    assert caught.value.errors[0].reason == "not_utf8"
    assert (await topic(db, "common", "work")).label_ja == "業務"


# --- what the picker shows ------------------------------------------------------------------------


async def test_the_picker_follows_renames_and_hidden_topics_keep_old_picks(db: Database) -> None:
    services = services_with(db, FakeMessenger(), at=NOW)
    leader = await add_person(db, "Lead", department="営業部")
    member = await add_person(db, "Mem", department="営業部", locale="en")
    assert leader.id is not None
    assert member.id is not None
    async with db.write() as session:
        pair = Pair(leader_id=leader.id, member_id=member.id)
        session.add(pair)
        await session.flush()
        pair_id = pair.id
    assert pair_id is not None
    picks = services.picks
    opened = await picks.for_member(member.id, pair_id, now=NOW)
    by_key = {t.key: t for t in opened.topics}
    await picks.save(
        member.id,
        pair_id,
        [PickInput(by_key["customer_issues"].id, "listen")],
        now=NOW,
    )

    await import_topics(
        db,
        topics_file(
            "dept:sales,,,customer_issues,顧客対応の悩み,Difficult customers,false,true",
            "dept:sales,,,next_move,次の打ち手,Next step,false,false",
        ),
    )
    picks.invalidate_catalog()  # the CLI ran in another process; this one re-reads
    after = await picks.for_member(member.id, pair_id, now=NOW)

    offered = {t.key: (t.label_ja, t.label_en) for t in after.topics}
    assert "customer_issues" not in offered
    assert offered["next_move"] == ("次の打ち手", "Next step")
    assert [(p.topic_key, p.label("en"), p.label("ja")) for p in after.picks] == [
        ("customer_issues", "Difficult customers", "顧客対応の悩み")
    ]
