"""Test doubles shared by the service-level tests: one fake Messenger, the real services built
around it, and small org factories.

The fake records every Notice the core hands to a platform (to whom, in which conversation) and
answers with MessageRefs, so a test asserts on what would have been sent without Slack or Teams.
It can be told to fail a call the way a platform does: a DeliveryFailed with a code, permanent
or not, optionally with a 429-like `retry_after`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import SQLModel, select

from bot.container import Services, build_services
from bot.core.clock import ShiftedClock
from bot.ports import SLACK, DeliveryFailed, MessageRef, Notice
from storage.db import Database
from storage.models import Pair, PairKind, Person, Slot

N = TypeVar("N", bound=Notice)
M = TypeVar("M", bound=SQLModel)

METHODS = ("send", "post", "update", "delete", "open_group")


@dataclass(frozen=True)
class Call:
    """One call the core made on the Messenger (and the platform accepted)."""

    method: str  # one of METHODS
    notice: Notice | None = None
    person: Person | None = None  # send: the recipient
    conversation: str | None = None  # post and open_group: the conversation
    ref: MessageRef | None = None  # send / post: the new message; update / delete: the old one
    locale: str | None = None
    thread: MessageRef | None = None
    people: tuple[Person, ...] = ()  # open_group


@dataclass
class _Failure:
    error: DeliveryFailed
    times: int | None  # None: until healed


@dataclass
class FakeMessenger:
    """A Messenger that records instead of delivering.

    Direct messages live in conversation "D0" and get the ids "1.0", "2.0", ... in the order
    they were sent; channel posts get "1.0", "2.0", ... in their own order; a group of people
    is the conversation "G" plus their ids ("G1-2"), so each pair has its own.
    """

    calls: list[Call] = field(default_factory=list)
    # Every DeliveryFailed raised on purpose, with the method that raised it.
    refused: list[tuple[str, DeliveryFailed]] = field(default_factory=list)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)

    # --- telling it to fail -------------------------------------------------------------------

    def fail(
        self,
        method: str,
        code: str = "ratelimited",
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        times: int | None = 1,
    ) -> None:
        """The next `times` calls of `method` (every call when None, until `heal`) raise
        DeliveryFailed(code); failures queued for one method are used up in order."""
        if method not in METHODS:
            raise ValueError(f"no such Messenger method: {method}")
        error = DeliveryFailed(code, permanent=permanent, retry_after=retry_after)
        self._failures.setdefault(method, []).append(_Failure(error, times))

    def heal(self, method: str | None = None) -> None:
        """Forget the failures still queued (for one method, or all)."""
        if method is None:
            self._failures.clear()
        else:
            self._failures.pop(method, None)

    async def _check(self, method: str) -> None:
        await asyncio.sleep(0)  # a real platform call yields to other tasks
        queued = self._failures.get(method)
        if not queued:
            return
        failure = queued[0]
        if failure.times is not None:
            failure.times -= 1
            if failure.times <= 0:
                queued.pop(0)
        self.refused.append((method, failure.error))
        raise failure.error

    # --- the Messenger ------------------------------------------------------------------------

    async def send(self, person: Person, notice: Notice) -> MessageRef:
        await self._check("send")
        ref = MessageRef(SLACK, "D0", f"{len(self.sent) + 1}.0")
        self.calls.append(Call("send", notice, person=person, ref=ref))
        return ref

    async def post(
        self, conversation: str, notice: Notice, *, locale: str, thread: MessageRef | None = None
    ) -> MessageRef:
        await self._check("post")
        ref = MessageRef(SLACK, conversation, f"{len(self.posts) + 1}.0")
        call = Call(
            "post", notice, conversation=conversation, ref=ref, locale=locale, thread=thread
        )
        self.calls.append(call)
        return ref

    async def update(self, ref: MessageRef, notice: Notice, *, locale: str, timezone: str) -> None:
        await self._check("update")
        self.calls.append(Call("update", notice, ref=ref, locale=locale))

    async def delete(self, ref: MessageRef) -> None:
        await self._check("delete")
        self.calls.append(Call("delete", ref=ref))

    async def open_group(self, people: Sequence[Person]) -> str:
        await self._check("open_group")
        conversation = "G" + "-".join(str(p.id) for p in sorted(people, key=lambda p: p.id or 0))
        self.calls.append(Call("open_group", conversation=conversation, people=tuple(people)))
        return conversation

    # --- reading what was recorded -------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @property
    def sent(self) -> list[tuple[int | None, Notice]]:
        """(recipient's id, notice) of every direct message."""
        return [(c.person.id if c.person else None, _notice(c)) for c in self.of("send")]

    @property
    def posts(self) -> list[tuple[str, Notice]]:
        """(conversation, notice) of every channel or group post."""
        return [(c.conversation or "", _notice(c)) for c in self.of("post")]

    @property
    def updates(self) -> list[tuple[MessageRef, Notice]]:
        return [(_ref(c), _notice(c)) for c in self.of("update")]

    @property
    def deleted(self) -> list[MessageRef]:
        return [_ref(c) for c in self.of("delete")]

    @property
    def groups(self) -> list[tuple[str, tuple[int | None, ...]]]:
        """(conversation, the people's ids) of every group opened."""
        return [
            (c.conversation or "", tuple(p.id for p in c.people)) for c in self.of("open_group")
        ]

    def notices(self, kind: type[N], *, to: int | None = None) -> list[N]:
        """The notices of one type sent or posted (to one person's DMs when `to` is given)."""
        found: list[N] = []
        for call in self.calls:
            if call.method not in ("send", "post") or not isinstance(call.notice, kind):
                continue
            if to is not None and (call.person is None or call.person.id != to):
                continue
            found.append(call.notice)
        return found

    def clear(self) -> None:
        """Forget what was recorded so far (failures still queued stay)."""
        self.calls.clear()
        self.refused.clear()


def _notice(call: Call) -> Notice:
    assert call.notice is not None
    return call.notice


def _ref(call: Call) -> MessageRef:
    assert call.ref is not None
    return call.ref


# --- the real services around the fake ---------------------------------------------------------


def services_with(
    db: Database,
    messenger: FakeMessenger,
    *,
    at: datetime,
    tips_channel: str = "",
    default_locale: str = "ja",
    default_timezone: str = "Asia/Tokyo",
) -> Services:
    """The services the app wires, talking to `messenger`, on a clock that starts at `at`."""
    return build_services(
        db,
        messenger_factory=lambda people: messenger,
        default_locale=default_locale,
        default_timezone=default_timezone,
        tips_channel=tips_channel,
        clock=ShiftedClock(at),
    )


# --- org factories -------------------------------------------------------------------------------


async def add_person(db: Database, name: str, **extra: Any) -> Person:
    """A person named `name` (e-mail and Slack id made from it unless given)."""
    extra.setdefault("email", f"{name.lower()}@example.com")
    extra.setdefault("slack_id", f"U{name.upper()}")
    async with db.write() as session:
        person = Person(name=name, **extra)
        session.add(person)
        await session.flush()
        await session.refresh(person)
        assert person.id is not None
        return person


async def add_pair(
    db: Database, leader: Person, member: Person, *, kind: PairKind = PairKind.manager
) -> Pair:
    assert leader.id is not None
    assert member.id is not None
    async with db.write() as session:
        pair = Pair(leader_id=leader.id, member_id=member.id, kind=kind)
        session.add(pair)
        await session.flush()
        await session.refresh(pair)
        assert pair.id is not None
        return pair


@dataclass(frozen=True)
class SmallOrg:
    """A leader with two members (two pairs) and an outsider who is in neither pair."""

    leader: Person
    member: Person
    other_member: Person
    outsider: Person
    pair: Pair
    other_pair: Pair

    @property
    def pair_id(self) -> int:
        assert self.pair.id is not None
        return self.pair.id


async def small_org(db: Database) -> SmallOrg:
    leader = await add_person(db, "Lea")
    member = await add_person(db, "Mo")
    other = await add_person(db, "Ota")
    outsider = await add_person(db, "Oz")
    pair = await add_pair(db, leader, member)
    other_pair = await add_pair(db, leader, other)
    return SmallOrg(leader, member, other, outsider, pair, other_pair)


def id_of(thing: Person | Pair | Slot) -> int:
    assert thing.id is not None
    return thing.id


async def add_slot(db: Database, pair: Pair | int, starts_at: datetime, **fields: Any) -> Slot:
    """A slot of the pair (planned unless `state` says otherwise), as a cadence or a move
    would have made it."""
    pair_id = pair if isinstance(pair, int) else id_of(pair)
    async with db.write() as session:
        slot = Slot(pair_id=pair_id, starts_at=starts_at, **fields)
        session.add(slot)
        await session.flush()
        await session.refresh(slot)
        assert slot.id is not None
        return slot


async def rows(db: Database, model: type[M]) -> list[M]:
    """Every row of a table, in id order."""
    async with db.read() as session:
        found = await session.exec(select(model).order_by(sa.text("id")))
        return list(found.all())
