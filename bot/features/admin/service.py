"""What an admin does in chat: add and end 1on1 pairs, and keep the topic catalogs.

Only a person whose role is admin gets anywhere here: every entry point checks the acting
person first, because the ids in a form's metadata or a button's value are attacker
controlled. Adding a pair goes through the pairs import's own checks and writing
(bot.features.org), so a pair added in chat and one from the file follow the same rules,
programme defaults included. Nothing here reads 1on1 content.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.errors import FieldError, InvalidInput, NotAllowed, NotFound
from bot.features.admin.notices import PairChanged
from bot.features.org import (
    PAIR_COLUMNS,
    PROGRAMS,
    SET_NAME_MAX,
    PairCsvRow,
    PairImportError,
    RowError,
    SetView,
    TopicView,
    all_sets,
    check_pair_row,
    free_key,
    label_problem,
    local_today,
    next_position,
    set_view,
    topic_changes,
    topic_view,
    topics_of,
    write_pair_rows,
)
from bot.features.schedule import SlotService
from bot.ports import DeliveryFailed, Messenger
from storage.db import Database
from storage.models import Pair, PairKind, Person, Role, Topic, TopicSet

logger = logging.getLogger("oneonone.admin")

# Chat user ids live in these Person columns, by platform.
_USER_COLUMN = {"slack": "slack_id", "teams": "teams_id"}


@dataclass(frozen=True)
class AdminFieldError(FieldError):
    """`field`: leader / member / kind / program / topic_set / starts_on / ends_on / pair /
    label_ja / label_en / name_ja / name_en; `code` a short code the surface words."""


class InvalidAdminInput(InvalidInput):
    errors: list[AdminFieldError]

    def __init__(self, errors: list[AdminFieldError]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class PairDraft:
    """The add-a-pair form as submitted; the people are chat user ids of `platform`."""

    platform: str
    leader_user: str | None
    member_user: str | None
    kind: str | None
    program: str | None = None
    topic_set: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class PairForm:
    """What the add-a-pair form offers."""

    kinds: tuple[PairKind, ...]
    programs: tuple[str, ...]
    topic_sets: list[SetView]


@dataclass(frozen=True)
class PairSummary:
    pair_id: int
    kind: PairKind
    leader_name: str
    member_name: str
    program: str | None
    starts_on: date | None
    ends_on: date | None
    active: bool
    # Whether it has a cadence (a programme pair gets its default when added).
    has_cadence: bool


@dataclass(frozen=True)
class AddedPair:
    pair: PairSummary


@dataclass(frozen=True)
class EndedPair:
    pair: PairSummary
    # Planned 1on1s after the last day that were called off.
    cancelled: int


@dataclass(frozen=True)
class PairsOfPerson:
    """The active pairs of one person, for the end-a-pair form."""

    person_name: str
    pairs: list[PairSummary]


@dataclass(frozen=True)
class CatalogScreen:
    sets: list[SetView]
    current: SetView
    topics: list[TopicView]


@dataclass(frozen=True)
class TopicDraft:
    """A topic as the admin's form submits it: a new one for `set_id`, or an edit."""

    label_ja: str
    label_en: str
    hidden: bool = False
    set_id: int | None = None
    topic_id: int | None = None


@dataclass(frozen=True)
class SetDraft:
    name_ja: str
    name_en: str
    copy_from: int | None = None


# The pairs import's refusals, as the form's fields.
_PAIR_FIELDS = {
    "self_pair": ("member", "self_pair"),
    "bad_kind": ("kind", "required"),
    "bad_program": ("program", "unknown"),
    "unknown_topic_set": ("topic_set", "unknown"),
    "bad_date": ("starts_on", "unknown"),
    "ends_before_start": ("ends_on", "before_start"),
}


def _field_errors(errors: list[RowError]) -> list[AdminFieldError]:
    found: list[AdminFieldError] = []
    for error in errors:
        if error.reason == "unknown_person":
            side = "leader" if error.detail.startswith("leader_email") else "member"
            found.append(AdminFieldError(side, "unknown_person"))
        elif error.reason in _PAIR_FIELDS:
            found.append(AdminFieldError(*_PAIR_FIELDS[error.reason]))
        else:
            found.append(AdminFieldError("member", "unknown"))
    return found


class AdminService:
    def __init__(
        self,
        db: Database,
        slots: SlotService,
        messenger: Messenger,
        *,
        default_timezone: str,
        catalog_changed: Callable[[], None] = lambda: None,
    ) -> None:
        self._db = db
        self._slots = slots
        self._messenger = messenger
        self._timezone = default_timezone
        # Pickers keep a copy of the catalogs: told at once when an admin changes them here.
        self._catalog_changed = catalog_changed

    async def _admin(self, session: AsyncSession, actor_id: int) -> Person:
        person = await session.get(Person, actor_id)
        if person is None or not person.active or person.role != Role.admin:
            raise NotAllowed
        return person

    async def check(self, actor_id: int) -> None:
        """NotAllowed unless the acting person is an admin."""
        async with self._db.read() as session:
            await self._admin(session, actor_id)

    # --- pairs ----------------------------------------------------------------------------------

    async def pair_form(self, actor_id: int) -> PairForm:
        async with self._db.read() as session:
            await self._admin(session, actor_id)
            sets = [set_view(s) for s in await all_sets(session)]
        return PairForm(kinds=tuple(PairKind), programs=PROGRAMS, topic_sets=sets)

    async def _user(self, session: AsyncSession, platform: str, user: str | None) -> Person | None:
        column = _USER_COLUMN.get(platform)
        if column is None or not user:
            return None
        return (
            await session.exec(
                select(Person).where(getattr(Person, column) == user, col(Person.active))
            )
        ).first()

    async def add_pair(self, actor_id: int, draft: PairDraft, *, now: datetime) -> AddedPair:
        """Add a pair (or bring back an ended one) the way a pairs file row does: the same
        checks, the programme's topic set and, after it, its default cadence."""
        async with self._db.write() as session:
            await self._admin(session, actor_id)
            errors: list[AdminFieldError] = []
            leader = await self._user(session, draft.platform, draft.leader_user)
            member = await self._user(session, draft.platform, draft.member_user)
            for side, who in (("leader", leader), ("member", member)):
                if who is None:
                    code = "required" if not getattr(draft, f"{side}_user") else "unknown_person"
                    errors.append(AdminFieldError(side, code))
            # Someone not found stands in as an address nobody has, so that the row's own
            # checks still report every other field in the same answer.
            values = dict.fromkeys(PAIR_COLUMNS, "")
            values.update(
                leader_email=leader.email if leader else "nobody@invalid.example",
                member_email=member.email if member else "nobody@invalid.example",
                kind=draft.kind or "",
                program=draft.program or "",
                topic_set=draft.topic_set or "",
                starts_on=draft.starts_on.isoformat() if draft.starts_on else "",
                ends_on=draft.ends_on.isoformat() if draft.ends_on else "",
            )
            row_errors: list[RowError] = []
            row = check_pair_row(1, values, row_errors)
            errors += [e for e in _field_errors(row_errors) if e.field not in {"leader", "member"}]
            if leader and member and leader.id == member.id:
                errors.append(AdminFieldError("member", "self_pair"))
            if row is not None and leader and member:
                taken = (
                    await session.exec(
                        select(Pair.id).where(
                            Pair.leader_id == leader.id,
                            Pair.member_id == member.id,
                            Pair.kind == row.kind,
                            col(Pair.active),
                        )
                    )
                ).first()
                if taken is not None:
                    errors.append(AdminFieldError("member", "exists"))
            if errors or row is None or leader is None or member is None:
                raise InvalidAdminInput(errors or [AdminFieldError("member", "unknown")])
            try:
                await write_pair_rows(session, [row], now=now, timezone=self._timezone)
            except PairImportError as refused:
                raise InvalidAdminInput(_field_errors(refused.errors)) from None
            pair_id = await self._pair_id(session, leader, member, row.kind)
        if row.program is not None:
            await self._slots.apply_program_defaults(now=now)
        summary = await self._summary(pair_id)
        logger.info("admin %s added pair %s (%s)", actor_id, pair_id, row.kind.value)
        return AddedPair(pair=summary)

    async def tell_pair(self, summary: PairSummary, *, ended: bool) -> None:
        """After an add or an end: both people hear it. A message that cannot go out is
        logged; the change itself stands."""
        async with self._db.read() as session:
            pair = await session.get(Pair, summary.pair_id)
            if pair is None:
                return
            leader = await session.get(Person, pair.leader_id)
            member = await session.get(Person, pair.member_id)
        if leader is None or member is None:
            return
        for reader, other, as_leader in ((leader, member, True), (member, leader, False)):
            notice = PairChanged(
                pair_id=summary.pair_id,
                kind=summary.kind,
                as_leader=as_leader,
                other_name=other.name,
                ended=ended,
                ends_on=summary.ends_on,
                has_cadence=summary.has_cadence,
            )
            try:
                await self._messenger.send(reader, notice)
            except DeliveryFailed as error:
                logger.warning("pair %s: person %s not told (%s)", pair.id, reader.id, error.code)

    async def _pair_id(
        self, session: AsyncSession, leader: Person, member: Person, kind: PairKind
    ) -> int:
        pair_id = (
            await session.exec(
                select(Pair.id).where(
                    Pair.leader_id == leader.id, Pair.member_id == member.id, Pair.kind == kind
                )
            )
        ).one()
        assert pair_id is not None
        return pair_id

    async def _summary(self, pair_id: int) -> PairSummary:
        async with self._db.read() as session:
            return await self._summarize(session, pair_id)

    async def _summarize(self, session: AsyncSession, pair_id: int) -> PairSummary:
        pair = await session.get(Pair, pair_id)
        if pair is None:
            raise NotFound
        leader = await session.get(Person, pair.leader_id)
        member = await session.get(Person, pair.member_id)
        assert leader is not None
        assert member is not None
        return PairSummary(
            pair_id=pair_id,
            kind=pair.kind,
            leader_name=leader.name,
            member_name=member.name,
            program=pair.program,
            starts_on=pair.starts_on,
            ends_on=pair.ends_on,
            active=pair.active,
            has_cadence=pair.rrule is not None,
        )

    async def pairs_of_user(self, actor_id: int, platform: str, user: str | None) -> PairsOfPerson:
        """The active pairs a person leads or is the member of (the end form's choice)."""
        async with self._db.read() as session:
            await self._admin(session, actor_id)
            person = await self._user(session, platform, user)
            if person is None or person.id is None:
                return PairsOfPerson(person_name="", pairs=[])
            ids = (
                await session.exec(
                    select(Pair.id)
                    .where(
                        (Pair.leader_id == person.id) | (Pair.member_id == person.id),
                        col(Pair.active),
                    )
                    .order_by(col(Pair.id))
                )
            ).all()
            pairs = [await self._summarize(session, i) for i in ids if i is not None]
        return PairsOfPerson(person_name=person.name, pairs=pairs)

    async def end_pair(
        self, actor_id: int, pair_id: int | None, ends_on: date | None, *, now: datetime
    ) -> EndedPair:
        """Give an active pair its last day: no 1on1 is planned after it, those already
        planned after it are called off, and its history stays. A day already past ends the
        pair at once."""
        errors: list[AdminFieldError] = []
        if pair_id is None:
            errors.append(AdminFieldError("pair", "required"))
        if ends_on is None:
            errors.append(AdminFieldError("ends_on", "required"))
        async with self._db.write() as session:
            await self._admin(session, actor_id)
            if errors or pair_id is None or ends_on is None:
                raise InvalidAdminInput(errors)
            pair = await session.get(Pair, pair_id)
            if pair is None or not pair.active:
                raise InvalidAdminInput([AdminFieldError("pair", "pair_gone")])
            if pair.starts_on is not None and ends_on < pair.starts_on:
                raise InvalidAdminInput([AdminFieldError("ends_on", "before_start")])
            leader = await session.get(Person, pair.leader_id)
            member = await session.get(Person, pair.member_id)
            assert leader is not None
            assert member is not None
            set_key = None
            if pair.topic_set_id is not None:
                found = await session.get(TopicSet, pair.topic_set_id)
                set_key = found.key if found else None
            row = PairCsvRow(
                line=1,
                leader_email=leader.email.lower(),
                member_email=member.email.lower(),
                kind=pair.kind,
                program=pair.program,
                topic_set=set_key,
                starts_on=pair.starts_on,
                ends_on=ends_on,
            )
            try:
                await write_pair_rows(session, [row], now=now, timezone=self._timezone)
            except PairImportError as refused:
                raise InvalidAdminInput(_field_errors(refused.errors)) from None
        cancelled = await self._slots.cancel_after_last_day(pair_id)
        logger.info("admin %s ended pair %s (%d planned called off)", actor_id, pair_id, cancelled)
        return EndedPair(pair=await self._summary(pair_id), cancelled=cancelled)

    def today(self, now: datetime) -> date:
        return local_today(now, self._timezone)

    # --- topic catalogs ---------------------------------------------------------------------

    async def catalog(self, actor_id: int, set_id: int | None = None) -> CatalogScreen:
        """The sets, and every topic of one of them (the first when `set_id` is not one)."""
        async with self._db.read() as session:
            await self._admin(session, actor_id)
            sets = [set_view(s) for s in await all_sets(session)]
            current = next((s for s in sets if s.id == set_id), sets[0])
            topics = [topic_view(t) for t in await topics_of(session, current.id)]
        return CatalogScreen(sets=sets, current=current, topics=topics)

    async def topic(self, actor_id: int, topic_id: int) -> TopicView:
        async with self._db.read() as session:
            await self._admin(session, actor_id)
            topic = await session.get(Topic, topic_id)
            topic_set = await session.get(TopicSet, topic.topic_set_id) if topic else None
            if topic is None or topic_set is None:
                raise NotFound
            return topic_view(topic, topic_set.key)

    async def save_topic(self, actor_id: int, draft: TopicDraft) -> CatalogScreen:
        """Add a topic to a set, or rename / hide / show one; the set's screen after it."""
        label_ja, label_en = draft.label_ja.strip(), draft.label_en.strip()
        errors = [
            AdminFieldError(name, problem)
            for name, value in (("label_ja", label_ja), ("label_en", label_en))
            if (problem := label_problem(value)) is not None
        ]
        async with self._db.write() as session:
            await self._admin(session, actor_id)
            if errors:
                raise InvalidAdminInput(errors)
            if draft.topic_id is not None:
                topic = await session.get(Topic, draft.topic_id)
                topic_set = await session.get(TopicSet, topic.topic_set_id) if topic else None
                if topic is None or topic_set is None:
                    raise NotFound
                topic_changes(
                    topic_set.key,
                    topic,
                    label_ja=label_ja,
                    label_en=label_en,
                    continuing=topic.continuing,
                    active=not draft.hidden,
                )
                session.add(topic)
            else:
                topic_set = await session.get(TopicSet, draft.set_id) if draft.set_id else None
                if topic_set is None or topic_set.id is None:
                    raise NotFound
                session.add(
                    Topic(
                        topic_set_id=topic_set.id,
                        key=await free_key(session, Topic, "org_", topic_set_id=topic_set.id),
                        label_ja=label_ja,
                        label_en=label_en,
                        active=not draft.hidden,
                        shipped=False,
                        position=await next_position(session, topic_set.id),
                    )
                )
            assert topic_set.id is not None
            set_id = topic_set.id
        self._catalog_changed()
        return await self.catalog(actor_id, set_id)

    async def create_set(self, actor_id: int, draft: SetDraft) -> CatalogScreen:
        """A topic set of the organisation's own, empty or a copy of another's topics; its
        screen."""
        name_ja, name_en = draft.name_ja.strip(), draft.name_en.strip()
        errors = [
            AdminFieldError(name, problem)
            for name, value in (("name_ja", name_ja), ("name_en", name_en))
            if (problem := label_problem(value, SET_NAME_MAX)) is not None
        ]
        async with self._db.write() as session:
            await self._admin(session, actor_id)
            if errors:
                raise InvalidAdminInput(errors)
            source: TopicSet | None = None
            if draft.copy_from is not None:
                source = await session.get(TopicSet, draft.copy_from)
                if source is None:
                    raise InvalidAdminInput([AdminFieldError("copy_from", "unknown")])
            topic_set = TopicSet(
                key=await free_key(session, TopicSet, "org:set"),
                kind="org",
                name_ja=name_ja,
                name_en=name_en,
                builtin=False,
            )
            session.add(topic_set)
            await session.flush()
            assert topic_set.id is not None
            if source is not None and source.id is not None:
                for topic in await topics_of(session, source.id):
                    session.add(
                        Topic(
                            topic_set_id=topic_set.id,
                            key=topic.key,
                            label_ja=topic.label_ja,
                            label_en=topic.label_en,
                            continuing=topic.continuing,
                            active=topic.active,
                            position=topic.position,
                            shipped=False,
                        )
                    )
            set_id = topic_set.id
        self._catalog_changed()
        return await self.catalog(actor_id, set_id)
