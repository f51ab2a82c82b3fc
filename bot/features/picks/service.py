"""The member's picks: what to talk about and the response wanted, for the next 1on1.

Only the two people of a pair ever get picks out of here: every entry point takes the acting
person's id and checks it against the pair, because ids arrive from attacker-controlled
payloads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, Protocol

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog import Expectation, department_topic_set_key
from bot.core.authz import authorize_pair
from bot.core.errors import FieldError as CoreFieldError
from bot.core.errors import InvalidInput, NotAllowed
from bot.features.org import (
    Entry,
    EntryRule,
    PairRow,
    PairService,
    PairsOf,
    Party,
    PeopleService,
    pair_rows,
    pair_rows_statement,
    route_entry,
    rows_from,
    split,
)
from bot.features.picks.notices import LeaderPicksNotice
from bot.i18n import localized
from bot.metrics import Metrics
from bot.ports import DeliveryFailed, MessageRef, Messenger, message_ref
from storage.db import Database
from storage.models import Agenda, AgendaItem, Pair, Person, Slot, Topic, TopicSet
from storage.queries import next_planned_slot

logger = logging.getLogger("oneonone.picks")

NOTE_MAX = 300
FREE_TOPIC_MAX = 60
MAX_PICKS = 12


@dataclass(frozen=True)
class PickInput:
    """One pick as the member submitted it; ids are still untrusted here."""

    topic_id: int | None
    expectation: str | None
    note: str | None = None
    free_topic: str | None = None


@dataclass(frozen=True)
class FieldError(CoreFieldError):
    """A problem with one field; `topic_id` None with field "free" means the free topic.
    `field` is "topics" | "expectation" | "note" | "free_topic"; `code` is "required" |
    "too_long" | "unknown"."""

    topic_id: int | None = None


class InvalidPicks(InvalidInput):
    errors: list[FieldError]

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Pick:
    topic_id: int | None
    topic_key: str | None
    label_ja: str
    label_en: str
    expectation: Expectation
    note: str | None
    free: bool = False

    def label(self, locale: str) -> str:
        return localized(locale, self.label_ja, self.label_en)


class StoredItem(Protocol):
    """What a pick is made of: an agenda item row, or the same columns read as a tuple."""

    @property
    def topic_id(self) -> int | None: ...
    @property
    def free_topic(self) -> str | None: ...
    @property
    def expectation(self) -> str: ...
    @property
    def note(self) -> str | None: ...


def pick_from(item: StoredItem, topic: Topic | None) -> Pick:
    """A stored agenda item as a pick: the catalog topic's labels, or the member's own words
    for a free topic (no topic id). `topic` None for a catalog topic (one no longer offered)
    leaves the labels empty but the pick still not free."""
    return Pick(
        topic_id=item.topic_id,
        topic_key=topic.key if topic else None,
        label_ja=topic.label_ja if topic else (item.free_topic or ""),
        label_en=topic.label_en if topic else (item.free_topic or ""),
        expectation=Expectation(item.expectation),
        note=item.note,
        free=item.topic_id is None,
    )


@dataclass(frozen=True)
class PairPicks:
    """A pair's next 1on1 and the member's picks for it, as either party may see them."""

    pair_id: int
    leader: Party
    member: Party
    slot_id: int | None
    slot_at: datetime | None
    topics: list[Topic]
    picks: list[Pick] = field(default_factory=list)
    updated_at: datetime | None = None


@dataclass(frozen=True)
class SaveResult:
    picks: PairPicks
    agenda_id: int
    # True once per agenda: the first save claims the right to notify the leader.
    notify_leader: bool
    # The leader's notice of an earlier save, to update in place.
    leader_notice: MessageRef | None


async def _agenda_for(
    session: AsyncSession, pair_id: int, slot: Slot | None, *, for_update: bool = False
) -> Agenda | None:
    """The agenda of the pair's next 1on1: the slot's own, else the unscheduled one."""
    candidates = [None] if slot is None else [slot.id, None]
    for slot_id in candidates:
        stmt = select(Agenda).where(Agenda.pair_id == pair_id)
        stmt = stmt.where(
            col(Agenda.slot_id).is_(None) if slot_id is None else Agenda.slot_id == slot_id
        )
        if for_update:
            stmt = stmt.with_for_update()
        agenda = (await session.exec(stmt)).first()
        if agenda is not None:
            return agenda
    return None


async def attach_unscheduled_agenda(session: AsyncSession, pair_id: int, slot_id: int) -> None:
    """Picks made before any slot existed move to the slot that now exists."""
    taken = (
        await session.exec(
            select(Agenda.id).where(Agenda.pair_id == pair_id, Agenda.slot_id == slot_id)
        )
    ).first()
    if taken is None:
        await session.exec(
            sa.update(Agenda)
            .where(col(Agenda.pair_id) == pair_id, col(Agenda.slot_id).is_(None))
            .values(slot_id=slot_id)
        )


async def pair_topics(session: AsyncSession, pair: Pair, member: Person) -> list[Topic]:
    """The pair's own TopicSet if one was chosen, else the member's department set."""
    if pair.topic_set_id is not None:
        set_id: int | None = pair.topic_set_id
    else:
        key = department_topic_set_key(member.department)
        set_id = (await session.exec(select(TopicSet.id).where(TopicSet.key == key))).first()
    if set_id is None:
        raise LookupError("topic set missing: run `oneonone db upgrade`")
    topics = await session.exec(
        select(Topic)
        .where(Topic.topic_set_id == set_id, col(Topic.active).is_(True))
        .order_by(col(Topic.position), col(Topic.id))
    )
    return list(topics.all())


@dataclass(frozen=True)
class Overview:
    """Everything a person's entry points show: their pairs, pick status, their own picks."""

    pairs: PairsOf
    counts: dict[int, int]
    own_picks: dict[int, PairPicks]

    def entry(self) -> Entry:
        """Picks open directly only for a member of exactly one pair who leads none: a
        leader's `/1on1` is about choosing whose picks to read."""
        return route_entry(self.pairs, EntryRule.as_member)


# Topic catalogs change rarely (admins), while every /1on1 needs one: keep a process copy.
CATALOG_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class _Catalog:
    loaded_at: float
    set_id_by_key: dict[str, int]
    topics_by_set: dict[int, list[Topic]]
    topic_by_id: dict[int, Topic]


AgendaKey = tuple[int, int | None]  # (pair id, slot id or None for "next, unscheduled")


class _Item(NamedTuple):
    topic_id: int | None
    free_topic: str | None
    expectation: str
    note: str | None


@dataclass(frozen=True)
class _AgendaRows:
    updated_at: datetime
    items: list[_Item]


class PicksService:
    def __init__(
        self,
        db: Database,
        pairs: PairService,
        *,
        messenger: Messenger,
        people: PeopleService,
        metrics: Metrics,
    ) -> None:
        self._db = db
        self._pairs = pairs
        self._messenger = messenger
        self._people = people
        self._metrics = metrics
        self._catalog_copy: _Catalog | None = None

    def invalidate_catalog(self) -> None:
        self._catalog_copy = None

    async def overview(self, person_id: int, *, now: datetime) -> Overview:
        """Pairs, pick status and the person's own picks: two plain reads in one trip.

        Every `/1on1` and every Home starts here, so both reads return tuples (no ORM
        objects) and the agendas are found by person, not by the pair ids just read.
        """
        pairs, items = await self._db.fetch_all(
            (pair_rows_statement("person"), {"person_id": person_id, "now": now}),
            (_agenda_statement("person"), {"person_id": person_id}),
        )
        rows, agendas = rows_from(pairs), _agendas_from(items)
        catalog = await self._fresh_catalog(rows)
        counts: dict[int, int] = {}
        for row in rows:
            current = _current(agendas, row)
            counts[row.pair_id] = len(current.items) if current else 0
        own = {
            row.pair_id: self._build(row, catalog, agendas)
            for row in rows
            if row.member.id == person_id
        }
        return Overview(pairs=split(rows, person_id), counts=counts, own_picks=own)

    async def for_member(self, actor_id: int, pair_id: int, *, now: datetime) -> PairPicks:
        """What the member's picker shows; only the pair's member may open it."""
        return await self._one(actor_id, pair_id, now=now, leader_too=False)

    async def for_party(self, actor_id: int, pair_id: int, *, now: datetime) -> PairPicks:
        """The picks for either person of the pair, nobody else."""
        return await self._one(actor_id, pair_id, now=now, leader_too=True)

    async def _one(
        self, actor_id: int, pair_id: int, *, now: datetime, leader_too: bool
    ) -> PairPicks:
        pairs, items = await self._db.fetch_all(
            (pair_rows_statement("pair"), {"pair_id": pair_id, "now": now}),
            (_agenda_statement("pair"), {"pair_id": pair_id}),
        )
        rows = rows_from(pairs)
        if not rows:
            raise NotAllowed
        row = rows[0]
        allowed = {row.member.id, row.leader.id} if leader_too else {row.member.id}
        if actor_id not in allowed:
            # The agenda read with the pair is dropped unseen.
            raise NotAllowed
        agendas = _agendas_from(items)
        return self._build(row, await self._fresh_catalog(rows), agendas)

    def _cached_catalog(self, rows: Sequence[PairRow]) -> _Catalog | None:
        catalog = self._catalog_copy
        if catalog is None or time.monotonic() - catalog.loaded_at >= CATALOG_TTL_SECONDS:
            return None
        # A set created since the copy was made (an admin's new catalog) forces a reload.
        if any(
            row.topic_set_id is not None and row.topic_set_id not in catalog.topics_by_set
            for row in rows
        ):
            return None
        return catalog

    async def _fresh_catalog(self, rows: Sequence[PairRow]) -> _Catalog:
        catalog = self._cached_catalog(rows)
        if catalog is not None:
            return catalog
        async with self._db.read() as session:
            return await self._catalog(session, rows)

    async def _catalog(self, session: AsyncSession, rows: Sequence[PairRow]) -> _Catalog:
        catalog = self._cached_catalog(rows)
        if catalog is not None:
            return catalog
        sets = (await session.exec(select(TopicSet.id, TopicSet.key))).all()
        # Hidden topics too: the picker offers only active ones, but picks already made of a
        # topic since hidden still show it.
        topics = (
            await session.exec(
                select(Topic).order_by(col(Topic.topic_set_id), col(Topic.position), col(Topic.id))
            )
        ).all()
        by_set: dict[int, list[Topic]] = {set_id: [] for set_id, _ in sets if set_id is not None}
        for topic in topics:
            if topic.active:
                by_set.setdefault(topic.topic_set_id, []).append(topic)
        catalog = _Catalog(
            loaded_at=time.monotonic(),
            set_id_by_key={key: set_id for set_id, key in sets if set_id is not None},
            topics_by_set=by_set,
            topic_by_id={t.id: t for t in topics if t.id is not None},
        )
        self._catalog_copy = catalog
        return catalog

    def _build(
        self, row: PairRow, catalog: _Catalog, agendas: dict[AgendaKey, _AgendaRows]
    ) -> PairPicks:
        set_id = row.topic_set_id
        if set_id is None:
            set_id = catalog.set_id_by_key.get(department_topic_set_key(row.member.department))
        if set_id is None:
            raise LookupError("topic set missing: run `oneonone db upgrade`")
        current = _current(agendas, row)
        picks: list[Pick] = []
        for item in current.items if current else []:
            topic = catalog.topic_by_id.get(item.topic_id) if item.topic_id else None
            picks.append(pick_from(item, topic))
        return PairPicks(
            pair_id=row.pair_id,
            leader=row.leader,
            member=row.member,
            slot_id=row.next_slot_id,
            slot_at=row.next_slot_at,
            topics=catalog.topics_by_set.get(set_id, []),
            picks=picks,
            updated_at=current.updated_at if current and picks else None,
        )

    async def save(
        self, actor_id: int, pair_id: int, inputs: Sequence[PickInput], *, now: datetime
    ) -> SaveResult:
        """Replace the picks of the pair's next 1on1. Saving the same picks twice is harmless."""
        async with self._db.write() as session:
            parties = await authorize_pair(session, actor_id, pair_id)
            if parties.member.id != actor_id:
                raise NotAllowed
            topics = await pair_topics(session, parties.pair, parties.member)
            items = validate_picks(inputs, {t.id for t in topics if t.id is not None})
            slot = await next_planned_slot(session, pair_id, now)
            if slot is not None and slot.id is not None:
                await attach_unscheduled_agenda(session, pair_id, slot.id)
            agenda = await self._claim_agenda(session, pair_id, slot, now)
            assert agenda.id is not None
            await session.exec(sa.delete(AgendaItem).where(col(AgendaItem.agenda_id) == agenda.id))
            for position, item in enumerate(items):
                item.agenda_id = agenda.id
                item.position = position
                session.add(item)
            notify = not agenda.leader_notice_claimed
            agenda.leader_notice_claimed = True
            agenda.updated_at = now
            session.add(agenda)
            await session.flush()
            picks = await self._load(session, pair_id, now)
            return SaveResult(
                picks=picks,
                agenda_id=agenda.id,
                notify_leader=notify,
                leader_notice=message_ref(
                    agenda.leader_notice_platform,
                    agenda.leader_notice_conversation,
                    agenda.leader_notice_message_id,
                ),
            )

    async def tell_leader(self, result: SaveResult) -> None:
        """After a save: the first one sends the leader their notice (the save claimed it),
        later ones update that message. A notice that could not be sent is released, so the
        next save sends it: the leader is never left untold."""
        picks = result.picks
        notice = LeaderPicksNotice(
            pair_id=picks.pair_id,
            member_name=picks.member.name,
            slot_at=picks.slot_at,
            count=len(picks.picks),
            updated=not result.notify_leader,
        )
        try:
            if result.notify_leader:
                async with self._db.read() as session:
                    leader = await session.get(Person, picks.leader.id)
                if leader is None:
                    return
                sent = await self._messenger.send(leader, notice)
                await self.record_leader_notice(result.agenda_id, sent)
            elif result.leader_notice is not None:
                await self._messenger.update(
                    result.leader_notice,
                    notice,
                    locale=self._people.locale_of(picks.leader),
                    timezone=self._people.timezone_of(picks.leader),
                )
        except Exception as failed:
            if isinstance(failed, DeliveryFailed) and failed.code == "no_chat_id":
                return  # a leader not reachable on this platform: nothing to retry
            logger.exception("the leader's picks notice could not be sent")
            self._metrics.inc("oneonone_errors_total", kind="leader_notice")
            if result.notify_leader:
                await self.release_leader_notice(result.agenda_id)

    async def record_leader_notice(self, agenda_id: int, ref: MessageRef) -> None:
        async with self._db.write() as session:
            agenda = await session.get(Agenda, agenda_id)
            if agenda is not None:
                agenda.leader_notice_platform = ref.platform
                agenda.leader_notice_conversation = ref.conversation
                agenda.leader_notice_message_id = ref.message_id
                session.add(agenda)

    async def release_leader_notice(self, agenda_id: int) -> None:
        """The claimed notice could not be sent: let the next save send it."""
        async with self._db.write() as session:
            await session.exec(
                sa.update(Agenda)
                .where(col(Agenda.id) == agenda_id, col(Agenda.leader_notice_message_id).is_(None))
                .values(leader_notice_claimed=False)
            )

    async def pick_counts(self, pairs: Sequence[tuple[int, int | None]]) -> dict[int, int]:
        """Number of picks for each (pair id, next slot id) in one query."""
        async with self._db.read() as session:
            agendas = await _agenda_rows(session, [pair_id for pair_id, _ in pairs])
        counts: dict[int, int] = {}
        for pair_id, slot_id in pairs:
            found = agendas.get((pair_id, slot_id)) if slot_id is not None else None
            found = found or agendas.get((pair_id, None))
            counts[pair_id] = len(found.items) if found else 0
        return counts

    async def _claim_agenda(
        self, session: AsyncSession, pair_id: int, slot: Slot | None, now: datetime
    ) -> Agenda:
        agenda = await _agenda_for(session, pair_id, slot, for_update=True)
        if agenda is not None:
            return agenda
        # Two submits racing (double click, Slack retry) both land here; the unique index
        # lets one insert win and the other then finds and locks the winner's row.
        await session.exec(
            self._db.insert(Agenda)
            .values(
                pair_id=pair_id,
                slot_id=slot.id if slot else None,
                created_at=now,
                updated_at=now,
                leader_notice_claimed=False,
            )
            .on_conflict_do_nothing()
        )
        agenda = await _agenda_for(session, pair_id, slot, for_update=True)
        assert agenda is not None
        return agenda

    async def _load(self, session: AsyncSession, pair_id: int, now: datetime) -> PairPicks:
        rows = await pair_rows(session, now=now, pair_id=pair_id)
        catalog = await self._catalog(session, rows)
        agendas = await _agenda_rows(session, [pair_id])
        return self._build(rows[0], catalog, agendas)


def _current(agendas: dict[AgendaKey, _AgendaRows], row: PairRow) -> _AgendaRows | None:
    """The agenda of the pair's next 1on1: the slot's own, else the unscheduled one."""
    if row.next_slot_id is not None and (row.pair_id, row.next_slot_id) in agendas:
        return agendas[(row.pair_id, row.next_slot_id)]
    return agendas.get((row.pair_id, None))


@cache
def _agenda_statement(by: str) -> sa.Select[Any]:
    """Agenda items of a person's pairs (or of one pair, or of listed pairs), built once.

    By person, the pairs come from a subquery rather than from ids read just before, so an
    overview's two reads do not depend on each other; inactive pairs' agendas are simply not
    looked up afterwards.
    """
    agenda = Agenda.__table__  # type: ignore[attr-defined]
    item = AgendaItem.__table__  # type: ignore[attr-defined]
    pair = Pair.__table__  # type: ignore[attr-defined]
    if by == "person":
        person_id: sa.BindParameter[int] = sa.bindparam("person_id")
        which = agenda.c.pair_id.in_(
            sa.select(pair.c.id).where(
                sa.or_(pair.c.leader_id == person_id, pair.c.member_id == person_id)
            )
        )
    elif by == "pair":
        which = agenda.c.pair_id == sa.bindparam("pair_id")
    else:
        which = agenda.c.pair_id.in_(sa.bindparam("pair_ids", expanding=True))
    return (
        sa.select(
            agenda.c.pair_id,
            agenda.c.slot_id,
            agenda.c.updated_at,
            item.c.topic_id,
            item.c.free_topic,
            item.c.expectation,
            item.c.note,
        )
        .join(item, item.c.agenda_id == agenda.c.id)
        .where(which)
        .order_by(item.c.position)
    )


def _agendas_from(rows: Sequence[Sequence[Any]]) -> dict[AgendaKey, _AgendaRows]:
    found: dict[AgendaKey, _AgendaRows] = {}
    for pair_id, slot_id, updated_at, topic_id, free_topic, expectation, note in rows:
        found.setdefault((pair_id, slot_id), _AgendaRows(updated_at, [])).items.append(
            _Item(topic_id, free_topic, expectation, note)
        )
    return found


async def _agenda_rows(
    session: AsyncSession, pair_ids: Sequence[int]
) -> dict[AgendaKey, _AgendaRows]:
    """Agendas of the listed pairs inside ``session`` (a write sees its own changes)."""
    if not pair_ids:
        return {}
    conn = await session.connection()
    result = await conn.execute(_agenda_statement("pairs"), {"pair_ids": list(pair_ids)})
    return _agendas_from(result.all())


def validate_picks(inputs: Sequence[PickInput], allowed_topics: set[int]) -> list[AgendaItem]:
    """Check every pick, report every problem at once, and build the rows to store."""
    errors: list[FieldError] = []
    items: list[AgendaItem] = []
    seen: set[int] = set()
    expectations = {e.value for e in Expectation}
    for pick in inputs:
        free = pick.topic_id is None
        if free:
            text = (pick.free_topic or "").strip()
            if not text:
                continue
            if len(text) > FREE_TOPIC_MAX:
                errors.append(FieldError("free_topic", "too_long"))
        else:
            assert pick.topic_id is not None
            if pick.topic_id not in allowed_topics:
                # A forged or stale option value: refuse it rather than store a stranger's topic.
                errors.append(FieldError("topics", "unknown"))
                continue
            if pick.topic_id in seen:
                continue
            seen.add(pick.topic_id)
        if pick.expectation not in expectations:
            errors.append(FieldError("expectation", "required", pick.topic_id))
        note = (pick.note or "").strip() or None
        if note is not None and len(note) > NOTE_MAX:
            errors.append(FieldError("note", "too_long", pick.topic_id))
        items.append(
            AgendaItem(
                agenda_id=0,
                topic_id=pick.topic_id,
                free_topic=(pick.free_topic or "").strip() if free else None,
                expectation=pick.expectation or "",
                note=note,
            )
        )
    if not items and not errors:
        errors.append(FieldError("topics", "required"))
    if len(items) > MAX_PICKS:
        errors.append(FieldError("topics", "too_many"))
    if errors:
        raise InvalidPicks(errors)
    return items
