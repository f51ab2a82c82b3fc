"""acting(): the one preamble of the Slack listeners, with fakes on the context."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
from slack_bolt.async_app import AsyncAck

from bot.core.errors import NotAllowed, NotFound
from handlers.slack.actor import UnknownPerson
from handlers.slack.context import Acting, ActingOn, acting

NOW = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)


class Tracing:
    """The ack and the actor, writing what happened in one shared order."""

    def __init__(self, person_id: int | None) -> None:
        self.person = person_id
        self.steps: list[str] = []
        self.ack = AsyncAck()  # type: ignore[no-untyped-call]

    async def acked(self) -> None:
        self.steps.append("ack")
        await self.ack()

    async def person_id(self) -> int:
        self.steps.append("person")
        if self.person is None:
            raise UnknownPerson
        return self.person

    async def locale(self) -> str:
        self.steps.append("locale")
        return "ja"

    async def timezone(self) -> str:
        self.steps.append("zone")
        return "Asia/Tokyo"


def _context(actor: Tracing) -> dict[str, Any]:
    clock = SimpleNamespace(now=lambda: NOW)
    return {"actor": actor, "services": SimpleNamespace(clock=clock)}


async def test_it_acks_first_then_reads_who_acts_and_the_named_id() -> None:
    actor = Tracing(7)
    act = await acting(cast(AsyncAck, actor.acked), _context(actor), value="42")
    assert isinstance(act, ActingOn)
    assert (act.person_id, act.id, act.now) == (7, 42, NOW)
    assert actor.steps == ["ack", "person"]  # the language and zone only when asked
    assert await act.reader() == ("ja", "Asia/Tokyo")


async def test_without_a_value_there_is_no_id_and_without_an_ack_none_is_sent() -> None:
    actor = Tracing(7)
    act = await acting(None, _context(actor))
    assert type(act) is Acting
    assert actor.steps == ["person"]
    assert actor.ack.response is None


@pytest.mark.parametrize("value", [None, "x", "", "²", True, "1" * 12])
async def test_an_odd_id_is_refused_for_the_mapper_after_the_ack(value: Any) -> None:
    actor = Tracing(7)
    with pytest.raises(NotAllowed):
        await acting(cast(AsyncAck, actor.acked), _context(actor), value=value)
    assert actor.steps == ["ack", "person"]


async def test_an_unknown_person_is_refused_before_the_id_is_read() -> None:
    actor = Tracing(None)
    with pytest.raises(UnknownPerson):
        await acting(cast(AsyncAck, actor.acked), _context(actor), value="x")
    assert actor.steps == ["ack", "person"]


async def test_a_listener_names_its_own_refusal_for_a_missing_id() -> None:
    actor = Tracing(7)
    with pytest.raises(NotFound):
        await acting(None, _context(actor), value=None, missing=NotFound)
