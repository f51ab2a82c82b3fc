"""TODOs from a 1on1: made from a memo message or typed in the memo modal, carried until done.

Only the two people of the pair create, see or complete a pair's TODOs; every entry point takes
the acting person's id and checks it, because ids arrive from attacker-controlled payloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from bot.core.authz import authorize_pair, authorize_slot
from bot.core.errors import FieldError, InvalidInput, NotAllowed
from bot.features.memos.memos import split_marker
from bot.ports import MessageRef
from storage.db import Database
from storage.models import ActionItem, MemoEntry, Pair, Person, Slot

TODO_MAX = 500
HOME_ITEMS_MAX = 50


class NotInMemoThread(InvalidInput):
    """The message is not a reply in a memo thread (or is the thread's first message)."""

    def __init__(self) -> None:
        super().__init__([FieldError("message", "not_in_thread")])


class AlreadyTodo(InvalidInput):
    """This memo message was already made into a TODO."""

    def __init__(self) -> None:
        super().__init__([FieldError("message", "already_todo")])


@dataclass(frozen=True)
class TodoError(FieldError):
    """`field` is "text" | "owner" | "due"; `code` "required" | "too_long" | "unknown" |
    "past"."""


class InvalidTodo(InvalidInput):
    errors: list[TodoError]

    def __init__(self, errors: list[TodoError]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class TodoDraft:
    """What the TODO modal starts from."""

    pair_id: int
    slot_id: int | None
    leader_id: int
    leader_name: str
    member_id: int
    member_name: str
    actor_id: int
    text: str = ""
    # The memo message it is made from, if any.
    source: MessageRef | None = None


@dataclass(frozen=True)
class PersonItem:
    """An open TODO as one person of the pair sees it in App Home."""

    item_id: int
    pair_id: int
    text: str
    owner_name: str
    mine: bool
    other_name: str
    due_at: datetime | None


def end_of_day(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(timezone))


class ActionItemService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def draft_from_message(
        self,
        actor_id: int,
        *,
        ref: MessageRef,
        thread: MessageRef | None,
        text: str,
    ) -> TodoDraft:
        """The message shortcut: the reply `ref` in the thread of `thread`, one of the actor's
        memo threads, as a TODO draft."""
        if thread is None or thread == ref:
            raise NotInMemoThread
        if (thread.platform, thread.conversation) != (ref.platform, ref.conversation):
            raise NotInMemoThread
        async with self._db.read() as session:
            slot = (
                await session.exec(
                    select(Slot).where(
                        col(Slot.memo_message_id) == thread.message_id,
                        col(Slot.memo_conversation) == thread.conversation,
                        col(Slot.memo_platform) == thread.platform,
                    )
                )
            ).first()
            if slot is None or slot.id is None:
                raise NotInMemoThread
            slot, parties = await authorize_slot(session, actor_id, slot.id)
            taken = (
                await session.exec(
                    select(ActionItem.id).where(
                        col(ActionItem.source_platform) == ref.platform,
                        col(ActionItem.source_conversation) == ref.conversation,
                        col(ActionItem.source_message_id) == ref.message_id,
                    )
                )
            ).first()
            if taken is not None:
                raise AlreadyTodo
            # The stored memo follows edits; the payload's text is what Slack showed.
            stored = (
                await session.exec(
                    select(MemoEntry).where(
                        col(MemoEntry.platform) == ref.platform,
                        col(MemoEntry.conversation) == ref.conversation,
                        col(MemoEntry.message_id) == ref.message_id,
                    )
                )
            ).first()
        if stored is not None and stored.deleted_at is None:
            body = stored.text
        else:
            body = split_marker(text)[1]
        assert parties.leader.id is not None
        assert parties.member.id is not None
        return TodoDraft(
            pair_id=parties.pair_id,
            slot_id=slot.id,
            leader_id=parties.leader.id,
            leader_name=parties.leader.name,
            member_id=parties.member.id,
            member_name=parties.member.name,
            actor_id=actor_id,
            text=body[:TODO_MAX],
            source=ref,
        )

    async def draft_for_pair(self, actor_id: int, pair_id: int, *, now: datetime) -> TodoDraft:
        async with self._db.read() as session:
            parties = await authorize_pair(session, actor_id, pair_id)
            latest = (
                await session.exec(
                    select(Slot.id)
                    .where(Slot.pair_id == pair_id, col(Slot.starts_at) <= now)
                    .order_by(col(Slot.starts_at).desc())
                    .limit(1)
                )
            ).first()
        assert parties.leader.id is not None
        assert parties.member.id is not None
        return TodoDraft(
            pair_id=pair_id,
            slot_id=latest,
            leader_id=parties.leader.id,
            leader_name=parties.leader.name,
            member_id=parties.member.id,
            member_name=parties.member.name,
            actor_id=actor_id,
        )

    async def create(
        self,
        actor_id: int,
        pair_id: int,
        *,
        text: str,
        owner_id: int | None,
        due: date | None,
        slot_id: int | None,
        source: MessageRef | None,
        timezone: str,
        now: datetime,
    ) -> int:
        """Store a TODO; due None means "by the next 1on1"."""
        body = split_marker(text)[1] if text else ""
        errors: list[TodoError] = []
        if not body:
            errors.append(TodoError("text", "required"))
        elif len(body) > TODO_MAX:
            errors.append(TodoError("text", "too_long"))
        due_at = end_of_day(due, timezone) if due is not None else None
        if due is not None and due < now.astimezone(ZoneInfo(timezone)).date():
            errors.append(TodoError("due", "past"))
        async with self._db.write() as session:
            parties = await authorize_pair(session, actor_id, pair_id)
            if owner_id is None or not parties.includes(owner_id):
                errors.append(TodoError("owner", "unknown" if owner_id else "required"))
            if slot_id is not None:
                slot = await session.get(Slot, slot_id)
                if slot is None or slot.pair_id != pair_id:
                    raise NotAllowed
            if source is not None:
                # The source must be in this pair's memo conversation, whatever the payload says.
                in_pair = (
                    await session.exec(
                        select(Slot.id).where(
                            Slot.pair_id == pair_id,
                            col(Slot.memo_conversation) == source.conversation,
                            col(Slot.memo_platform) == source.platform,
                        )
                    )
                ).first()
                if in_pair is None:
                    raise NotAllowed
            if errors:
                raise InvalidTodo(errors)
            assert owner_id is not None
            stmt = self._db.insert(ActionItem).values(
                pair_id=pair_id,
                slot_id=slot_id,
                owner_id=owner_id,
                created_by_id=actor_id,
                text=body,
                due_at=due_at,
                created_at=now,
                source_platform=source.platform if source else None,
                source_conversation=source.conversation if source else None,
                source_message_id=source.message_id if source else None,
            )
            if source is not None:
                stmt = stmt.on_conflict_do_nothing(
                    index_elements=["source_platform", "source_conversation", "source_message_id"]
                )
            result = await session.exec(stmt.returning(col(ActionItem.id)))
            new_id = result.scalar_one_or_none()
            if new_id is None:
                raise AlreadyTodo
            return int(new_id)

    async def set_done(self, actor_id: int, item_id: int, *, done: bool, now: datetime) -> None:
        async with self._db.write() as session:
            item = await session.get(ActionItem, item_id)
            if item is None:
                raise NotAllowed
            await authorize_pair(session, actor_id, item.pair_id)
            if done and item.done_at is None:
                item.done_at = now
            elif not done:
                item.done_at = None
            session.add(item)

    async def open_for(self, person_id: int) -> list[PersonItem]:
        """Open TODOs of every pair the person is in, oldest first."""
        owner = aliased(Person)
        leader = aliased(Person)
        member = aliased(Person)
        async with self._db.read() as session:
            rows = await session.exec(
                select(
                    ActionItem,
                    owner.name,
                    sa.case((col(Pair.leader_id) == person_id, member.name), else_=leader.name),
                )
                .join(Pair, col(Pair.id) == ActionItem.pair_id)
                .join(owner, col(owner.id) == ActionItem.owner_id)
                .join(leader, col(leader.id) == Pair.leader_id)
                .join(member, col(member.id) == Pair.member_id)
                .where(
                    col(ActionItem.done_at).is_(None),
                    col(Pair.active).is_(True),
                    col(leader.active).is_(True),
                    col(member.active).is_(True),
                    sa.or_(col(Pair.leader_id) == person_id, col(Pair.member_id) == person_id),
                )
                .order_by(col(ActionItem.created_at), col(ActionItem.id))
                .limit(HOME_ITEMS_MAX)
            )
            return [
                PersonItem(
                    item_id=item.id or 0,
                    pair_id=item.pair_id,
                    text=item.text,
                    owner_name=owner_name,
                    mine=item.owner_id == person_id,
                    other_name=other_name,
                    due_at=item.due_at,
                )
                for item, owner_name, other_name in rows.all()
            ]
