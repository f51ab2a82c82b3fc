"""A Slack listener is a plain function of Bolt's arguments: it can be called with fakes.

No server, database or Slack here: the services and the acting person are fakes on the
context, as the request builder puts the real ones there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
from slack_bolt.async_app import AsyncAck
from slack_bolt.kwargs_injection.async_args import AsyncArgs

from bot.core.errors import NotAllowed
from bot.features.memos import StartResult, StartState
from bot.i18n import t
from handlers.slack.actor import UnknownPerson
from handlers.slack.memos import MEMOS, start_memo
from handlers.slack.outcomes import Via, answering

NOW = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)


def _ack() -> AsyncAck:
    """Bolt's own ack: it only remembers what it was called with."""
    return AsyncAck()  # type: ignore[no-untyped-call]


class FakeActor:
    def __init__(self, person_id: int | None) -> None:
        self._person_id = person_id

    async def person_id(self) -> int:
        if self._person_id is None:
            raise UnknownPerson
        return self._person_id

    async def locale(self) -> str:
        return "en"


class FakeMemos:
    def __init__(self, result: StartResult | None) -> None:
        self.result = result
        self.calls: list[tuple[int, int]] = []

    async def start_now(self, person_id: int, slot_id: int, *, now: datetime) -> StartResult:
        self.calls.append((person_id, slot_id))
        if self.result is None:
            raise NotAllowed
        return self.result


class Recorder:
    """respond, or any client method: records the keyword arguments of every call."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def _context(person_id: int | None, memos: FakeMemos) -> dict[str, Any]:
    services = SimpleNamespace(memos=memos, clock=SimpleNamespace(now=lambda: NOW))
    return {"actor": FakeActor(person_id), "services": services}


BODY = {"type": "block_actions", "response_url": "https://hooks.example/1"}


async def test_a_listener_acks_calls_its_service_once_and_answers() -> None:
    ack, respond = _ack(), Recorder()
    memos = FakeMemos(StartResult(StartState.started))
    await start_memo(
        ack=ack,
        action={"value": "42"},
        context=cast(Any, _context(7, memos)),
        respond=cast(Any, respond),
        body=BODY,
    )
    assert ack.response is not None
    assert memos.calls == [(7, 42)]
    assert respond.calls == [
        {"text": t("en", "memo.started"), "response_type": "ephemeral", "replace_original": False}
    ]


async def test_a_refusal_is_raised_for_the_mapper_not_answered_by_the_listener() -> None:
    respond = Recorder()
    with pytest.raises(NotAllowed):
        await start_memo(
            ack=_ack(),
            action={"value": "not-a-number"},
            context=cast(Any, _context(7, FakeMemos(None))),
            respond=cast(Any, respond),
            body=BODY,
        )
    assert respond.calls == []


@pytest.mark.parametrize(("person_id", "value"), [(7, "42"), (None, "42"), (7, "x")])
async def test_the_mapper_answers_a_refusal_in_the_message(
    person_id: int | None, value: str
) -> None:
    ack, respond = _ack(), Recorder()
    args = SimpleNamespace(
        ack=ack,
        body=BODY,
        action={"value": value},
        context=_context(person_id, FakeMemos(None)),
        client=Recorder(),
        respond=respond,
    )
    await answering(Via.REPLY, MEMOS, start_memo)(cast(AsyncArgs, args))
    assert ack.response is not None
    assert respond.calls == [
        {
            "text": t("en", "error.not_your_pair"),
            "response_type": "ephemeral",
            "replace_original": False,
        }
    ]
