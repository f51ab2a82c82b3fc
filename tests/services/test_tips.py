"""The tips service on its own (no Slack): search, the digest's tips, sharing, seeding, weeks.

Every test here runs on SQLite and on PostgreSQL (`db` fixture), so both search indexes
(SQLite's `tip_gram` rows, PostgreSQL's GIN over bigram arrays) are exercised.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bench import bench_tips_search
from bot.features.org.people import PeopleService
from bot.features.tips import search as tips_search
from bot.features.tips.search import normalize, split_terms, text_codes
from bot.features.tips.service import (
    ConfigInput,
    InvalidInput,
    NotAllowed,
    OwnTip,
    ShareOutcome,
    TipDraft,
    TipNotFound,
    TipPost,
    TipQuery,
    TipsConfig,
    TipShared,
    TipsService,
    validate_draft,
)
from bot.features.tips.starter import STARTER_TIPS, ensure_starter_tips
from bot.features.tips.weekly import latest_week
from storage.db import Database
from storage.models import Pair, Person, Role, Tip, TipGram
from tests.fakes import FakeMessenger

NOW = datetime(2031, 5, 14, 3, 0, tzinfo=UTC)


@dataclass
class Org:
    service: TipsService
    messenger: FakeMessenger
    leader: int
    other_leader: int
    english_leader: int
    member: int
    admin: int


async def _person(db: Database, name: str, **extra: Any) -> int:
    async with db.write() as session:
        person = Person(email=f"{name}@example.com", name=name, slack_id=name.upper(), **extra)
        session.add(person)
        await session.flush()
        assert person.id is not None
        return person.id


async def _pair(db: Database, leader: int, member: int) -> None:
    async with db.write() as session:
        session.add(Pair(leader_id=leader, member_id=member))


async def make_org(db: Database, *, channel: str = "") -> Org:
    member = await _person(db, "member")
    leader = await _person(db, "leader", locale="ja")
    other = await _person(db, "other", locale="ja")
    english = await _person(db, "english", locale="en")
    admin = await _person(db, "admin", role=Role.admin)
    for each in (leader, other, english):
        await _pair(db, each, member)
    people = PeopleService(db, default_locale="ja", default_timezone="Asia/Tokyo")
    messenger = FakeMessenger()
    service = TipsService(db, messenger, people, default_channel=channel)
    return Org(service, messenger, leader, other, english, member, admin)


def draft(
    title: str,
    body: str = "本文",
    *,
    topic: str | None = "work",
    expectation: str = "listen",
    free: str | None = None,
) -> TipDraft:
    return TipDraft(topic, free, expectation, title, body)


async def set_helpful(db: Database, tip_id: int, count: int) -> None:
    async with db.write() as session:
        tip = await session.get(Tip, tip_id)
        assert tip is not None
        tip.helpful_count = count
        session.add(tip)


async def titles(org: Org, words: str, **query: object) -> list[str]:
    page = await org.service.search(org.leader, TipQuery(words=words, **query))  # type: ignore[arg-type]
    return [c.title for c in page.cards]


# --- text --------------------------------------------------------------------------------------


def test_terms_are_normalised_and_split_on_any_space() -> None:
    assert split_terms("  ＫＰＩ　傾聴 kpi  ") == ["kpi", "傾聴"]
    assert normalize("ｶﾀｶﾅ ＡＢＣ") == "カタカナ abc"
    assert split_terms("a b c d e f g") == ["a", "b", "c", "d", "e"]
    assert split_terms("") == []


def test_codes_are_japanese_bigrams_and_ascii_trigrams() -> None:
    assert text_codes("傾聴") == {(ord("傾") << 21) | ord("聴")}
    assert text_codes("x") == set()
    assert text_codes("ab") == set()  # English pairs narrow nothing down
    assert len(text_codes("abc")) == 1
    assert text_codes("abc") == text_codes("abc abc")
    assert text_codes("ab c") == set()  # nothing spans whitespace
    assert len(text_codes("kpiの")) == 2  # "kpi", "iの"
    assert not text_codes("傾聴") & text_codes("abc")


def test_validate_draft_reports_every_problem() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_draft(TipDraft("nope", "x" * 41, "", " ", "b" * 1501))
    found = {(e.field, e.code) for e in caught.value.errors}
    assert found == {
        ("topic", "unknown"),
        ("free_topic", "too_long"),
        ("expectation", "required"),
        ("title", "required"),
        ("body", "too_long"),
    }
    clean = validate_draft(TipDraft("", "  自分のテーマ ", "advice", " 題 ", " 本文 "))
    assert clean == TipDraft(None, "自分のテーマ", "advice", "題", "本文")


# --- search ------------------------------------------------------------------------------------


async def test_japanese_words_are_found_inside_sentences(db: Database) -> None:
    org = await make_org(db)
    await org.service.create(org.leader, draft("聞き方", "部下の話を傾聴するようにした"), now=NOW)
    await org.service.create(org.leader, draft("KPIの見方", "数字の話"), now=NOW)
    await org.service.create(org.leader, draft("関係なし", "別の話題"), now=NOW)

    assert await titles(org, "傾聴") == ["聞き方"]
    assert await titles(org, "話を傾") == ["聞き方"]
    assert await titles(org, "ｋｐｉ") == ["KPIの見方"]  # full width, any case
    assert await titles(org, "kpi 数字") == ["KPIの見方"]
    assert await titles(org, "kpi 傾聴") == []  # every word must match
    assert await titles(org, "聴") == ["聞き方"]  # one character: no bigram, still found
    # Tags count too, in both languages.
    assert "聞き方" in await titles(org, "just listen")


async def test_title_matches_rank_first_then_helpfulness(db: Database) -> None:
    org = await make_org(db)
    body_low = await org.service.create(org.leader, draft("A", "沈黙を待つ"), now=NOW)
    body_high = await org.service.create(org.leader, draft("B", "沈黙を待つ"), now=NOW)
    await org.service.create(org.leader, draft("沈黙のあとで", "待つ"), now=NOW)
    tag_match = await org.service.create(
        org.leader, draft("C", "本文", free="沈黙が多いメンバー"), now=NOW
    )
    await set_helpful(db, body_high, 5)
    await set_helpful(db, body_low, 1)
    await set_helpful(db, tag_match, 0)

    assert await titles(org, "沈黙") == ["沈黙のあとで", "C", "B", "A"]


async def test_filters_deleted_tips_and_paging(db: Database) -> None:
    org = await make_org(db)
    for n in range(12):
        exp = "advice" if n % 2 else "listen"
        tip = await org.service.create(
            org.leader, draft(f"面談{n:02d}", expectation=exp, topic="career"), now=NOW
        )
        await set_helpful(db, tip, n)
    gone = await org.service.create(org.leader, draft("面談消えた"), now=NOW)
    await org.service.delete(org.leader, gone, now=NOW)

    first = await org.service.search(org.leader, TipQuery(words="面談"))
    assert [c.title for c in first.cards] == [f"面談{n:02d}" for n in range(11, 1, -1)]
    assert (first.total, first.has_next, first.capped) == (12, True, False)
    second = await org.service.search(org.leader, TipQuery(words="面談", page=1))
    assert [c.title for c in second.cards] == ["面談01", "面談00"]
    assert second.has_next is False

    advice = await titles(org, "面談", expectation="advice")
    assert advice == [f"面談{n:02d}" for n in (11, 9, 7, 5, 3, 1)]
    assert await titles(org, "面談", topic_key="work") == []
    # No words: browsing by helpfulness, with the same filters.
    browse = await org.service.search(org.leader, TipQuery(topic_key="career"))
    assert browse.total == 12
    assert browse.cards[0].title == "面談11"
    # Forged filters are ignored rather than trusted.
    assert len(await titles(org, "面談", expectation="'; drop table tip; --")) == 10


async def test_common_words_take_the_bounded_walk(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await make_org(db)
    for n in range(8):
        tip = await org.service.create(org.leader, draft(f"共通{n}", "よくある言葉"), now=NOW)
        await set_helpful(db, tip, n)
    exact = await org.service.search(org.leader, TipQuery(words="よくある"))
    assert exact.capped is False

    # More candidates than the exact path checks: the most helpful matches are ranked.
    monkeypatch.setattr(tips_search, "EXACT_CAP", 3)
    monkeypatch.setattr(tips_search, "WALK_LIMIT", 5)
    walked = await org.service.search(org.leader, TipQuery(words="よくある"))
    assert walked.capped is True
    assert walked.total is None
    assert [c.title for c in walked.cards] == ["共通7", "共通6", "共通5", "共通4", "共通3"]
    assert [c.title for c in exact.cards][:5] == [c.title for c in walked.cards]


async def test_starter_tips_show_in_the_readers_language(db: Database) -> None:
    org = await make_org(db)
    assert await ensure_starter_tips(db) == 2 * len(STARTER_TIPS)
    assert await titles(org, "要約") == ["返事の前に、聞いた内容を要約して返す"]
    english = await org.service.search(org.english_leader, TipQuery(words="sum up"))
    assert [c.title for c in english.cards] == ["Sum up what you heard before you reply"]
    assert await titles(org, "sum up") == []


async def test_who_may_browse_write_and_mark(db: Database) -> None:
    org = await make_org(db)
    with pytest.raises(NotAllowed):
        await org.service.search(org.member, TipQuery())
    admin_page = await org.service.search(org.admin, TipQuery())
    assert admin_page.can_mark is False
    with pytest.raises(NotAllowed):
        await org.service.create(org.admin, draft("管理者"), now=NOW)
    with pytest.raises(NotAllowed):
        await org.service.create(org.member, draft("メンバー"), now=NOW)

    tip = await org.service.create(org.leader, draft("マーク"), now=NOW)
    with pytest.raises(OwnTip):
        await org.service.toggle_helpful(org.leader, tip, now=NOW)
    with pytest.raises(NotAllowed):
        await org.service.toggle_helpful(org.member, tip, now=NOW)
    with pytest.raises(TipNotFound):
        await org.service.toggle_helpful(org.other_leader, 999_999, now=NOW)
    with pytest.raises(NotAllowed):
        await org.service.editable(org.other_leader, tip)
    assert (await org.service.editable(org.admin, tip)).title == "マーク"
    with pytest.raises(NotAllowed):
        await org.service.delete(org.other_leader, tip, now=NOW)


async def test_helpful_marks_from_many_leaders_at_once_all_count(db: Database) -> None:
    org = await make_org(db)
    tip = await org.service.create(org.leader, draft("同時に押す"), now=NOW)
    results = await asyncio.gather(
        org.service.toggle_helpful(org.other_leader, tip, now=NOW),
        org.service.toggle_helpful(org.english_leader, tip, now=NOW),
    )
    assert all(r.marked for r in results)
    assert (await org.service.live_cards([tip]))[0].helpful_count == 2
    again = await org.service.toggle_helpful(org.other_leader, tip, now=NOW)
    assert (again.marked, again.card.helpful_count) == (False, 1)


async def test_deleted_tips_leave_the_index(db: Database) -> None:
    org = await make_org(db)
    tip = await org.service.create(org.leader, draft("消えるヒント", "独特な言葉ぴよぴよ"), now=NOW)
    assert await titles(org, "ぴよぴよ") == ["消えるヒント"]
    await org.service.delete(org.leader, tip, now=NOW)
    assert await titles(org, "ぴよぴよ") == []
    async with db.read() as session:
        row = await session.get(Tip, tip)
        grams = (await session.exec(select(TipGram).where(TipGram.tip_id == tip))).all()
    assert row is not None
    assert row.search_grams is None
    assert grams == []


# --- the leader's digest ---------------------------------------------------------------------


async def test_digest_tips_same_topic_and_expectation_first(db: Database) -> None:
    org = await make_org(db)
    s = org.service
    same_exp = await s.create(org.other_leader, draft("関わり方だけ同じ", topic="career"), now=NOW)
    await set_helpful(db, same_exp, 10)
    exact = await s.create(org.other_leader, draft("テーマも同じ", topic="work"), now=NOW)
    await s.create(org.leader, draft("自分のもの", topic="work"), now=NOW)
    gone = await s.create(org.other_leader, draft("削除済み", topic="work"), now=NOW)
    await set_helpful(db, gone, 50)
    await s.delete(org.other_leader, gone, now=NOW)
    await s.create(org.other_leader, draft("別の関わり方", expectation="advice"), now=NOW)

    found = await s.tips_for_digest(org.leader, [("work", "listen"), ("career", "feedback")])
    assert [t.title for t in found] == ["テーマも同じ", "関わり方だけ同じ"]
    assert found[0].tip_id == exact
    assert found[0].topic_label == "業務"
    assert found[1].helpful_count == 10
    assert await s.tips_for_digest(org.leader, [(None, "company_view")]) == []
    assert await s.tips_for_digest(org.leader, []) == []
    only_free = await s.tips_for_digest(org.leader, [(None, "listen")])
    assert [t.title for t in only_free] == ["関わり方だけ同じ", "テーマも同じ"]


async def test_digest_offers_starter_tips_in_the_leaders_language(db: Database) -> None:
    org = await make_org(db)
    await ensure_starter_tips(db)
    ja = await org.service.tips_for_digest(org.leader, [("kpi_progress", "advice")])
    en = await org.service.tips_for_digest(org.english_leader, [("kpi_progress", "advice")])
    assert ja[0].title.startswith("KPIの話は")
    assert en[0].title.startswith("On KPIs")
    assert en[0].topic_label == "KPI & target progress"
    assert len(ja) == len(en) == 2


# --- sharing -----------------------------------------------------------------------------------


async def test_share_posts_once_and_tells_the_author(db: Database) -> None:
    org = await make_org(db, channel="CENV")
    tip = await org.service.create(org.leader, draft("一度だけ"), now=NOW)
    first, second = await asyncio.gather(
        org.service.share(tip, now=NOW), org.service.share(tip, now=NOW)
    )
    assert {first, second} <= {ShareOutcome.posted, ShareOutcome.busy}
    assert len(org.messenger.posts) == 1
    channel, notice = org.messenger.posts[0]
    assert channel == "CENV"
    assert isinstance(notice, TipPost)
    assert await org.service.share(tip, now=NOW) is ShareOutcome.posted
    assert len(org.messenger.posts) == 1
    told = [n for who, n in org.messenger.sent if who == org.leader]
    assert all(isinstance(n, TipShared) and n.outcome is ShareOutcome.posted for n in told)


async def test_share_failures_keep_the_tip(db: Database) -> None:
    org = await make_org(db)
    tip = await org.service.create(org.leader, draft("待機中"), now=NOW)
    assert await org.service.share(tip, now=NOW) is ShareOutcome.no_channel

    org.service = TipsService(db, org.messenger, org.service._people, default_channel="CX")
    org.messenger.fail("post", "not_in_channel", permanent=True)
    assert await org.service.share(tip, now=NOW) is ShareOutcome.not_in_channel
    org.messenger.fail("post", "ratelimited", permanent=True, times=None)
    assert await org.service.share(tip, now=NOW) is ShareOutcome.failed
    async with db.read() as session:
        row = await session.get(Tip, tip)
    assert row is not None
    assert (row.conversation, row.post_error, row.deleted_at) == (None, "ratelimited", None)
    outcomes = [n.outcome for _, n in org.messenger.sent if isinstance(n, TipShared)]
    assert outcomes == [ShareOutcome.no_channel, ShareOutcome.not_in_channel, ShareOutcome.failed]

    # Someone else may not post it again for the author.
    with pytest.raises(NotAllowed):
        await org.service.share_again(org.other_leader, tip, now=NOW)
    org.messenger.heal()
    assert await org.service.share_again(org.admin, tip, now=NOW) is ShareOutcome.posted


# --- settings ----------------------------------------------------------------------------------


async def test_config_is_admins_only_validated_and_beats_the_environment(db: Database) -> None:
    org = await make_org(db, channel="CENV")
    config = await org.service.config_for(org.admin)
    assert (config.channel, config.channel_from_env) == ("CENV", True)
    assert (config.weekday, config.time, config.timezone) == (4, time(17, 0), "Asia/Tokyo")
    with pytest.raises(NotAllowed):
        await org.service.config_for(org.leader)
    with pytest.raises(NotAllowed):
        await org.service.save_config(
            org.leader, ConfigInput("C1", "0", "09:00", "Asia/Tokyo"), now=NOW
        )

    with pytest.raises(InvalidInput) as caught:
        await org.service.save_config(
            org.admin, ConfigInput("C<1>", "9", "25:00", "Mars/Base"), now=NOW
        )
    assert {e.field for e in caught.value.errors} == {"channel", "weekday", "time", "timezone"}

    change = await org.service.save_config(
        org.admin, ConfigInput("CADMIN", "0", "09:30", "Europe/London"), now=NOW
    )
    assert change.after == TipsConfig("CADMIN", False, 0, time(9, 30), "Europe/London")
    saved = await org.service.announce_config(org.admin, change, now=NOW)
    assert saved.channel_check is ShareOutcome.posted
    assert org.messenger.posts[-1][0] == "CADMIN"  # the welcome checks the bot is there

    # Clearing the admin's channel falls back to the environment's.
    change = await org.service.save_config(
        org.admin, ConfigInput(None, "0", "09:30", "Europe/London"), now=NOW
    )
    assert (change.after.channel, change.after.channel_from_env) == ("CENV", True)


# --- starter tips ------------------------------------------------------------------------------


async def test_starter_seeding_is_idempotent_and_removed_ones_stay_removed(db: Database) -> None:
    org = await make_org(db)
    assert await ensure_starter_tips(db) == 16
    assert await ensure_starter_tips(db) == 0
    async with db.read() as session:
        starters = (await session.exec(select(Tip).where(col(Tip.starter).is_(True)))).all()
    assert len(starters) == 16
    assert {s.locale for s in starters} == {"ja", "en"}
    assert all(s.topic_key and s.expectation and s.search_text for s in starters)

    one = next(s for s in starters if s.starter_key == "kpi_support:ja")
    assert one.id is not None
    removed = await org.service.delete(org.admin, one.id, now=NOW)
    assert {r.title[:6] for r in removed} == {"KPIの話は", "On KPI"}
    assert await ensure_starter_tips(db) == 0
    async with db.read() as session:
        live = (
            await session.exec(
                select(Tip.starter_key).where(
                    col(Tip.starter).is_(True), col(Tip.deleted_at).is_(None)
                )
            )
        ).all()
    assert len(live) == 14
    assert "kpi_support:en" not in live


async def test_tips_stored_before_the_index_get_indexed_on_start(db: Database) -> None:
    org = await make_org(db)
    async with db.write() as session:
        session.add(
            Tip(
                author_id=org.leader,
                title="古いヒント",
                body="以前からある工夫",
                expectation="advice",
            )
        )
    assert await titles(org, "以前から") == []
    await ensure_starter_tips(db)
    assert await titles(org, "以前から") == ["古いヒント"]


# --- the weekly moment -------------------------------------------------------------------------


def _config(weekday: int, at: time, zone: str) -> TipsConfig:
    return TipsConfig("C1", False, weekday, at, zone)


def test_latest_week_is_the_last_moment_on_the_local_calendar() -> None:
    config = _config(4, time(17, 0), "Asia/Tokyo")  # Fridays 17:00 Tokyo = 08:00 UTC
    friday = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    week = latest_week(friday, config)
    assert (week.key, week.until, week.since) == ("2026-W47", friday, friday - timedelta(days=7))
    before = latest_week(friday - timedelta(seconds=1), config)
    assert before.until == friday - timedelta(days=7)
    assert before.key == "2026-W46"
    assert latest_week(friday + timedelta(days=6), config).key == "2026-W47"


def test_latest_week_keeps_local_time_across_daylight_saving() -> None:
    config = _config(0, time(9, 0), "America/New_York")  # Mondays 09:00 New York
    # US clocks moved forward on Sunday 2026-03-08: 09:00 is 13:00 UTC after, 14:00 before.
    week = latest_week(datetime(2026, 3, 9, 13, 30, tzinfo=UTC), config)
    assert week.until == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert week.since == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert week.key == "2026-W11"


# --- the benchmark still runs ------------------------------------------------------------------


def test_search_bench_runs_on_both_backends(
    postgresql_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `postgresql_url` only makes this skip (or fail in CI) like every PostgreSQL test when
    # the server is away; the bench makes its own throwaway databases.
    assert postgresql_url
    status = bench_tips_search.main(["--tips", "300", "--searches", "20"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "SQLite     300 tips" in out
    assert "PostgreSQL 300 tips" in out
    assert out.count("[target p99 < 50 ms") == 2  # one verdict per backend
