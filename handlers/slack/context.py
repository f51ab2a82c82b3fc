"""What every listener reads from the Bolt context: the services and the acting person.

The request builder (middleware.request_builder) puts both there, so a listener is a plain
module-level function of Bolt's arguments, and a test calls it with a context of fakes.

`acting` is how a listener that acts for a known person starts: one line that acks, then
reads who acts and on what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from slack_bolt.async_app import AsyncAck

from bot.container import Services
from bot.core.errors import NotAllowed
from handlers.slack.actor import Actor
from handlers.slack.payload import required_id


def services_of(context: dict[str, Any]) -> Services:
    services: Services = context["services"]
    return services


def actor_of(context: dict[str, Any]) -> Actor:
    actor: Actor = context["actor"]
    return actor


@dataclass(frozen=True)
class Acting:
    """A known person acting: the services, who acts, and the time they act at. The
    reader's language and time zone are read only by a listener that renders with them."""

    services: Services
    actor: Actor
    person_id: int
    now: datetime

    async def locale(self) -> str:
        return await self.actor.locale()

    async def zone(self) -> str:
        return await self.actor.timezone()

    async def reader(self) -> tuple[str, str]:
        """The language and the time zone, for builders that take both."""
        return await self.locale(), await self.zone()


@dataclass(frozen=True)
class ActingOn(Acting):
    """A known person acting on the id the payload names (a pair, slot, tip, TODO)."""

    id: int


_NO_ID: Any = object()


@overload
async def acting(ack: AsyncAck | None, context: dict[str, Any]) -> Acting: ...


@overload
async def acting(
    ack: AsyncAck | None,
    context: dict[str, Any],
    *,
    value: Any,
    missing: type[Exception] = NotAllowed,
) -> ActingOn: ...


async def acting(
    ack: AsyncAck | None,
    context: dict[str, Any],
    *,
    value: Any = _NO_ID,
    missing: type[Exception] = NotAllowed,
) -> Acting:
    """Ack (first: Slack's trigger id dies 3 s after the click), then read who acts and, given
    a payload `value`, the id it names.

    `ack` is None for a view submission, which answers with its ack after the service (or
    for a listener that acked already, before reading a payload that may be odd). The
    refusals are raised for the outcome mapper, in this order: UnknownPerson for someone the
    org data does not know, then `missing` (required_id) for an odd or missing id.
    """
    if ack is not None:
        await ack()
    actor, services = actor_of(context), services_of(context)
    person_id = await actor.person_id()
    if value is _NO_ID:
        return Acting(services, actor, person_id, services.clock.now())
    named = required_id(value, missing=missing)
    return ActingOn(services, actor, person_id, services.clock.now(), named)
