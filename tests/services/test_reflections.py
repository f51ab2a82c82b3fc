"""The leader's insight: thresholds and aggregation as pure functions, then against the database
(SQLite and PostgreSQL); and the reflection request producer's scan."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.catalog import Expectation
from bot.features.memos.reflections import (
    ExpectationStat,
    Insight,
    Level,
    ReflectionRequestProducer,
    ReflectionService,
    ScoreRow,
    Trend,
    batches,
    build_insight,
    enough,
    level_of,
    published_until,
    trend_of,
)
from storage.db import Database
from storage.models import Delivery, Pair, Person, Reflection, ReflectionScore, Slot, SlotState
from tests.e2e.helpers import assert_seeks, seed_history

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # a Tuesday
# Old enough to be past the insight's cut-off (Monday 2026-11-23 less the change window).
SETTLED = 15


def answers(
    member: int,
    reflection: int,
    scores: dict[str | None, int],
    *,
    days_ago: float = SETTLED,
) -> list[ScoreRow]:
    """One reflection's rows; the key None is the overall satisfaction."""
    at = NOW - timedelta(days=days_ago)
    return [ScoreRow(reflection, member, at, exp, score) for exp, score in scores.items()]


# --- the threshold -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reflections", "expected"),
    [
        ([(1, 1), (1, 2), (1, 3)], False),  # three answers, one member
        ([(1, 1), (2, 2)], False),  # two members, two answers
        ([(1, 1), (1, 2), (2, 3)], True),  # three answers, two members
        ([(1, 1), (2, 2), (3, 3), (3, 4)], True),
    ],
)
def test_insight_needs_three_reflections_from_two_members(
    reflections: list[tuple[int, int]], expected: bool
) -> None:
    rows = [
        row
        for member, reflection in reflections
        for row in answers(member, reflection, {None: 4, "listen": 5})
    ]

    insight = build_insight(rows, NOW)

    assert insight.ready is expected
    assert enough(rows) is expected
    if not expected:
        assert insight == Insight(ready=False)  # no figure at all below the threshold


def test_many_scores_from_one_reflection_count_once() -> None:
    # One reflection with several agenda items of the same expectation is still one answer.
    rows = [ScoreRow(1, 1, NOW, "advice", s) for s in (1, 2, 3)] + [
        ScoreRow(2, 2, NOW, "advice", 5)
    ]

    assert not enough(rows)


def test_the_insight_carries_no_member_and_no_single_answer() -> None:
    names = {f.name for f in dataclasses.fields(Insight)}
    stat_names = {f.name for f in dataclasses.fields(ExpectationStat)}

    assert not any("member" in n for n in names | stat_names)
    assert "comment" not in names


# --- aggregation ---------------------------------------------------------------------------------


def test_strengths_and_weak_spots_by_expectation() -> None:
    rows = [
        *answers(1, 1, {None: 4, "listen": 5, "advice": 2, "feedback": 4}),
        *answers(1, 2, {None: 5, "listen": 5, "advice": 3}),
        *answers(2, 3, {None: 3, "listen": 4, "advice": 2}),
    ]

    insight = build_insight(rows, NOW)

    assert insight.ready
    assert insight.overall_mean == pytest.approx(4.0)
    by_exp = {s.expectation: s for s in insight.stats}
    assert [s.expectation for s in insight.stats] == [Expectation.LISTEN, Expectation.ADVICE]
    assert by_exp[Expectation.LISTEN].mean == pytest.approx(14 / 3)
    assert by_exp[Expectation.LISTEN].level == Level.strong
    assert by_exp[Expectation.LISTEN].met_rate == pytest.approx(1.0)
    assert by_exp[Expectation.ADVICE].mean == pytest.approx(7 / 3)
    assert by_exp[Expectation.ADVICE].level == Level.weak
    assert by_exp[Expectation.ADVICE].met_rate == pytest.approx(0.0)
    # Feedback was asked for once, by one member: named as "too few", never given a figure.
    # Every expectation without a figure is named, asked for or not: naming only the answered
    # ones would tell which member has answered.
    assert insight.thin == (
        Expectation.THINK_TOGETHER,
        Expectation.COMPANY_VIEW,
        Expectation.FEEDBACK,
    )
    assert Expectation.FEEDBACK not in by_exp


@pytest.mark.parametrize(
    ("mean", "level"),
    [
        (5.0, Level.strong),
        (4.0, Level.strong),
        (3.9, Level.steady),
        (3.5, Level.steady),
        (3.49, Level.weak),
        (1.0, Level.weak),
    ],
)
def test_levels(mean: float, level: Level) -> None:
    assert level_of(mean) == level


def _period(base: int, members: list[int], score: int, days_ago: float) -> list[ScoreRow]:
    return [
        row
        for n, member in enumerate(members)
        for row in answers(member, base + n, {"advice": score}, days_ago=days_ago + n)
    ]


@pytest.mark.parametrize(
    ("earlier", "recent", "expected"),
    [(2, 4, Trend.up), (4, 2, Trend.down), (3, 3, Trend.flat)],
)
def test_trend_compares_the_last_90_days_with_the_90_before(
    earlier: int, recent: int, expected: Trend
) -> None:
    rows = _period(1, [1, 2, 1], earlier, 100) + _period(10, [1, 2, 2], recent, 20)

    assert _trend(rows) == expected


def test_no_trend_when_either_period_is_too_small_to_stay_anonymous() -> None:
    one_member_earlier = _period(1, [1, 1, 1], 2, 100) + _period(10, [1, 2, 2], 5, 20)
    two_answers_recent = _period(1, [1, 2, 1], 2, 100) + _period(10, [1, 2], 5, 20)
    too_old = _period(1, [1, 2, 1], 2, 200) + _period(10, [1, 2, 2], 5, 20)

    assert _trend(one_member_earlier) is None
    assert _trend(two_answers_recent) is None
    assert _trend(too_old) is None


def _trend(rows: list[ScoreRow]) -> Trend | None:
    until = published_until(NOW)
    return trend_of(batches(rows, until), until)


# --- publishing in batches -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "until"),
    [
        (NOW, datetime(2026, 11, 16, tzinfo=UTC)),
        (datetime(2026, 11, 23, 0, 0, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC)),
        (datetime(2026, 11, 22, 23, 59, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)),
        (datetime(2026, 11, 29, 12, 0, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC)),
    ],
)
def test_the_cut_off_moves_once_a_week_and_leaves_changeable_reflections_out(
    now: datetime, until: datetime
) -> None:
    assert published_until(now) == until


def test_one_new_answer_never_moves_the_insight() -> None:
    base = [
        *answers(1, 1, {None: 4, "advice": 4}, days_ago=40),
        *answers(2, 2, {None: 4, "advice": 4}, days_ago=39),
        *answers(1, 3, {None: 4, "advice": 4}, days_ago=38),
    ]
    before = build_insight(base, NOW)
    assert before.ready

    # A 1on1 this week: too fresh (its member may still change it).
    fresh = answers(2, 4, {None: 1, "advice": 1}, days_ago=2)
    assert build_insight(base + fresh, NOW) == before
    # Settled, but alone or with one more: an unfinished batch stays out.
    one = answers(2, 4, {None: 1, "advice": 1}, days_ago=20)
    two = one + answers(1, 5, {None: 1, "advice": 1}, days_ago=19)
    assert build_insight(base + one, NOW) == before
    assert build_insight(base + two, NOW) == before
    # Three settled answers from two members move it, together.
    three = two + answers(2, 6, {None: 1, "advice": 1}, days_ago=18)
    after = build_insight(base + three, NOW)
    assert after.overall_mean == pytest.approx(2.5)
    assert [(s.expectation, s.mean) for s in after.stats] == [(Expectation.ADVICE, 2.5)]


def test_a_batch_of_one_members_answers_waits_for_another_member() -> None:
    rows = [
        *answers(1, 1, {None: 5}, days_ago=40),
        *answers(1, 2, {None: 5}, days_ago=39),
        *answers(1, 3, {None: 5}, days_ago=38),
        *answers(1, 4, {None: 5}, days_ago=37),
    ]
    assert batches(rows, published_until(NOW)) == []
    rows += answers(2, 5, {None: 1}, days_ago=36)
    [batch] = batches(rows, published_until(NOW))
    assert {r.reflection_id for r in batch} == {1, 2, 3, 4, 5}


# --- against the database ------------------------------------------------------------------------


async def _people(db: Database) -> tuple[int, int, int, int]:
    """Two leaders (1, 2) and two members of leader 1 (3, 4), one of leader 2 (3)."""
    async with db.write() as session:
        people = [
            Person(email=f"p{n}@example.com", name=f"P{n}", slack_id=f"UP{n}") for n in range(4)
        ]
        session.add_all(people)
        await session.flush()
        lead, other, m1, m2 = (p.id or 0 for p in people)
        session.add_all(
            [
                Pair(leader_id=lead, member_id=m1),
                Pair(leader_id=lead, member_id=m2),
                Pair(leader_id=other, member_id=m1),
            ]
        )
    return lead, other, m1, m2


async def _reflect(
    db: Database, leader: int, member: int, scores: dict[str, int], overall: int, n: int
) -> None:
    async with db.write() as session:
        pair = (
            await session.exec(
                select(Pair).where(Pair.leader_id == leader, Pair.member_id == member)
            )
        ).one()
        slot = Slot(pair_id=pair.id or 0, starts_at=NOW - timedelta(days=n), state=SlotState.held)
        session.add(slot)
        await session.flush()
        reflection = Reflection(
            slot_id=slot.id or 0,
            member_id=member,
            leader_id=leader,
            overall=overall,
            created_at=NOW - timedelta(days=SETTLED + n),
        )
        session.add(reflection)
        await session.flush()
        for expectation, score in scores.items():
            session.add(
                ReflectionScore(
                    reflection_id=reflection.id or 0, expectation=expectation, score=score
                )
            )


def _service(db: Database) -> ReflectionService:
    # insight() and member_history() only read; the ledger and sender are not reached.
    return ReflectionService(db, None, None)  # type: ignore[arg-type]


async def test_a_leaders_insight_counts_only_their_own_reflections(db: Database) -> None:
    lead, other, m1, m2 = await _people(db)
    await _reflect(db, lead, m1, {"listen": 5}, 5, 1)
    await _reflect(db, lead, m1, {"listen": 4}, 4, 2)
    # The member's answers about another leader must not fill this leader's threshold.
    await _reflect(db, other, m1, {"listen": 1}, 1, 3)
    await _reflect(db, other, m1, {"listen": 1}, 1, 4)
    service = _service(db)

    assert not (await service.insight(lead, now=NOW)).ready
    await _reflect(db, lead, m2, {"listen": 3, "advice": 2}, 3, 5)
    insight = await service.insight(lead, now=NOW)
    assert insight.ready
    assert [(s.expectation, round(s.mean, 2)) for s in insight.stats] == [(Expectation.LISTEN, 4.0)]
    assert Expectation.ADVICE in insight.thin
    assert Expectation.LISTEN not in insight.thin
    assert not (await service.insight(other, now=NOW)).ready  # one member only


async def test_member_history_counts_met_expectations(db: Database) -> None:
    lead, other, m1, _ = await _people(db)
    await _reflect(db, lead, m1, {"listen": 5, "advice": 2}, 4, 1)
    await _reflect(db, other, m1, {"listen": 3}, 3, 2)

    history = await _service(db).member_history(m1)

    assert history.reflections == 2
    assert [(e.expectation, e.met, e.total) for e in history.expectations] == [
        (Expectation.ADVICE, 0, 1),
        (Expectation.LISTEN, 1, 2),
    ]


async def test_reflection_requests_are_enqueued_once_for_recently_held_slots(
    db: Database,
) -> None:
    lead, _, m1, m2 = await _people(db)
    async with db.write() as session:
        pairs = {p.member_id: p.id or 0 for p in (await session.exec(select(Pair))).all()}
        fresh = Slot(
            pair_id=pairs[m1],
            starts_at=NOW - timedelta(hours=2),
            state=SlotState.held,
            answered_at=NOW - timedelta(hours=1),
        )
        stale = Slot(
            pair_id=pairs[m2],
            starts_at=NOW - timedelta(days=9),
            state=SlotState.held,
            answered_at=NOW - timedelta(days=8),
        )
        skipped = Slot(
            pair_id=pairs[m2],
            starts_at=NOW - timedelta(hours=3),
            state=SlotState.skipped,
            answered_at=NOW - timedelta(hours=1),
        )
        session.add_all([fresh, stale, skipped])
    producer = ReflectionRequestProducer(db)

    assert await producer.enqueue_due(NOW) == 1
    assert await producer.enqueue_due(NOW + timedelta(minutes=1)) == 0
    async with db.read() as session:
        rows = (await session.exec(select(Delivery))).all()
    assert [(d.kind, d.key, d.person_id) for d in rows] == [
        ("reflection", f"reflection:{fresh.id}", m1)
    ]
    assert lead != m1


async def test_reflection_producer_seeks_through_an_index(db: Database) -> None:
    await seed_history(db, 4000)

    assert await ReflectionRequestProducer(db).enqueue_due(datetime.now(UTC)) == 0
    await assert_seeks(
        db,
        "SELECT id FROM slot WHERE state = 'held' AND reflection_requested_at IS NULL "
        "AND answered_at > :since AND answered_at <= :now",
        "answered_at",
    )
