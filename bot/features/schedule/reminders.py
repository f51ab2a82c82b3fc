"""What the schedule sends, and the senders the tick calls for each delivery kind.

Every message is rendered when it is sent (in the recipient's language and zone, by the
surface's renderer for the Notice), so it shows the picks and action items as they are then.
A sender first checks the message is still wanted (the slot may have been answered, moved or
replaced) and that the recipient is not in their quiet hours; if they are, the row is simply
due again at the next allowed moment.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.delivery import (
    DeliveryCancelled,
    DeliveryDeferred,
    DeliverySender,
    payload_of,
)
from bot.features.org import PeopleService
from bot.features.picks import Pick
from bot.features.schedule.cadence import allowed_at
from bot.features.schedule.digest import DigestService, slot_context, slot_picks
from bot.features.schedule.settings import ScheduleSettingsStore
from bot.features.schedule.slots import Kind, SlotService, next_regular_after
from bot.ports import Messenger, Notice
from storage.db import Database
from storage.models import Delivery, Pair, Person, Slot, SlotState
from storage.queries import OpenActionItem, open_action_items


@dataclass(frozen=True)
class MemberReminder(Notice):
    """To the member, a working day before: "your 1on1 is tomorrow at 10:00"."""

    pair_id: int
    slot_id: int
    leader_name: str
    starts_at: datetime
    duration_minutes: int
    picks: tuple[Pick, ...]
    action_items: tuple[OpenActionItem, ...]
    # "today / tomorrow" is relative to when the message arrives.
    sent_at: datetime


@dataclass(frozen=True)
class DidItHappen(Notice):
    """To the leader, after the slot ended: held / skipped / moved."""

    slot_id: int
    member_name: str
    starts_at: datetime
    duration_minutes: int
    followup: bool = False


@dataclass(frozen=True)
class RescheduleNudge(Notice):
    """To both, after a skipped 1on1: find a time within the same cycle."""

    slot_id: int
    other_name: str
    starts_at: datetime
    next_regular_at: datetime | None
    for_leader: bool


@dataclass(frozen=True)
class SlotMoved(Notice):
    """To both: the 1on1 has a new date and time (the picks moved with it)."""

    slot_id: int
    other_name: str
    old_starts_at: datetime
    new_starts_at: datetime
    duration_minutes: int
    for_leader: bool


@dataclass(frozen=True)
class StreakNote(Notice):
    """To the leader only, gently: several 1on1s in a row did not happen."""

    pair_id: int
    member_name: str
    missed: int
    last_held_at: datetime | None
    next_slot_at: datetime | None


@dataclass(frozen=True)
class _Context:
    slot: Slot
    pair: Pair
    leader: Person
    member: Person

    def other_than(self, person_id: int) -> Person:
        return self.member if person_id == self.leader.id else self.leader


class _KindSender:
    def __init__(self, send: Callable[[Delivery, datetime], Awaitable[None]]) -> None:
        self._send = send

    async def send(self, delivery: Delivery, now: datetime) -> None:
        await self._send(delivery, now)


class ScheduleSenders:
    def __init__(
        self,
        db: Database,
        messenger: Messenger,
        people: PeopleService,
        settings: ScheduleSettingsStore,
        slots: SlotService,
        digest: DigestService,
    ) -> None:
        self._db = db
        self._messenger = messenger
        self._people = people
        self._settings = settings
        self._slots = slots
        self._digest = digest

    def senders(self) -> list[tuple[str, DeliverySender]]:
        return [
            (Kind.member_reminder.value, _KindSender(self.member_reminder)),
            (Kind.digest.value, _KindSender(self.digest)),
            (Kind.did_it_happen.value, _KindSender(self.did_it_happen)),
            (Kind.followup.value, _KindSender(self.followup)),
            (Kind.close.value, _KindSender(self.close)),
            (Kind.nudge.value, _KindSender(self.nudge)),
            (Kind.moved.value, _KindSender(self.moved)),
            (Kind.streak.value, _KindSender(self.streak)),
        ]

    # --- the senders --------------------------------------------------------------------------

    async def member_reminder(self, delivery: Delivery, now: datetime) -> None:
        # One session for everything the reminder shows: the send path is the hot path.
        async with self._db.read() as session:
            ctx = await self._context(delivery, session)
            slot = ctx.slot
            if slot.state is not SlotState.planned or now >= slot.starts_at:
                raise DeliveryCancelled("slot_not_ahead")
            await self._window(ctx.member, now, deadline=slot.starts_at)
            assert ctx.pair.id is not None
            assert slot.id is not None
            picks = await slot_picks(session, ctx.pair.id, slot)
            items = await open_action_items(session, ctx.pair.id)
        await self._messenger.send(
            ctx.member,
            MemberReminder(
                pair_id=ctx.pair.id,
                slot_id=slot.id,
                leader_name=ctx.leader.name,
                starts_at=slot.starts_at,
                duration_minutes=slot.duration_minutes,
                picks=tuple(picks),
                action_items=tuple(items),
                sent_at=now,
            ),
        )

    async def digest(self, delivery: Delivery, now: datetime) -> None:
        ctx = await self._context(delivery)
        slot = ctx.slot
        ends = slot.starts_at + timedelta(minutes=slot.duration_minutes)
        if slot.state is not SlotState.planned or now >= ends:
            raise DeliveryCancelled("slot_not_ahead")
        await self._window(ctx.leader, now, deadline=ends)
        assert slot.id is not None
        found = await self._digest.for_slot(slot.id)
        if found is None:
            raise DeliveryCancelled("slot_gone")
        leader, notice = found
        await self._messenger.send(leader, notice)

    async def did_it_happen(self, delivery: Delivery, now: datetime) -> None:
        await self._ask(delivery, now, followup=False)

    async def followup(self, delivery: Delivery, now: datetime) -> None:
        await self._ask(delivery, now, followup=True)

    async def _ask(self, delivery: Delivery, now: datetime, *, followup: bool) -> None:
        ctx = await self._context(delivery)
        slot = ctx.slot
        if slot.state is not SlotState.planned or slot.answered_at is not None:
            raise DeliveryCancelled("answered")
        await self._window(ctx.leader, now)
        assert slot.id is not None
        await self._messenger.send(
            ctx.leader,
            DidItHappen(
                slot_id=slot.id,
                member_name=ctx.member.name,
                starts_at=slot.starts_at,
                duration_minutes=slot.duration_minutes,
                followup=followup,
            ),
        )

    async def close(self, delivery: Delivery, now: datetime) -> None:
        if delivery.slot_id is None:
            raise DeliveryCancelled("no_slot")
        if not await self._slots.close_unanswered(delivery.slot_id, now=now):
            raise DeliveryCancelled("answered")

    async def nudge(self, delivery: Delivery, now: datetime) -> None:
        ctx = await self._context(delivery)
        slot = ctx.slot
        if slot.state is not SlotState.skipped:
            raise DeliveryCancelled("rescheduled")
        recipient = self._recipient(ctx, delivery)
        await self._window(recipient, now)
        assert ctx.pair.id is not None
        assert slot.id is not None
        async with self._db.read() as session:
            following = await next_regular_after(session, ctx.pair.id, now)
        await self._messenger.send(
            recipient,
            RescheduleNudge(
                slot_id=slot.id,
                other_name=ctx.other_than(delivery.person_id).name,
                starts_at=slot.starts_at,
                next_regular_at=following.starts_at if following else None,
                for_leader=recipient.id == ctx.leader.id,
            ),
        )

    async def moved(self, delivery: Delivery, now: datetime) -> None:
        ctx = await self._context(delivery)
        slot = ctx.slot
        if slot.state is not SlotState.planned or now >= slot.starts_at:
            raise DeliveryCancelled("moved_again")
        recipient = self._recipient(ctx, delivery)
        await self._window(recipient, now, deadline=slot.starts_at)
        origin = payload_of(delivery).get("from_slot_id")
        async with self._db.read() as session:
            old = await session.get(Slot, origin) if isinstance(origin, int) else None
        if old is None or old.pair_id != ctx.pair.id or slot.id is None:
            raise DeliveryCancelled("origin_gone")
        await self._messenger.send(
            recipient,
            SlotMoved(
                slot_id=slot.id,
                other_name=ctx.other_than(delivery.person_id).name,
                old_starts_at=old.starts_at,
                new_starts_at=slot.starts_at,
                duration_minutes=slot.duration_minutes,
                for_leader=recipient.id == ctx.leader.id,
            ),
        )

    async def streak(self, delivery: Delivery, now: datetime) -> None:
        ctx = await self._context(delivery)
        if delivery.person_id != ctx.leader.id:
            raise DeliveryCancelled("not_the_leader")
        await self._window(ctx.leader, now)
        missed = payload_of(delivery).get("missed")
        assert ctx.pair.id is not None
        health = await self._slots.home(ctx.leader.id, now=now)
        mine = next((h for h in health.pairs if h.pair_id == ctx.pair.id), None)
        await self._messenger.send(
            ctx.leader,
            StreakNote(
                pair_id=ctx.pair.id,
                member_name=ctx.member.name,
                missed=missed if isinstance(missed, int) else 2,
                last_held_at=mine.last_held_at if mine else None,
                next_slot_at=mine.next_slot_at if mine else None,
            ),
        )

    # --- helpers ------------------------------------------------------------------------------

    async def _context(self, delivery: Delivery, session: AsyncSession | None = None) -> _Context:
        """The slot, pair and people of a delivery; cancelled when any of them is gone."""
        if delivery.slot_id is None:
            raise DeliveryCancelled("no_slot")
        if session is not None:
            found = await slot_context(session, delivery.slot_id)
        else:
            async with self._db.read() as own:
                found = await slot_context(own, delivery.slot_id)
        if found is None:
            raise DeliveryCancelled("slot_gone")
        slot, pair, leader, member = found
        if not pair.active:
            raise DeliveryCancelled("pair_ended")
        ctx = _Context(slot, pair, leader, member)
        if not self._recipient(ctx, delivery).active:
            raise DeliveryCancelled("recipient_inactive")
        return ctx

    @staticmethod
    def _recipient(ctx: _Context, delivery: Delivery) -> Person:
        if delivery.person_id == ctx.leader.id:
            return ctx.leader
        if delivery.person_id == ctx.member.id:
            return ctx.member
        # A row for someone no longer in the pair (the pair was rearranged): not theirs now.
        raise DeliveryCancelled("not_in_pair")

    async def _window(
        self, person: Person, now: datetime, *, deadline: datetime | None = None
    ) -> None:
        """Quiet hours: defer to the next allowed moment (or give up when that is too late)."""
        settings = await self._settings.get()
        allowed = allowed_at(now, self._people.timezone_of(person), settings.window)
        if allowed <= now:
            return
        if deadline is not None and allowed >= deadline:
            raise DeliveryCancelled("quiet_until_too_late")
        raise DeliveryDeferred(allowed, "quiet_hours")
