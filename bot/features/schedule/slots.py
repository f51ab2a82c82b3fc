"""Each pair's recurring slot: the cadence, the slots it makes, and what became of them.

Slots are materialized a few weeks ahead, one per (pair, start), and every reminder a slot
will need is enqueued in the Delivery ledger the moment the slot is planned. So the tick never
scans pairs or slots: it finds pairs whose planned slots run out soon through
`ix_pair_active_materialized_until`, and everything else through the ledger's due index.

Every entry point a person can reach takes the acting person's id and raises `NotAllowed`
unless they are one of the pair: slot and pair ids arrive in attacker-controlled payloads.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.authz import authorize_pair, authorize_slot
from bot.core.delivery import cancel_pending, enqueue
from bot.core.errors import FieldError, InvalidInput, NotAllowed
from bot.features.org import Entry, EntryRule, PairService, PeopleService
from bot.features.picks import attach_unscheduled_agenda
from bot.features.schedule.cadence import (
    INVALID,
    CadenceError,
    CadenceInput,
    CadenceSpec,
    allowed_at,
    cadence_spec,
    check_duration,
    fit,
    member_reminder_due,
    next_occurrence,
    occurrences,
    parse_rule,
    place,
    rule_from_spec,
    spec_from_rule,
    zone_of,
)
from bot.features.schedule.changes import CadenceChanged
from bot.features.schedule.programs import end_of, first_day, program_cadence, program_rule
from bot.features.schedule.settings import ScheduleSettings, ScheduleSettingsStore
from bot.ports import DeliveryFailed, Directory, Messenger
from storage.db import Database
from storage.models import Agenda, Pair, PairKind, Person, Slot, SlotState, utcnow
from storage.queries import get_for_update, next_planned_slot

logger = logging.getLogger("oneonone.schedule")

# Planned slots reach this far ahead; a pair is topped up once fewer than LOW_WATER remain.
HORIZON = timedelta(weeks=6)
LOW_WATER = timedelta(weeks=4)
MATERIALIZE_BATCH = 25
MATERIALIZE_BATCHES_PER_PASS = 8
REPLAN_BATCH = 200
HISTORY = timedelta(days=400)
STREAK_NOTE_AFTER = 2


class Kind(StrEnum):
    """Delivery kinds of the schedule feature."""

    member_reminder = "sched.member_reminder"
    digest = "sched.digest"
    did_it_happen = "sched.did_it_happen"
    followup = "sched.followup"
    # Not a message: marks a slot nobody answered for as unknown.
    close = "sched.close"
    nudge = "sched.nudge"
    moved = "sched.moved"
    streak = "sched.streak"


# Kinds planned for every slot, in the order they come due.
SLOT_KINDS = (Kind.member_reminder, Kind.digest, Kind.did_it_happen, Kind.followup, Kind.close)


def delivery_key(kind: Kind, slot_id: int, person_id: int | None = None) -> str:
    short = kind.value.removeprefix("sched.")
    return f"sched:{short}:{slot_id}" + (f":{person_id}" if person_id is not None else "")


class Outcome(StrEnum):
    held = "held"
    skipped = "skipped"


class InvalidMove(InvalidInput):
    """A new time that cannot be used; `code` is "past", "taken", "closed" (held) or
    "cancelled" (the cadence that planned it was changed or stopped). It is about the new
    date (the field "date")."""

    def __init__(self, code: str) -> None:
        super().__init__([FieldError("date", code)])
        self.code = code


class PairNotFound(LookupError):
    pass


@dataclass(frozen=True)
class CadenceView:
    """What the cadence modal shows for one pair."""

    pair_id: int
    leader: Person
    member: Person
    rule: str | None
    timezone: str
    duration_minutes: int
    spec: CadenceSpec | None
    next_slot_at: datetime | None


@dataclass(frozen=True)
class CadenceResult:
    pair_id: int
    leader: Person
    member: Person
    rule: str
    timezone: str
    duration_minutes: int
    spec: CadenceSpec | None
    next_slot_at: datetime | None
    planned: int
    replaced: int


@dataclass(frozen=True)
class SlotView:
    slot_id: int
    pair_id: int
    leader: Person
    member: Person
    starts_at: datetime
    duration_minutes: int
    timezone: str
    state: SlotState
    moved_to_at: datetime | None = None


@dataclass(frozen=True)
class AnswerResult:
    slot: SlotView
    # False when the slot had been answered already (a double click, a second device).
    recorded: bool
    next_slot_at: datetime | None


@dataclass(frozen=True)
class MoveResult:
    old: SlotView
    new_slot_id: int
    new_starts_at: datetime
    recorded: bool


@dataclass(frozen=True)
class PairHealth:
    """One pair's rhythm as App Home shows it."""

    pair_id: int
    kind: PairKind
    as_leader: bool
    other_name: str
    rule: str | None
    timezone: str | None
    duration_minutes: int
    spec: CadenceSpec | None
    last_held_at: datetime | None
    # "held" (that many held in a row) or "missed" (that many skipped/unanswered in a row).
    streak_kind: str | None
    streak: int
    next_slot_at: datetime | None


@dataclass(frozen=True)
class ScheduleHome:
    pairs: list[PairHealth]


class SlotService:
    def __init__(
        self,
        db: Database,
        people: PeopleService,
        settings: ScheduleSettingsStore,
        pairs: PairService,
        messenger: Messenger,
    ) -> None:
        self._db = db
        self._people = people
        self.settings = settings
        self._pairs = pairs
        self._messenger = messenger

    # --- reading ------------------------------------------------------------------------------

    async def cadence_form(
        self, actor_id: int, pair_id: int, *, now: datetime, directory: Directory
    ) -> CadenceView:
        """What the cadence form shows. A pair without a cadence defaults to the leader's own
        zone: when the org data has none, the platform is asked once (it is remembered)."""
        view = await self.cadence_for(actor_id, pair_id, now=now)
        leader = view.leader
        if view.rule is None and not leader.timezone and leader.slack_id:
            known = await self._people.resolve_slack_user(leader.slack_id, directory)
            if known is not None and known.timezone:
                view = await self.cadence_for(
                    actor_id, pair_id, now=now, leader_zone=known.timezone
                )
        return view

    async def tell_other(self, result: CadenceResult, actor: Person) -> None:
        """The other person of the pair hears that the cadence changed, and by whom."""
        other = result.member if result.leader.id == actor.id else result.leader
        notice = CadenceChanged(actor.name, result.spec, result.rule, result.next_slot_at)
        try:
            await self._messenger.send(other, notice)
        except DeliveryFailed as failed:
            if failed.code != "no_chat_id":
                raise

    async def cadence_for(
        self, actor_id: int, pair_id: int, *, now: datetime, leader_zone: str | None = None
    ) -> CadenceView:
        """`leader_zone`: the leader's zone when the caller learned it from the platform."""
        async with self._db.read() as session:
            parties = await authorize_pair(session, actor_id, pair_id)
            pair, leader, member = parties.pair, parties.leader, parties.member
            zone = pair.timezone or leader.timezone or leader_zone
            zone = zone or self._people.timezone_of(leader)
            spec = spec_from_rule(pair.rrule, zone, pair.duration_minutes) if pair.rrule else None
            next_slot = await next_planned_slot(session, pair_id, now)
            return CadenceView(
                pair_id=pair_id,
                leader=leader,
                member=member,
                rule=pair.rrule,
                timezone=zone,
                duration_minutes=pair.duration_minutes,
                spec=spec,
                next_slot_at=next_slot.starts_at if next_slot else None,
            )

    async def entry(self, actor_id: int | None, *, now: datetime) -> Entry:
        """The cadence form opens directly for a person's only pair, led or not."""
        return await self._pairs.entry(actor_id, EntryRule.any_pair, now=now)

    async def slot_for_party(self, actor_id: int, slot_id: int) -> SlotView:
        async with self._db.read() as session:
            slot, parties = await authorize_slot(session, actor_id, slot_id)
            return await self._slot_view(
                session, slot, parties.pair, parties.leader, parties.member
            )

    async def home(self, person_id: int, *, now: datetime) -> ScheduleHome:
        """Cadence health of each of the person's pairs: last held, streak, next slot."""
        views = await self._pairs.pairs_of(person_id, now=now)
        everyone = views.as_leader + views.as_member
        if not everyone:
            return ScheduleHome([])
        ids = [v.pair_id for v in everyone]
        async with self._db.read() as session:
            pairs = {
                p.id: p for p in (await session.exec(select(Pair).where(col(Pair.id).in_(ids))))
            }
            history = await session.exec(
                select(Slot.pair_id, Slot.starts_at, Slot.state)
                .where(
                    col(Slot.pair_id).in_(ids),
                    # Answered slots count whenever they were (a 1on1 may be marked early).
                    col(Slot.state).in_([SlotState.held, SlotState.skipped, SlotState.unknown]),
                    col(Slot.starts_at) >= now - HISTORY,
                )
                .order_by(col(Slot.pair_id), col(Slot.starts_at).desc())
            )
            by_pair: dict[int, list[tuple[datetime, SlotState]]] = {}
            for pair_id, starts_at, state in history.all():
                by_pair.setdefault(pair_id, []).append((starts_at, SlotState(state)))
        health: list[PairHealth] = []
        for view in everyone:
            pair = pairs[view.pair_id]
            past = by_pair.get(view.pair_id, [])
            kind, streak = _streak([state for _, state in past])
            zone = pair.timezone
            health.append(
                PairHealth(
                    pair_id=view.pair_id,
                    kind=view.kind,
                    as_leader=view.leader_id == person_id,
                    other_name=(
                        view.member_name if view.leader_id == person_id else view.leader_name
                    ),
                    rule=pair.rrule,
                    timezone=zone,
                    duration_minutes=pair.duration_minutes,
                    spec=_safe_spec(pair.rrule, zone, pair.duration_minutes),
                    last_held_at=next((at for at, s in past if s is SlotState.held), None),
                    streak_kind=kind,
                    streak=streak,
                    next_slot_at=view.next_slot_at,
                )
            )
        return ScheduleHome(health)

    # --- setting a cadence ---------------------------------------------------------------------

    async def set_cadence(
        self, actor_id: int, pair_id: int, spec: CadenceSpec, *, now: datetime
    ) -> CadenceResult:
        """The leader or the member sets the pair's cadence from the modal."""
        rule = rule_from_spec(spec, now=now)
        settings = await self.settings.get()
        async with self._db.write() as session:
            parties = await authorize_pair(session, actor_id, pair_id, lock=True)
            pair, leader, member = parties.pair, parties.leader, parties.member
            return await self._apply(
                session,
                pair,
                leader,
                member,
                rule,
                spec.timezone,
                spec.duration_minutes,
                now,
                settings,
            )

    async def save_cadence(
        self, actor_id: int, pair_id: int, answers: CadenceInput, *, now: datetime
    ) -> CadenceResult:
        """The cadence form, checked once here: InvalidInput names the fields to fix."""
        spec = cadence_spec(answers)
        try:
            return await self.set_cadence(actor_id, pair_id, spec, now=now)
        except CadenceError as error:
            raise InvalidInput([FieldError("weekday", INVALID)]) from error

    async def set_cadence_rule(
        self,
        pair_id: int,
        rule_text: str,
        *,
        duration_minutes: int,
        timezone: str | None,
        now: datetime,
    ) -> CadenceResult:
        """An admin sets a cadence from the command line (any RRULE the maths accepts)."""
        check_duration(duration_minutes)
        settings = await self.settings.get()
        async with self._db.write() as session:
            pair = await get_for_update(session, Pair, pair_id)
            if pair is None or not pair.active:
                raise PairNotFound(str(pair_id))
            leader, member = await _people_of(session, pair)
            zone = timezone or self._people.timezone_of(leader)
            rule = parse_rule(rule_text, zone, now=now)
            return await self._apply(
                session, pair, leader, member, rule, zone, duration_minutes, now, settings
            )

    async def find_pair(
        self, leader_email: str, member_email: str, kind: PairKind | None = None
    ) -> int:
        async with self._db.read() as session:
            leader = (
                await session.exec(select(Person).where(Person.email == leader_email.lower()))
            ).first()
            member = (
                await session.exec(select(Person).where(Person.email == member_email.lower()))
            ).first()
            if leader is None:
                raise PairNotFound(f"no person with e-mail {leader_email}")
            if member is None:
                raise PairNotFound(f"no person with e-mail {member_email}")
            stmt = select(Pair).where(
                Pair.leader_id == leader.id, Pair.member_id == member.id, col(Pair.active)
            )
            if kind is not None:
                stmt = stmt.where(Pair.kind == kind)
            found = list((await session.exec(stmt)).all())
        if not found:
            raise PairNotFound(f"no active 1on1 pair of {leader_email} (leader) and {member_email}")
        if len(found) > 1:
            kinds = ", ".join(sorted(p.kind.value for p in found))
            raise PairNotFound(f"several pairs ({kinds}); choose one with --kind")
        assert found[0].id is not None
        return found[0].id

    async def _apply(
        self,
        session: AsyncSession,
        pair: Pair,
        leader: Person,
        member: Person,
        rule: str,
        zone: str,
        duration: int,
        now: datetime,
        settings: ScheduleSettings,
    ) -> CadenceResult:
        assert pair.id is not None
        zone_of(zone)
        check_duration(duration)
        old_next = await next_planned_slot(session, pair.id, now)
        replaced = await self._cancel_future(session, pair.id, now)
        pair.rrule = rule
        pair.timezone = zone
        pair.duration_minutes = duration
        pair.materialized_until = None
        session.add(pair)
        await session.flush()
        await self._materialize(session, pair, leader, member, now, settings)
        new_next = await next_planned_slot(session, pair.id, now)
        if new_next is not None and new_next.id is not None:
            if old_next is not None and old_next.id in replaced and old_next.id != new_next.id:
                # The member's picks were for "the next 1on1": they follow it to its new time.
                await _move_agenda(session, pair.id, old_next.id, new_next.id)
            await attach_unscheduled_agenda(session, pair.id, new_next.id)
        planned = (
            await session.exec(
                select(sa.func.count())
                .select_from(Slot)
                .where(
                    Slot.pair_id == pair.id,
                    Slot.state == SlotState.planned,
                    col(Slot.starts_at) > now,
                )
            )
        ).one()
        logger.info(
            "pair %s: cadence set, %d planned, %d replaced", pair.id, planned, len(replaced)
        )
        return CadenceResult(
            pair_id=pair.id,
            leader=leader,
            member=member,
            rule=rule,
            timezone=zone,
            duration_minutes=duration,
            spec=spec_from_rule(rule, zone, duration),
            next_slot_at=new_next.starts_at if new_next else None,
            planned=int(planned),
            replaced=len(replaced),
        )

    async def _cancel_future(self, session: AsyncSession, pair_id: int, now: datetime) -> set[int]:
        """Future planned slots of the cadence are replaced; one-off slots (the new time of a
        moved 1on1) and everything in the past stay as they are."""
        one_offs = (
            select(Slot.moved_to_slot_id)
            .where(Slot.pair_id == pair_id, col(Slot.moved_to_slot_id).is_not(None))
            .scalar_subquery()
        )
        future = (
            await session.exec(
                select(Slot.id).where(
                    Slot.pair_id == pair_id,
                    Slot.state == SlotState.planned,
                    col(Slot.starts_at) > now,
                    col(Slot.id).not_in(one_offs),
                )
            )
        ).all()
        ids = {slot_id for slot_id in future if slot_id is not None}
        if ids:
            await session.exec(
                sa.update(Slot).where(col(Slot.id).in_(ids)).values(state=SlotState.cancelled)
            )
            await cancel_pending(
                session, [delivery_key(kind, slot_id) for slot_id in ids for kind in SLOT_KINDS]
            )
        return ids

    async def cancel_after_last_day(self, pair_id: int) -> int:
        """Planned 1on1s after the pair's last day are cancelled with their reminders (an
        admin ended the pair sooner than planned); held, skipped and past ones stay as they
        are. Returns how many were cancelled."""
        async with self._db.write() as session:
            pair = await get_for_update(session, Pair, pair_id)
            if pair is None or pair.ends_on is None:
                return 0
            end = end_of(pair.ends_on, pair.timezone or self._people.default_timezone)
            assert end is not None
            after = (
                await session.exec(
                    select(Slot.id).where(
                        Slot.pair_id == pair_id,
                        Slot.state == SlotState.planned,
                        col(Slot.starts_at) >= end,
                    )
                )
            ).all()
            ids = {slot_id for slot_id in after if slot_id is not None}
            if ids:
                await session.exec(
                    sa.update(Slot).where(col(Slot.id).in_(ids)).values(state=SlotState.cancelled)
                )
                await cancel_pending(
                    session, [delivery_key(kind, slot_id) for slot_id in ids for kind in SLOT_KINDS]
                )
            return len(ids)

    async def apply_program_defaults(self, *, now: datetime) -> int:
        """Give each active programme pair without a cadence its programme's default.

        The first 1on1 is on the pair's first day (else the next working day) at 10:00 in the
        leader's zone; the cadence never runs past the pair's last day. Pairs with a cadence
        keep it. Returns how many pairs got one.
        """
        async with self._db.read() as session:
            candidates = (
                await session.exec(
                    select(Pair.id).where(
                        col(Pair.active),
                        col(Pair.program).is_not(None),
                        col(Pair.rrule).is_(None),
                    )
                )
            ).all()
        settings = await self.settings.get()
        applied = 0
        for pair_id in candidates:
            if pair_id is None:
                continue
            async with self._db.write() as session:
                pair = await get_for_update(session, Pair, pair_id)
                if pair is None or not pair.active or pair.rrule is not None:
                    continue  # set by someone else meanwhile
                cadence = program_cadence(pair.program, pair.kind)
                if cadence is None:
                    continue
                leader, member = await _people_of(session, pair)
                zone = self._people.timezone_of(leader)
                start = first_day(pair.starts_on, now, zone, settings)
                rule = parse_rule(program_rule(cadence, start, pair.ends_on), zone, now=now)
                await self._apply(
                    session,
                    pair,
                    leader,
                    member,
                    rule,
                    zone,
                    cadence.duration_minutes,
                    now,
                    settings,
                )
                applied += 1
        return applied

    # --- materializing (the tick's producer) -----------------------------------------------------

    async def enqueue_due(self, now: datetime) -> int:
        """Top up pairs whose planned slots run out within LOW_WATER; returns deliveries made."""
        threshold = now + LOW_WATER
        wanted = (col(Pair.active) == sa.true(), col(Pair.materialized_until) < threshold)
        due = select(Pair).where(*wanted).order_by(col(Pair.materialized_until))
        async with self._db.read() as session:
            # Most passes end here: one index probe that finds nothing, no write lock taken.
            probe = select(Pair.id).where(*wanted).limit(1)
            if (await session.exec(probe)).first() is None:
                return 0
        settings = await self.settings.get()
        made = 0
        for _ in range(MATERIALIZE_BATCHES_PER_PASS):
            async with self._db.write() as session:
                stmt = due.limit(MATERIALIZE_BATCH)
                if self._db.is_postgresql:
                    # Replicas top up different pairs side by side.
                    stmt = stmt.with_for_update(skip_locked=True)
                batch = list((await session.exec(stmt)).all())
                people = await _people_by_id(session, batch)
                for pair in batch:
                    leader, member = people[pair.leader_id], people[pair.member_id]
                    made += await self._materialize(session, pair, leader, member, now, settings)
            if len(batch) < MATERIALIZE_BATCH:
                break
        return made

    async def _materialize(
        self,
        session: AsyncSession,
        pair: Pair,
        leader: Person,
        member: Person,
        now: datetime,
        settings: ScheduleSettings,
    ) -> int:
        """Plan the pair's slots up to HORIZON (at least its next one) and their reminders."""
        assert pair.id is not None
        if not pair.rrule or not pair.timezone:
            pair.materialized_until = None
            session.add(pair)
            return 0
        start = max(pair.materialized_until or now, now)
        horizon = now + HORIZON
        # Nothing is planned after the pair's last day.
        end = end_of(pair.ends_on, pair.timezone)
        if end is not None:
            horizon = min(horizon, end - timedelta(seconds=1))

        def within(moment: datetime | None) -> datetime | None:
            return moment if moment is not None and (end is None or moment < end) else None

        try:
            found = occurrences(pair.rrule, pair.timezone, after=start, until=horizon)
            until: datetime | None = horizon
            if not found and await next_planned_slot(session, pair.id, now) is None:
                following = within(
                    next_occurrence(pair.rrule, pair.timezone, after=max(start, horizon))
                )
                found = [following] if following else []
                until = following
            elif within(next_occurrence(pair.rrule, pair.timezone, after=horizon)) is None:
                # The rule has ended (COUNT / UNTIL / the last day): nothing left to top up.
                until = None
        except CadenceError:
            logger.exception("pair %s: stored cadence cannot be read; not planning", pair.id)
            found, until = [], None
        made = 0
        for starts_at in found:
            slot = await self._ensure_slot(session, pair.id, starts_at, pair.duration_minutes)
            if slot.state is SlotState.planned:
                made += await self._plan_slot(session, slot, leader, member, settings)
        # Never backwards: a later occurrence planned earlier stays planned.
        if until is not None and pair.materialized_until is not None:
            until = max(until, pair.materialized_until)
        pair.materialized_until = until
        session.add(pair)
        return made

    async def _ensure_slot(
        self, session: AsyncSession, pair_id: int, starts_at: datetime, duration: int
    ) -> Slot:
        """The pair's slot at this start: one per (pair, start), revived if it was replaced."""
        await session.exec(
            self._db.insert(Slot)
            .values(
                pair_id=pair_id,
                starts_at=starts_at,
                duration_minutes=duration,
                state=SlotState.planned,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["pair_id", "starts_at"])
        )
        slot = (
            await session.exec(
                select(Slot)
                .where(Slot.pair_id == pair_id, Slot.starts_at == starts_at)
                .execution_options(populate_existing=True)
            )
        ).one()
        if slot.state is SlotState.cancelled or (
            slot.state is SlotState.planned and slot.duration_minutes != duration
        ):
            slot.state = SlotState.planned
            slot.duration_minutes = duration
            session.add(slot)
            await session.flush()
        return slot

    async def _plan_slot(
        self,
        session: AsyncSession,
        slot: Slot,
        leader: Person,
        member: Person,
        settings: ScheduleSettings,
    ) -> int:
        """Enqueue everything this slot will need; replanning moves the pending ones."""
        assert slot.id is not None
        assert leader.id is not None
        assert member.id is not None
        window = settings.window
        member_zone = self._people.timezone_of(member)
        leader_zone = self._people.timezone_of(leader)
        starts = slot.starts_at
        ends = starts + timedelta(minutes=slot.duration_minutes)
        asked = allowed_at(ends, leader_zone, window)
        followup = allowed_at(asked + settings.followup_after, leader_zone, window)
        plan = (
            (
                Kind.member_reminder,
                member.id,
                member_reminder_due(
                    starts, member_zone, window, lead_days=settings.member_lead_days
                ),
            ),
            (
                Kind.digest,
                leader.id,
                fit(starts - settings.digest_lead, leader_zone, window, deadline=starts),
            ),
            (Kind.did_it_happen, leader.id, asked),
            (Kind.followup, leader.id, followup),
            (Kind.close, leader.id, followup + settings.unknown_after),
        )
        made = 0
        for kind, person_id, due_at in plan:
            made += await enqueue(
                session,
                key=delivery_key(kind, slot.id),
                kind=kind.value,
                person_id=person_id,
                due_at=due_at,
                slot_id=slot.id,
                replace=True,
            )
        return made

    async def replan(self, *, now: datetime) -> int:
        """Recompute the reminders of every future slot (after the settings changed)."""
        self.settings.forget()
        settings = await self.settings.get()
        last_id, replanned = 0, 0
        while True:
            async with self._db.write() as session:
                slots = list(
                    (
                        await session.exec(
                            select(Slot)
                            .where(
                                Slot.state == SlotState.planned,
                                col(Slot.starts_at) > now,
                                col(Slot.id) > last_id,
                            )
                            .order_by(col(Slot.id))
                            .limit(REPLAN_BATCH)
                        )
                    ).all()
                )
                if not slots:
                    return replanned
                pairs = {
                    p.id: p
                    for p in await session.exec(
                        select(Pair).where(col(Pair.id).in_({s.pair_id for s in slots}))
                    )
                }
                people = await _people_by_id(session, list(pairs.values()))
                for slot in slots:
                    pair = pairs[slot.pair_id]
                    await self._plan_slot(
                        session, slot, people[pair.leader_id], people[pair.member_id], settings
                    )
                    replanned += 1
                last_id = slots[-1].id or last_id

    # --- "did it happen?" ------------------------------------------------------------------------

    async def answer(
        self, actor_id: int, slot_id: int, outcome: Outcome, *, now: datetime
    ) -> AnswerResult:
        """Held or skipped, once. A skipped slot nudges both to find a time in the cycle."""
        settings = await self.settings.get()
        async with self._db.write() as session:
            slot, parties = await authorize_slot(session, actor_id, slot_id, lock=True)
            pair, leader, member = parties.pair, parties.leader, parties.member
            assert pair.id is not None
            assert slot.id is not None
            if slot.state not in (SlotState.planned, SlotState.unknown):
                view = await self._slot_view(session, slot, pair, leader, member)
                following = await next_planned_slot(session, pair.id, now)
                return AnswerResult(view, False, following.starts_at if following else None)
            slot.state = SlotState(outcome.value)
            slot.answered_at = now
            session.add(slot)
            await session.flush()
            await cancel_pending(
                session,
                [delivery_key(k, slot.id) for k in (Kind.did_it_happen, Kind.followup, Kind.close)],
            )
            following = await next_planned_slot(session, pair.id, now)
            if outcome is Outcome.skipped:
                if following is not None and following.id is not None:
                    # Picks for a 1on1 that did not happen carry over to the next one.
                    await _move_agenda(session, pair.id, slot.id, following.id)
                await self._nudge_both(session, slot, leader, member, now, settings)
                await self._streak_note(session, slot, leader, now, settings)
            view = await self._slot_view(session, slot, pair, leader, member)
            return AnswerResult(view, True, following.starts_at if following else None)

    async def close_unanswered(self, slot_id: int, *, now: datetime) -> bool:
        """Nobody answered "did it happen?", even after the follow-up: the slot is unknown."""
        settings = await self.settings.get()
        async with self._db.write() as session:
            slot = await get_for_update(session, Slot, slot_id)
            if slot is None or slot.state is not SlotState.planned:
                return False
            pair = await session.get(Pair, slot.pair_id)
            if pair is None:
                return False
            leader, _member = await _people_of(session, pair)
            slot.state = SlotState.unknown
            session.add(slot)
            await session.flush()
            await self._streak_note(session, slot, leader, now, settings)
            return True

    async def move(
        self, actor_id: int, slot_id: int, day: date, at: time, *, now: datetime
    ) -> MoveResult:
        """A new date and time for the 1on1 (in the pair's zone); the picks move with it."""
        settings = await self.settings.get()
        async with self._db.write() as session:
            slot, parties = await authorize_slot(session, actor_id, slot_id, lock=True)
            pair, leader, member = parties.pair, parties.leader, parties.member
            assert pair.id is not None
            assert slot.id is not None
            if slot.state is SlotState.moved and slot.moved_to_slot_id is not None:
                target = await session.get(Slot, slot.moved_to_slot_id)
                view = await self._slot_view(session, slot, pair, leader, member)
                assert target is not None
                assert target.id is not None
                return MoveResult(view, target.id, target.starts_at, False)
            if slot.state is SlotState.cancelled:
                raise InvalidMove("cancelled")
            if slot.state not in (SlotState.planned, SlotState.skipped, SlotState.unknown):
                raise InvalidMove("closed")
            zone = pair.timezone or self._people.timezone_of(leader)
            starts_at = place(datetime.combine(day, at), zone)
            if starts_at <= now:
                raise InvalidMove("past")
            existing = (
                await session.exec(
                    select(Slot).where(Slot.pair_id == pair.id, Slot.starts_at == starts_at)
                )
            ).first()
            if existing is not None and existing.state is not SlotState.cancelled:
                raise InvalidMove("taken")
            new = await self._ensure_slot(session, pair.id, starts_at, slot.duration_minutes)
            assert new.id is not None
            slot.state = SlotState.moved
            slot.moved_to_slot_id = new.id
            slot.answered_at = now
            session.add(slot)
            await session.flush()
            await cancel_pending(session, [delivery_key(k, slot.id) for k in SLOT_KINDS])
            await _move_agenda(session, pair.id, slot.id, new.id)
            await self._plan_slot(session, new, leader, member, settings)
            for person in (leader, member):
                assert person.id is not None
                await enqueue(
                    session,
                    key=delivery_key(Kind.moved, new.id, person.id),
                    kind=Kind.moved.value,
                    person_id=person.id,
                    slot_id=new.id,
                    due_at=allowed_at(now, self._people.timezone_of(person), settings.window),
                    payload={"from_slot_id": slot.id},
                )
            view = await self._slot_view(session, slot, pair, leader, member)
            return MoveResult(view, new.id, new.starts_at, True)

    async def _nudge_both(
        self,
        session: AsyncSession,
        slot: Slot,
        leader: Person,
        member: Person,
        now: datetime,
        settings: ScheduleSettings,
    ) -> None:
        assert slot.id is not None
        for person in (leader, member):
            assert person.id is not None
            await enqueue(
                session,
                key=delivery_key(Kind.nudge, slot.id, person.id),
                kind=Kind.nudge.value,
                person_id=person.id,
                slot_id=slot.id,
                due_at=allowed_at(now, self._people.timezone_of(person), settings.window),
            )

    async def _streak_note(
        self,
        session: AsyncSession,
        slot: Slot,
        leader: Person,
        now: datetime,
        settings: ScheduleSettings,
    ) -> None:
        """Two or more missed in a row: a gentle private note to the leader."""
        assert slot.id is not None
        assert leader.id is not None
        missed = await missed_streak(session, slot.pair_id, slot.starts_at)
        if missed >= STREAK_NOTE_AFTER:
            await enqueue(
                session,
                key=delivery_key(Kind.streak, slot.id),
                kind=Kind.streak.value,
                person_id=leader.id,
                slot_id=slot.id,
                due_at=allowed_at(now, self._people.timezone_of(leader), settings.window),
                payload={"missed": missed},
            )

    # --- helpers ------------------------------------------------------------------------------

    async def _slot_view(
        self, session: AsyncSession, slot: Slot, pair: Pair, leader: Person, member: Person
    ) -> SlotView:
        assert slot.id is not None
        assert pair.id is not None
        moved_to = await session.get(Slot, slot.moved_to_slot_id) if slot.moved_to_slot_id else None
        return SlotView(
            slot_id=slot.id,
            pair_id=pair.id,
            leader=leader,
            member=member,
            starts_at=slot.starts_at,
            duration_minutes=slot.duration_minutes,
            timezone=pair.timezone or self._people.timezone_of(leader),
            state=slot.state,
            moved_to_at=moved_to.starts_at if moved_to else None,
        )


def _streak(states: Sequence[SlotState]) -> tuple[str | None, int]:
    """Newest first: how many held (or missed) in a row, counting back from the latest."""
    if not states:
        return None, 0
    held = states[0] is SlotState.held
    count = 0
    for state in states:
        if (state is SlotState.held) != held:
            break
        count += 1
    return ("held" if held else "missed"), count


async def missed_streak(session: AsyncSession, pair_id: int, up_to: datetime) -> int:
    """Skipped or unanswered slots in a row, up to and including the one at `up_to`."""
    rows = await session.exec(
        select(Slot.state)
        .where(
            Slot.pair_id == pair_id,
            col(Slot.state).in_([SlotState.held, SlotState.skipped, SlotState.unknown]),
            col(Slot.starts_at) <= up_to,
        )
        .order_by(col(Slot.starts_at).desc())
        .limit(50)
    )
    kind, count = _streak([SlotState(state) for state in rows.all()])
    return count if kind == "missed" else 0


def _safe_spec(rule: str | None, zone: str | None, duration: int) -> CadenceSpec | None:
    if not rule or not zone:
        return None
    try:
        return spec_from_rule(rule, zone, duration)
    except CadenceError:
        return None


async def next_regular_after(session: AsyncSession, pair_id: int, moment: datetime) -> Slot | None:
    return await next_planned_slot(session, pair_id, moment + timedelta(seconds=1))


async def _people_of(session: AsyncSession, pair: Pair) -> tuple[Person, Person]:
    leader = await session.get(Person, pair.leader_id)
    member = await session.get(Person, pair.member_id)
    if leader is None or member is None:
        raise NotAllowed
    return leader, member


async def _people_by_id(session: AsyncSession, pairs: Sequence[Pair]) -> dict[int, Person]:
    ids = {p.leader_id for p in pairs} | {p.member_id for p in pairs}
    if not ids:
        return {}
    rows = await session.exec(select(Person).where(col(Person.id).in_(ids)))
    return {p.id: p for p in rows.all() if p.id is not None}


async def _move_agenda(session: AsyncSession, pair_id: int, from_slot: int, to_slot: int) -> None:
    """The picks of one slot go to another, unless that one has picks of its own."""
    taken = (
        await session.exec(
            select(Agenda.id).where(Agenda.pair_id == pair_id, Agenda.slot_id == to_slot)
        )
    ).first()
    if taken is None:
        await session.exec(
            sa.update(Agenda)
            .where(col(Agenda.pair_id) == pair_id, col(Agenda.slot_id) == from_slot)
            .values(slot_id=to_slot)
        )
