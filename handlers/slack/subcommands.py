"""`/1on1 <word>`: each feature registers its sub-commands here, with its help line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.i18n import t
from handlers.slack.actor import Actor
from handlers.slack.outcomes import Request, Via, Wording, settle

# A feature's entry modal for the caller (often their one pair, or a chooser), or the
# message key saying why there is none.
EntryView = Callable[[Services, Actor], Awaitable[dict[str, Any] | str]]


@dataclass(frozen=True)
class Invocation:
    """One `/1on1 word args...` call. The handler must `ack` first (within 3 s)."""

    services: Services
    actor: Actor
    command: dict[str, Any]
    args: list[str]
    ack: AsyncAck
    respond: AsyncRespond
    client: AsyncWebClient

    @property
    def trigger_id(self) -> str:
        return str(self.command["trigger_id"])

    @property
    def request(self) -> Request:
        return Request(self.ack, self.command, self.actor, self.client, self.respond)

    async def open_entry(self, entry: EntryView) -> None:
        """Open a feature's entry modal, or say (only to the caller) why there is none."""
        # The trigger id dies 3 s after the command: answer Slack first, then open.
        await self.ack()
        view = await entry(self.services, self.actor)
        if isinstance(view, str):
            await self.respond(text=t(await self.actor.locale(), view), response_type="ephemeral")
            return
        await self.client.views_open(trigger_id=self.trigger_id, view=view)


Handler = Callable[[Invocation], Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    words: tuple[str, ...]  # the first is the canonical one shown in help
    help_key: str  # i18n key of the help line
    handler: Handler
    # How its refusals are worded (an ephemeral reply); None for one that refuses nothing.
    wording: Wording | None = None

    async def run(self, inv: Invocation) -> None:
        if self.wording is None:
            await self.handler(inv)
        else:
            await settle(self.handler(inv), Via.COMMAND, self.wording, inv.request)


SUBCOMMANDS: list[Subcommand] = []


def subcommand(
    *words: str, help_key: str, wording: Wording | None = None
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        taken = {w for s in SUBCOMMANDS for w in s.words}
        if taken & set(words):
            raise ValueError(f"sub-command already registered: {sorted(taken & set(words))}")
        SUBCOMMANDS.append(Subcommand(tuple(words), help_key, handler, wording))
        return handler

    return register


def find(word: str) -> Subcommand | None:
    return next((s for s in SUBCOMMANDS if word in s.words), None)
