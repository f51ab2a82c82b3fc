"""The shared memo thread: opened when a 1on1 starts, filled from the thread's replies.

Memo text is the most private thing the product stores. Only the two people of the pair get it
out of here: every entry point takes the acting person's id (ids arrive from attacker-controlled
payloads), and nothing here logs text. Replies are stored from message events as they arrive;
Slack's history quotas for apps outside the Marketplace are tiny, so threads are never re-read.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog import Expectation
from bot.core.authz import authorize_pair, authorize_slot, load_parties
from bot.core.delivery import LEASE, DeliveryLedger, DeliverySender, enqueue
from bot.core.errors import FieldError, InvalidInput, NotAllowed
from bot.features.org import Entry, EntryRule, PairService, PairsOf, PeopleService
from bot.features.picks import Pick, attach_unscheduled_agenda, pick_from
from bot.ports import SLACK, DeliveryFailed, MessageRef, Messenger, Notice, message_ref
from storage.db import Database
from storage.models import (
    Agenda,
    AgendaItem,
    Delivery,
    DeliveryStatus,
    MemoEntry,
    Pair,
    Person,
    Slot,
    SlotState,
    Topic,
)
from storage.queries import OpenActionItem, last_next_focus, open_action_items

logger = logging.getLogger("oneonone.memos")

MEMO_THREAD_KIND = "memo_thread"
# A slot whose start was missed by longer than this (the server was down) gets no thread from
# the tick; the leader can still start one from the digest.
START_WINDOW = timedelta(hours=6)
HISTORY_PAGE = 5
# What the memo modal accepts (Block Kit caps a text input at 3,000 characters). Thread replies
# are stored whole, however long.
ENTRY_MAX = 3000
ADDABLE_AHEAD = timedelta(days=14)
ADDABLE_MAX = 10

# Slots that are (or will be) a 1on1 someone may write memos for; moved, skipped or replaced
# ones are not, unless memos were written before that.
_MEMO_STATES = (SlotState.planned, SlotState.held, SlotState.unknown)

POINT = "point"
NEXT_FOCUS = "next_focus"
# "次回: ..." / "Next: ..." marks what to keep in mind until the next 1on1.
_NEXT_FOCUS_MARKER = re.compile(r"^\s*(?:次回|next(?:\s+focus)?)\s*[:：]\s*", re.IGNORECASE)


def split_marker(text: str) -> tuple[str, str]:
    """(kind, text without the marker) of a memo as someone typed it."""
    match = _NEXT_FOCUS_MARKER.match(text)
    if match:
        return NEXT_FOCUS, text[match.end() :].strip()
    return POINT, text.strip()


def memo_thread_key(slot_id: int) -> str:
    return f"{MEMO_THREAD_KIND}:{slot_id}"


def ts_time(ts: str, fallback: datetime) -> datetime:
    """A Slack message ts ("1700000000.000100") as the moment it was written."""
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError, OSError):
        return fallback


async def slot_picks(session: AsyncSession, slot_id: int) -> list[tuple[int, Pick]]:
    """(agenda item id, pick) for the member's picks of one slot, in the member's order."""
    rows = await session.exec(
        select(AgendaItem, Topic)
        .join(Agenda, col(Agenda.id) == AgendaItem.agenda_id)
        .join(Topic, col(Topic.id) == AgendaItem.topic_id, isouter=True)
        .where(Agenda.slot_id == slot_id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    )
    found: list[tuple[int, Pick]] = []
    for item, topic in rows.all():
        if item.expectation not in {e.value for e in Expectation}:
            continue
        found.append((item.id or 0, pick_from(item, topic)))
    return found


# --- sending a delivery right away ---------------------------------------------------------------


class SendNow(StrEnum):
    sent = "sent"  # this call sent it
    done = "done"  # it had been sent before
    busy = "busy"  # another worker holds it right now
    failed = "failed"
    missing = "missing"


async def send_now(
    db: Database,
    ledger: DeliveryLedger,
    sender: DeliverySender,
    key: str,
    now: datetime,
) -> SendNow:
    """Claim one delivery by key and send it now, instead of at the next tick.

    The claim is the ledger's own (same lease, same columns), so a tick racing this call skips
    the row, and a button pressed twice sends once. A failed row is tried again: the person
    asked for it.
    """
    async with db.write() as session:
        stmt = select(Delivery).where(Delivery.key == key)
        if db.is_postgresql:
            stmt = stmt.with_for_update()
        delivery = (await session.exec(stmt)).first()
        if delivery is None:
            return SendNow.missing
        if delivery.status == DeliveryStatus.sent:
            return SendNow.done
        # Leases run on the ledger's wall clock, whatever time `now` says (see DeliveryLedger).
        leased_at = ledger.wall()
        leased = delivery.claimed_at is not None and delivery.claimed_at >= leased_at - LEASE
        if delivery.status == DeliveryStatus.pending and leased:
            return SendNow.busy
        if delivery.status == DeliveryStatus.failed:
            delivery.status = DeliveryStatus.pending
            delivery.attempts = 0
        delivery.claimed_by = ledger.worker_id
        delivery.claimed_at = leased_at
        delivery.attempts += 1
        session.add(delivery)
    assert delivery.id is not None
    try:
        await sender.send(delivery, now)
    except DeliveryFailed as error:
        await ledger.mark_failed(delivery, error, now)
        # Ids and codes only: the payload can reference private content.
        logger.warning("delivery %s (%s) failed: %s", delivery.id, delivery.kind, error.code)
        return SendNow.failed
    await ledger.mark_sent(delivery.id, now)
    return SendNow.sent


# --- the thread's parent message -----------------------------------------------------------------


@dataclass(frozen=True)
class MemoParent(Notice):
    """The first message of a slot's memo thread: the date, the picks and the open TODOs."""

    slot_id: int
    starts_at: datetime
    timezone: str
    leader_name: str
    member_name: str
    picks: tuple[Pick, ...] = ()
    open_items: tuple[OpenActionItem, ...] = ()
    next_focus: str | None = None


def memo_thread(slot: Slot) -> MessageRef | None:
    """The parent message of the slot's memo thread, once it is open."""
    return message_ref(slot.memo_platform, slot.memo_conversation, slot.memo_message_id)


def _is_memo_thread(thread: MessageRef) -> list[sa.ColumnElement[bool]]:
    return [
        col(Slot.memo_message_id) == thread.message_id,
        col(Slot.memo_conversation) == thread.conversation,
        col(Slot.memo_platform) == thread.platform,
    ]


def _is_entry_of(ref: MessageRef) -> list[sa.ColumnElement[bool]]:
    return [
        col(MemoEntry.platform) == ref.platform,
        col(MemoEntry.conversation) == ref.conversation,
        col(MemoEntry.message_id) == ref.message_id,
    ]


def _same_conversation(a: MessageRef, b: MessageRef) -> bool:
    return (a.platform, a.conversation) == (b.platform, b.conversation)


class MemoThreadProducer:
    """Slots that have started and have no memo thread yet get one "memo_thread" delivery."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue_due(self, now: datetime) -> int:
        key = sa.literal(f"{MEMO_THREAD_KIND}:") + sa.cast(col(Slot.id), sa.String)
        stmt = (
            select(Slot.id, Pair.leader_id)
            .join(Pair, col(Pair.id) == Slot.pair_id)
            .where(
                col(Slot.state).in_([SlotState.planned, SlotState.held]),
                col(Slot.memo_message_id).is_(None),
                col(Slot.starts_at) > now - START_WINDOW,
                col(Slot.starts_at) <= now,
                col(Pair.active).is_(True),
                # A delivery that failed for good is not retried every tick.
                ~sa.exists().where(col(Delivery.key) == key),
            )
        )
        # Read first: a pass with nothing due takes no write lock.
        async with self._db.read() as session:
            due = list((await session.exec(stmt)).all())
        if not due:
            return 0
        added = 0
        async with self._db.write() as session:
            for slot_id, leader_id in due:
                assert slot_id is not None
                added += await enqueue(
                    session,
                    key=memo_thread_key(slot_id),
                    kind=MEMO_THREAD_KIND,
                    person_id=leader_id,
                    due_at=now,
                    slot_id=slot_id,
                )
        return added


class MemoThreadSender:
    """Opens the group DM of the bot, the leader and the member, and posts the memo parent."""

    def __init__(self, db: Database, messenger: Messenger, people: PeopleService) -> None:
        self._db = db
        self._messenger = messenger
        self._people = people

    async def send(self, delivery: Delivery, now: datetime) -> None:
        if delivery.slot_id is None:
            raise DeliveryFailed("no_slot", permanent=True)
        async with self._db.write() as session:
            slot = await session.get(Slot, delivery.slot_id)
            if slot is None or slot.id is None:
                raise DeliveryFailed("slot_gone", permanent=True)
            if slot.memo_message_id:
                return  # the button and the tick raced; the other one opened it
            try:
                parties = await load_parties(session, slot.pair_id)
            except NotAllowed:
                raise DeliveryFailed("pair_inactive", permanent=True) from None
            # Picks made before any slot existed were meant for this 1on1.
            await attach_unscheduled_agenda(session, parties.pair_id, slot.id)
            picks = [pick for _, pick in await slot_picks(session, slot.id)]
            items = await open_action_items(session, parties.pair_id)
            focus = await last_next_focus(session, parties.pair_id)
        member = parties.member
        notice = MemoParent(
            slot_id=slot.id,
            starts_at=slot.starts_at,
            timezone=self._people.timezone_of(member),
            leader_name=parties.leader.name,
            member_name=member.name,
            picks=tuple(picks),
            open_items=tuple(items),
            next_focus=focus,
        )
        channel = await self._messenger.open_group([parties.leader, member])
        # The 1on1 is the member's: the shared thread speaks their language.
        ref = await self._messenger.post(channel, notice, locale=self._people.locale_of(member))
        async with self._db.write() as session:
            await session.exec(
                sa.update(Slot)
                .where(col(Slot.id) == slot.id, col(Slot.memo_message_id).is_(None))
                .values(
                    memo_platform=ref.platform,
                    memo_conversation=ref.conversation,
                    memo_message_id=ref.message_id,
                )
            )


# --- reading and writing memos -------------------------------------------------------------------


class StartState(StrEnum):
    started = "started"
    already = "already"
    in_progress = "in_progress"
    failed = "failed"
    not_startable = "not_startable"


@dataclass(frozen=True)
class StartResult:
    state: StartState
    # The memo thread's parent message, once there is one.
    thread: MessageRef | None = None


@dataclass(frozen=True)
class StoredReply:
    entry_id: int
    kind: str


@dataclass(frozen=True)
class EntryView:
    entry_id: int
    author_name: str
    by_leader: bool
    text: str
    kind: str
    created_at: datetime
    edited: bool


@dataclass(frozen=True)
class SlotMemos:
    slot_id: int
    starts_at: datetime
    state: SlotState
    entries: list[EntryView] = field(default_factory=list)


@dataclass(frozen=True)
class SlotChoice:
    slot_id: int
    starts_at: datetime


@dataclass(frozen=True)
class MemoHistory:
    """One page of a pair's memos, newest 1on1 first, as either person of the pair sees it."""

    pair_id: int
    leader_name: str
    member_name: str
    page: int
    has_older: bool
    slots: list[SlotMemos]
    open_items: list[OpenActionItem]
    next_focus: str | None


@dataclass(frozen=True)
class AddForm:
    pair_id: int
    leader_name: str
    member_name: str
    slots: list[SlotChoice]
    default_slot_id: int | None


class InvalidEntry(InvalidInput):
    def __init__(self, field: str, code: str) -> None:
        super().__init__([FieldError(field, code)])
        self.field = field  # "text" | "slot"
        self.code = code  # "required" | "too_long" | "unknown"


class MemoService:
    def __init__(
        self,
        db: Database,
        ledger: DeliveryLedger,
        sender: MemoThreadSender,
        pairs: PairService,
    ) -> None:
        self._db = db
        self._ledger = ledger
        self._sender = sender
        self._pairs = pairs

    async def pairs_of(self, actor_id: int, *, now: datetime) -> PairsOf:
        return await self._pairs.pairs_of(actor_id, now=now)

    async def entry(self, actor_id: int | None, *, now: datetime) -> Entry:
        """The memo history opens directly for a person's only pair, led or not."""
        return await self._pairs.entry(actor_id, EntryRule.any_pair, now=now)

    async def start_now(self, actor_id: int, slot_id: int, *, now: datetime) -> StartResult:
        """Start a slot's memo thread now (the digest's button); idempotent with the tick."""
        async with self._db.write() as session:
            slot, parties = await authorize_slot(session, actor_id, slot_id)
            thread = memo_thread(slot)
            if thread is not None:
                return StartResult(StartState.already, thread)
            if slot.state not in (SlotState.planned, SlotState.held):
                return StartResult(StartState.not_startable)
            assert parties.leader.id is not None
            await enqueue(
                session,
                key=memo_thread_key(slot_id),
                kind=MEMO_THREAD_KIND,
                person_id=parties.leader.id,
                due_at=now,
                slot_id=slot_id,
            )
        outcome = await send_now(
            self._db, self._ledger, self._sender, memo_thread_key(slot_id), now
        )
        async with self._db.read() as session:
            fresh = await session.get(Slot, slot_id)
        thread = memo_thread(fresh) if fresh else None
        if outcome == SendNow.sent:
            return StartResult(StartState.started, thread)
        if thread is not None:
            return StartResult(StartState.already, thread)
        if outcome == SendNow.busy:
            return StartResult(StartState.in_progress)
        return StartResult(StartState.failed)

    async def record_reply(
        self,
        *,
        author_id: int,
        thread: MessageRef,
        ref: MessageRef,
        text: str,
        now: datetime,
    ) -> StoredReply | None:
        """Store the reply `ref`, written by the person `author_id`, in the thread of `thread`;
        None when that is no memo thread (or `ref` is its parent, or in another conversation),
        or the author is no active party to its pair. The surface resolves the author."""
        if ref == thread or not _same_conversation(ref, thread):
            return None
        kind, body = split_marker(text)
        if not body:
            return None
        # Read first: chatter in other threads of the group DM takes no write lock.
        async with self._db.read() as session:
            slot = (await session.exec(select(Slot).where(*_is_memo_thread(thread)))).first()
            if slot is None or slot.id is None:
                return None
            if not await self._is_active_party(session, slot.pair_id, author_id):
                return None
        async with self._db.write() as session:
            result = await session.exec(
                self._db.insert(MemoEntry)
                .values(
                    slot_id=slot.id,
                    author_id=author_id,
                    text=body,
                    kind=kind,
                    platform=ref.platform,
                    conversation=ref.conversation,
                    message_id=ref.message_id,
                    created_at=ts_time(ref.message_id, now) if ref.platform == SLACK else now,
                )
                .on_conflict_do_nothing(index_elements=["platform", "conversation", "message_id"])
            )
            if not result.rowcount:
                return None
            entry_id = (await session.exec(select(MemoEntry.id).where(*_is_entry_of(ref)))).one()
            assert entry_id is not None
            return StoredReply(entry_id, kind)

    async def record_edit(
        self, *, author_id: int, ref: MessageRef, text: str, now: datetime
    ) -> bool:
        """Mirror an edit of a stored memo by the person `author_id`; only its author can edit
        it in the chat, and here."""
        kind, body = split_marker(text)
        async with self._db.write() as session:
            entry = (await session.exec(select(MemoEntry).where(*_is_entry_of(ref)))).first()
            if entry is None or entry.deleted_at is not None:
                return False
            if entry.author_id != author_id:
                return False
            if body == entry.text and kind == entry.kind:
                return False  # e.g. a link preview was added: nothing the people changed
            if not body:
                # Edited down to nothing (or just the marker): as good as deleted.
                entry.text, entry.deleted_at = "", now
            else:
                entry.text, entry.kind = body, kind
            entry.edited_at = now
            session.add(entry)
            return True

    async def record_delete(self, *, ref: MessageRef, now: datetime) -> bool:
        """Mirror a deletion: the text is dropped, not kept behind the people's backs."""
        async with self._db.write() as session:
            result = await session.exec(
                sa.update(MemoEntry)
                .where(*_is_entry_of(ref), col(MemoEntry.deleted_at).is_(None))
                .values(text="", deleted_at=now)
            )
            return bool(result.rowcount)

    async def history(
        self, actor_id: int, pair_id: int, *, page: int, now: datetime
    ) -> MemoHistory:
        page = max(page, 0)
        async with self._db.read() as session:
            parties = await authorize_pair(session, actor_id, pair_id)
            has_entries = sa.exists().where(
                col(MemoEntry.slot_id) == Slot.id, col(MemoEntry.deleted_at).is_(None)
            )
            slots = list(
                (
                    await session.exec(
                        select(Slot)
                        .where(
                            Slot.pair_id == pair_id,
                            sa.or_(
                                sa.and_(
                                    col(Slot.state).in_(_MEMO_STATES),
                                    col(Slot.starts_at) <= now,
                                ),
                                has_entries,
                            ),
                        )
                        .order_by(col(Slot.starts_at).desc(), col(Slot.id).desc())
                        .offset(page * HISTORY_PAGE)
                        .limit(HISTORY_PAGE + 1)
                    )
                ).all()
            )
            has_older = len(slots) > HISTORY_PAGE
            slots = slots[:HISTORY_PAGE]
            entries: dict[int, list[EntryView]] = {s.id or 0: [] for s in slots}
            if slots:
                rows = await session.exec(
                    select(MemoEntry, Person.name)
                    .join(Person, col(Person.id) == MemoEntry.author_id)
                    .where(
                        col(MemoEntry.slot_id).in_(list(entries)),
                        col(MemoEntry.deleted_at).is_(None),
                    )
                    .order_by(col(MemoEntry.created_at), col(MemoEntry.id))
                )
                for entry, name in rows.all():
                    entries[entry.slot_id].append(
                        EntryView(
                            entry_id=entry.id or 0,
                            author_name=name,
                            by_leader=entry.author_id == parties.leader.id,
                            text=entry.text,
                            kind=entry.kind,
                            created_at=entry.created_at,
                            edited=entry.edited_at is not None,
                        )
                    )
            items = await open_action_items(session, pair_id)
            focus = await last_next_focus(session, pair_id)
        return MemoHistory(
            pair_id=pair_id,
            leader_name=parties.leader.name,
            member_name=parties.member.name,
            page=page,
            has_older=has_older,
            slots=[SlotMemos(s.id or 0, s.starts_at, s.state, entries[s.id or 0]) for s in slots],
            open_items=items,
            next_focus=focus,
        )

    async def add_form(self, actor_id: int, pair_id: int, *, now: datetime) -> AddForm:
        async with self._db.read() as session:
            parties = await authorize_pair(session, actor_id, pair_id)
            choices = await _addable_slots(session, pair_id, now)
        started = [c for c in choices if c.starts_at <= now + timedelta(hours=1)]
        default = started[0] if started else (choices[-1] if choices else None)
        return AddForm(
            pair_id=pair_id,
            leader_name=parties.leader.name,
            member_name=parties.member.name,
            slots=choices,
            default_slot_id=default.slot_id if default else None,
        )

    async def add_entry(
        self,
        actor_id: int,
        pair_id: int,
        *,
        slot_id: int | None,
        text: str,
        next_focus: bool,
        now: datetime,
    ) -> int:
        """An entry typed in the memo modal, for people who prefer that to the thread."""
        body = text.strip()
        if not body:
            raise InvalidEntry("text", "required")
        if len(body) > ENTRY_MAX:
            raise InvalidEntry("text", "too_long")
        async with self._db.write() as session:
            await authorize_pair(session, actor_id, pair_id)
            allowed = {c.slot_id for c in await _addable_slots(session, pair_id, now)}
            if slot_id is None:
                raise InvalidEntry("slot", "required")
            if slot_id not in allowed:
                # Another pair's slot, a moved one, or a forged id: store nothing.
                raise NotAllowed
            entry = MemoEntry(
                slot_id=slot_id,
                author_id=actor_id,
                text=body,
                kind=NEXT_FOCUS if next_focus else POINT,
                created_at=now,
            )
            session.add(entry)
            await session.flush()
            assert entry.id is not None
            return entry.id

    async def _is_active_party(self, session: AsyncSession, pair_id: int, person_id: int) -> bool:
        person = await session.get(Person, person_id)
        pair = await session.get(Pair, pair_id)
        if person is None or not person.active or pair is None:
            return False
        return person_id in (pair.leader_id, pair.member_id)


async def _addable_slots(session: AsyncSession, pair_id: int, now: datetime) -> list[SlotChoice]:
    rows = await session.exec(
        select(Slot.id, Slot.starts_at)
        .where(
            Slot.pair_id == pair_id,
            col(Slot.state).in_(_MEMO_STATES),
            col(Slot.starts_at) <= now + ADDABLE_AHEAD,
        )
        .order_by(col(Slot.starts_at).desc())
        .limit(ADDABLE_MAX)
    )
    return [SlotChoice(slot_id or 0, starts_at) for slot_id, starts_at in rows.all()]
