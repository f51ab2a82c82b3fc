"""The member's reflection after a 1on1, and the leader's private insight built from many.

A reflection says, per agenda item, whether the member got the response they asked for (1-5),
plus overall satisfaction. Only the member gives and sees their own answers. The leader never
sees one: only an Insight, aggregated by expectation, and only once it rests on at least
MIN_REFLECTIONS reflections from at least MIN_MEMBERS members, so no single answer can be
singled out. The same rule guards every figure the insight shows (each expectation, each half
of a trend).

A threshold alone is not enough: a leader who compares their insight before and after one
member's 1on1 would read that member's answer off the difference. So the insight moves only in
whole batches: reflections that can no longer be changed, up to a weekly cut-off, are taken in
time order in consecutive batches that each meet the threshold on their own, and an unfinished
last batch is left out until it fills. Every change a leader can observe is then the effect of
a batch of several members' answers. The insight shows no count of reflections either.

A comment reaches the leader only if the member ticks "share with my leader".
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from statistics import fmean

import sqlalchemy as sa
from sqlmodel import col, select

from bot.catalog import Expectation
from bot.core.authz import authorize_slot, load_parties
from bot.core.delivery import DeliveryLedger, enqueue, payload_of
from bot.core.errors import FieldError, InvalidInput, NotAllowed
from bot.features.memos.memos import SendNow, send_now, slot_picks
from bot.features.picks import Pick
from bot.i18n import localized
from bot.ports import DeliveryFailed, Messenger, Notice
from storage.db import Database
from storage.models import (
    Agenda,
    AgendaItem,
    Delivery,
    Pair,
    Reflection,
    ReflectionScore,
    Slot,
    SlotState,
    Topic,
)

REFLECTION_KIND = "reflection"
COMMENT_KIND = "reflection_comment"
# Held slots answered longer ago than this get no request (e.g. when the feature is switched on
# over years of history).
REQUEST_WINDOW = timedelta(days=3)
CHANGE_WINDOW = timedelta(days=7)
COMMENT_MAX = 1000
SCORES = range(1, 6)

MIN_REFLECTIONS = 3
MIN_MEMBERS = 2
MET_SCORE = 4
STRONG = 4.0
WEAK = 3.5
TREND_WINDOW = timedelta(days=90)
TREND_STEP = 0.3
TOP_TOPICS = 3


def reflection_key(slot_id: int) -> str:
    return f"{REFLECTION_KIND}:{slot_id}"


def comment_key(reflection_id: int, comment: str) -> str:
    # One DM per distinct shared comment: re-saving the same words does not ping again.
    digest = hashlib.sha256(comment.encode()).hexdigest()[:16]
    return f"{COMMENT_KIND}:{reflection_id}:{digest}"


# --- notices -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReflectionRequest(Notice):
    """The member's one DM after a held 1on1, with a button to the reflection modal."""

    slot_id: int
    leader_name: str
    starts_at: datetime


@dataclass(frozen=True)
class ReflectionCommentShared(Notice):
    """A comment the member chose to share with their leader (scores are never shared)."""

    member_name: str
    starts_at: datetime
    comment: str


# --- the member's form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FormItem:
    agenda_item_id: int
    pick: Pick
    score: int | None = None


@dataclass(frozen=True)
class ReflectionForm:
    slot_id: int
    leader_name: str
    starts_at: datetime
    items: list[FormItem]
    overall: int | None
    comment: str
    share: bool
    answered: bool
    editable: bool
    change_until: datetime | None


@dataclass(frozen=True)
class ReflectionError(FieldError):
    """`field` is "item" | "overall" | "comment"; `code` "required" | "too_long"."""

    agenda_item_id: int | None = None


class InvalidReflection(InvalidInput):
    errors: list[ReflectionError]

    def __init__(self, errors: list[ReflectionError]) -> None:
        super().__init__(errors)
        self.errors = errors


class ReflectionClosed(NotAllowed):
    """The answer is older than CHANGE_WINDOW and can no longer be changed by anyone."""


@dataclass(frozen=True)
class SaveOutcome:
    reflection_id: int
    first_time: bool
    # A newly shared comment waiting to reach the leader: pass it to `deliver_comment`.
    comment_key: str | None


# --- the insight ---------------------------------------------------------------------------------


class Trend(StrEnum):
    up = "up"
    flat = "flat"
    down = "down"


class Level(StrEnum):
    strong = "strong"
    steady = "steady"
    weak = "weak"


@dataclass(frozen=True)
class ScoreRow:
    """One answer as the aggregation sees it: whose reflection, when, about what, how much.

    `expectation` None is the overall satisfaction. Member ids are used only to count distinct
    members; they never leave this module.
    """

    reflection_id: int
    member_id: int
    at: datetime
    expectation: str | None
    score: int


@dataclass(frozen=True)
class ExpectationStat:
    expectation: Expectation
    mean: float
    met_rate: float
    level: Level
    trend: Trend | None


@dataclass(frozen=True)
class Insight:
    ready: bool
    overall_mean: float | None = None
    overall_trend: Trend | None = None
    stats: tuple[ExpectationStat, ...] = ()
    # Expectations whose answers are still too few to show on their own.
    thin: tuple[Expectation, ...] = ()


def enough(rows: Sequence[ScoreRow]) -> bool:
    """Rests on enough reflections from enough members that no one answer stands out."""
    return (
        len({r.reflection_id for r in rows}) >= MIN_REFLECTIONS
        and len({r.member_id for r in rows}) >= MIN_MEMBERS
    )


def published_until(now: datetime) -> datetime:
    """The insight's cut-off: the start of this week (Monday 00:00 UTC) less CHANGE_WINDOW, so
    it moves once a week and takes only reflections their member can no longer change."""
    week_start = datetime.combine(
        (now.astimezone(UTC) - timedelta(days=now.astimezone(UTC).weekday())).date(),
        time(0),
        tzinfo=UTC,
    )
    return week_start - CHANGE_WINDOW


Batch = list[ScoreRow]


def batches(rows: Sequence[ScoreRow], until: datetime) -> list[Batch]:
    """Rows of reflections made before `until`, in time order, cut into consecutive batches that
    are each enough() on their own; the unfinished last batch is left out. Earlier batches never
    change when later reflections arrive, so the published figures move a whole batch at a time."""
    by_reflection: dict[int, Batch] = {}
    for row in sorted(rows, key=lambda r: (r.at, r.reflection_id)):
        if row.at < until:
            by_reflection.setdefault(row.reflection_id, []).append(row)
    done: list[Batch] = []
    current: Batch = []
    for group in by_reflection.values():
        current.extend(group)
        if enough(current):
            done.append(current)
            current = []
    return done


def _rows(of: Sequence[Batch]) -> Batch:
    return [row for batch in of for row in batch]


def trend_of(of: Sequence[Batch], until: datetime) -> Trend | None:
    """The last TREND_WINDOW before the cut-off against the one before it, each made of whole
    batches (placed by their last reflection), when both have at least one."""
    recent = _rows([b for b in of if until - TREND_WINDOW <= b[-1].at < until])
    earlier = _rows([b for b in of if until - 2 * TREND_WINDOW <= b[-1].at < until - TREND_WINDOW])
    if not (recent and earlier):
        return None
    change = fmean(r.score for r in recent) - fmean(r.score for r in earlier)
    if change >= TREND_STEP:
        return Trend.up
    if change <= -TREND_STEP:
        return Trend.down
    return Trend.flat


def level_of(mean: float) -> Level:
    if mean >= STRONG:
        return Level.strong
    if mean < WEAK:
        return Level.weak
    return Level.steady


def build_insight(rows: Sequence[ScoreRow], now: datetime) -> Insight:
    """Aggregate a leader's answers by expectation, from published batches only (see the module
    docstring); nothing at all until the first batch is complete."""
    until = published_until(now)
    if not batches(rows, until):
        return Insight(ready=False)
    overall = batches([r for r in rows if r.expectation is None], until)
    stats: list[ExpectationStat] = []
    for expectation in Expectation:
        published = batches([r for r in rows if r.expectation == expectation.value], until)
        if not published:
            continue
        scores = [r.score for r in _rows(published)]
        mean = fmean(scores)
        stats.append(
            ExpectationStat(
                expectation=expectation,
                mean=mean,
                met_rate=sum(score >= MET_SCORE for score in scores) / len(scores),
                level=level_of(mean),
                trend=trend_of(published, until),
            )
        )
    stats.sort(key=lambda s: (-s.mean, list(Expectation).index(s.expectation)))
    return Insight(
        ready=True,
        overall_mean=fmean(r.score for r in _rows(overall)) if overall else None,
        overall_trend=trend_of(overall, until),
        stats=tuple(stats),
        # Every expectation without a figure, asked for or not: naming only those someone
        # answered would tell the leader that the one member who asked for it has answered.
        thin=tuple(e for e in Expectation if e not in {s.expectation for s in stats}),
    )


@dataclass(frozen=True)
class TopicCount:
    label_ja: str
    label_en: str
    count: int

    def label(self, locale: str) -> str:
        return localized(locale, self.label_ja, self.label_en)


@dataclass(frozen=True)
class ExpectationMet:
    expectation: Expectation
    met: int
    total: int


@dataclass(frozen=True)
class MemberHistory:
    """A member's own history: the topics they choose most and how often they got what they
    asked for. Only ever shown to that member."""

    topics: tuple[TopicCount, ...] = ()
    expectations: tuple[ExpectationMet, ...] = ()
    reflections: int = 0


# --- the service ---------------------------------------------------------------------------------


class ReflectionService:
    def __init__(
        self, db: Database, ledger: DeliveryLedger, comment_sender: ReflectionCommentSender
    ) -> None:
        self._db = db
        self._ledger = ledger
        self._comment_sender = comment_sender

    async def form(self, actor_id: int, slot_id: int, *, now: datetime) -> ReflectionForm:
        """The reflection modal's content; only the pair's member, only for a held 1on1."""
        async with self._db.read() as session:
            slot, parties = await authorize_slot(session, actor_id, slot_id)
            if parties.member.id != actor_id or slot.state != SlotState.held:
                raise NotAllowed
            picks = await slot_picks(session, slot_id)
            existing = (
                await session.exec(select(Reflection).where(Reflection.slot_id == slot_id))
            ).first()
            scores: dict[int | None, int] = {}
            if existing is not None:
                rows = await session.exec(
                    select(ReflectionScore).where(ReflectionScore.reflection_id == existing.id)
                )
                scores = {s.agenda_item_id: s.score for s in rows.all()}
        until = existing.created_at + CHANGE_WINDOW if existing else None
        return ReflectionForm(
            slot_id=slot_id,
            leader_name=parties.leader.name,
            starts_at=slot.starts_at,
            items=[FormItem(item_id, pick, scores.get(item_id)) for item_id, pick in picks],
            overall=existing.overall if existing else None,
            comment=(existing.comment or "") if existing else "",
            share=existing.share_comment if existing else False,
            answered=existing is not None,
            editable=until is None or now <= until,
            change_until=until,
        )

    async def save(
        self,
        actor_id: int,
        slot_id: int,
        *,
        scores: Mapping[int, int | None],
        overall: int | None,
        comment: str,
        share: bool,
        now: datetime,
    ) -> SaveOutcome:
        """One answer per slot; a second save within CHANGE_WINDOW replaces the first."""
        comment = comment.strip()
        async with self._db.write() as session:
            slot, parties = await authorize_slot(session, actor_id, slot_id)
            if parties.member.id != actor_id or slot.state != SlotState.held:
                raise NotAllowed
            picks = await slot_picks(session, slot_id)
            errors = [
                ReflectionError("item", "required", item_id)
                for item_id, _ in picks
                if scores.get(item_id) not in SCORES
            ]
            if overall not in SCORES:
                errors.append(ReflectionError("overall", "required"))
            if len(comment) > COMMENT_MAX:
                errors.append(ReflectionError("comment", "too_long"))
            if errors:
                raise InvalidReflection(errors)
            assert overall is not None
            # Two submits racing: one insert wins, the other becomes a change of it.
            created = await session.exec(
                self._db.insert(Reflection)
                .values(
                    slot_id=slot_id,
                    member_id=actor_id,
                    leader_id=parties.leader.id,
                    overall=overall,
                    comment=None,
                    share_comment=False,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["slot_id"])
            )
            stmt = select(Reflection).where(Reflection.slot_id == slot_id)
            if self._db.is_postgresql:
                stmt = stmt.with_for_update()
            reflection = (await session.exec(stmt)).one()
            assert reflection.id is not None
            first_time = bool(created.rowcount)
            if not first_time and now - reflection.created_at > CHANGE_WINDOW:
                raise ReflectionClosed
            newly_shared = bool(share and comment) and not (
                reflection.share_comment and reflection.comment == comment
            )
            reflection.overall = overall
            reflection.comment = comment or None
            reflection.share_comment = share and bool(comment)
            reflection.updated_at = now
            session.add(reflection)
            await session.exec(
                sa.delete(ReflectionScore).where(
                    col(ReflectionScore.reflection_id) == reflection.id
                )
            )
            for item_id, pick in picks:
                score = scores[item_id]
                assert score is not None
                session.add(
                    ReflectionScore(
                        reflection_id=reflection.id,
                        agenda_item_id=item_id,
                        expectation=pick.expectation.value,
                        score=score,
                    )
                )
            key = comment_key(reflection.id, comment)
            if newly_shared:
                assert parties.leader.id is not None
                await enqueue(
                    session,
                    key=key,
                    kind=COMMENT_KIND,
                    person_id=parties.leader.id,
                    due_at=now,
                    slot_id=slot_id,
                    payload={"reflection_id": reflection.id},
                )
        return SaveOutcome(reflection.id, first_time, key if newly_shared else None)

    async def deliver_comment(self, key: str, *, now: datetime) -> bool:
        """Send a shared comment now rather than at the next tick (after the modal is closed)."""
        outcome = await send_now(self._db, self._ledger, self._comment_sender, key, now)
        return outcome in (SendNow.sent, SendNow.done)

    async def insight(self, leader_id: int, *, now: datetime) -> Insight:
        """The leader's own insight. Callers pass the acting person's id: it is never another's."""
        async with self._db.read() as session:
            reflections = (
                await session.exec(
                    select(
                        Reflection.id,
                        Reflection.member_id,
                        Reflection.created_at,
                        Reflection.overall,
                    ).where(Reflection.leader_id == leader_id)
                )
            ).all()
            scores = (
                await session.exec(
                    select(
                        ReflectionScore.reflection_id,
                        ReflectionScore.expectation,
                        ReflectionScore.score,
                    )
                    .join(Reflection, col(Reflection.id) == ReflectionScore.reflection_id)
                    .where(Reflection.leader_id == leader_id)
                )
            ).all()
        by_id = {rid: (member, at) for rid, member, at, _ in reflections}
        rows = [
            ScoreRow(rid or 0, member, at, None, overall)
            for rid, member, at, overall in reflections
        ]
        for rid, expectation, score in scores:
            member, at = by_id[rid]
            rows.append(ScoreRow(rid, member, at, expectation, score))
        return build_insight(rows, now)

    async def member_history(self, member_id: int) -> MemberHistory:
        """The member's own history (the caller passes the acting person's id)."""
        async with self._db.read() as session:
            count = sa.func.count(col(AgendaItem.id))
            topics = (
                await session.exec(
                    select(Topic.label_ja, Topic.label_en, count)
                    .join(AgendaItem, col(AgendaItem.topic_id) == Topic.id)
                    .join(Agenda, col(Agenda.id) == AgendaItem.agenda_id)
                    .join(Pair, col(Pair.id) == Agenda.pair_id)
                    .where(Pair.member_id == member_id)
                    .group_by(col(Topic.id), col(Topic.label_ja), col(Topic.label_en))
                    .order_by(count.desc(), col(Topic.id))
                    .limit(TOP_TOPICS)
                )
            ).all()
            met = sa.func.sum(sa.case((col(ReflectionScore.score) >= MET_SCORE, 1), else_=0))
            expectations = (
                await session.exec(
                    select(
                        ReflectionScore.expectation,
                        met,
                        sa.func.count(col(ReflectionScore.id)),
                    )
                    .join(Reflection, col(Reflection.id) == ReflectionScore.reflection_id)
                    .where(Reflection.member_id == member_id)
                    .group_by(col(ReflectionScore.expectation))
                )
            ).all()
            reflections = (
                await session.exec(
                    select(sa.func.count(col(Reflection.id))).where(
                        Reflection.member_id == member_id
                    )
                )
            ).one()
        known = {e.value for e in Expectation}
        order = list(Expectation)
        return MemberHistory(
            topics=tuple(TopicCount(ja, en, int(n)) for ja, en, n in topics),
            expectations=tuple(
                sorted(
                    (
                        ExpectationMet(Expectation(exp), int(hits or 0), int(total))
                        for exp, hits, total in expectations
                        if exp in known
                    ),
                    key=lambda e: order.index(e.expectation),
                )
            ),
            reflections=int(reflections),
        )


# --- due work ------------------------------------------------------------------------------------


class ReflectionRequestProducer:
    """Slots recently marked held get one reflection request for their member."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue_due(self, now: datetime) -> int:
        stmt = (
            select(Slot.id, Pair.member_id)
            .join(Pair, col(Pair.id) == Slot.pair_id)
            .where(
                Slot.state == SlotState.held,
                col(Slot.reflection_requested_at).is_(None),
                col(Slot.answered_at) > now - REQUEST_WINDOW,
                col(Slot.answered_at) <= now,
                col(Pair.active).is_(True),
            )
        )
        async with self._db.read() as session:
            due = list((await session.exec(stmt)).all())
        if not due:
            return 0
        added = 0
        async with self._db.write() as session:
            for slot_id, member_id in due:
                assert slot_id is not None
                claimed = await session.exec(
                    sa.update(Slot)
                    .where(col(Slot.id) == slot_id, col(Slot.reflection_requested_at).is_(None))
                    .values(reflection_requested_at=now)
                )
                if claimed.rowcount:
                    added += await enqueue(
                        session,
                        key=reflection_key(slot_id),
                        kind=REFLECTION_KIND,
                        person_id=member_id,
                        due_at=now,
                        slot_id=slot_id,
                    )
        return added


class ReflectionRequestSender:
    def __init__(self, db: Database, messenger: Messenger) -> None:
        self._db = db
        self._messenger = messenger

    async def send(self, delivery: Delivery, now: datetime) -> None:
        if delivery.slot_id is None:
            raise DeliveryFailed("no_slot", permanent=True)
        async with self._db.read() as session:
            slot = await session.get(Slot, delivery.slot_id)
            if slot is None or slot.state != SlotState.held:
                return  # changed its mind (e.g. marked skipped after all): nothing to ask
            answered = (
                await session.exec(select(Reflection.id).where(Reflection.slot_id == slot.id))
            ).first()
            if answered is not None:
                return
            try:
                parties = await load_parties(session, slot.pair_id)
            except NotAllowed:
                raise DeliveryFailed("pair_inactive", permanent=True) from None
        notice = ReflectionRequest(
            slot_id=delivery.slot_id, leader_name=parties.leader.name, starts_at=slot.starts_at
        )
        await self._messenger.send(parties.member, notice)


class ReflectionCommentSender:
    def __init__(self, db: Database, messenger: Messenger) -> None:
        self._db = db
        self._messenger = messenger

    async def send(self, delivery: Delivery, now: datetime) -> None:
        reflection_id = payload_of(delivery).get("reflection_id")
        if not isinstance(reflection_id, int):
            raise DeliveryFailed("bad_payload", permanent=True)
        async with self._db.read() as session:
            reflection = await session.get(Reflection, reflection_id)
            # The member may have un-ticked "share" since: then nothing goes out.
            if reflection is None or not reflection.share_comment or not reflection.comment:
                return
            slot = await session.get(Slot, reflection.slot_id)
            if slot is None:
                return
            try:
                parties = await load_parties(session, slot.pair_id)
            except NotAllowed:
                raise DeliveryFailed("pair_inactive", permanent=True) from None
        notice = ReflectionCommentShared(
            member_name=parties.member.name, starts_at=slot.starts_at, comment=reflection.comment
        )
        await self._messenger.send(parties.leader, notice)
