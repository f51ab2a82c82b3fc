"""`/1on1` and its sub-commands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.i18n import t
from handlers.slack import blocks, ids, subcommands
from handlers.slack.context import actor_of, services_of
from handlers.slack.outcomes import keeping_ack
from handlers.slack.picks import entry_view


async def on_command(
    ack: AsyncAck,
    command: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """`/1on1` alone opens the picks; `/1on1 word ...` runs a sub-command; anything else
    (`help`, a typo) gets the help: a typo should teach, not scold."""
    actor, services = actor_of(context), services_of(context)
    words = (command.get("text") or "").strip().split()
    found = subcommands.find(words[0].lower()) if words else None
    name = "open" if not words else found.words[0] if found else "help"
    services.metrics.inc("oneonone_slack_commands_total", name=name)
    invocation = subcommands.Invocation(services, actor, command, words[1:], ack, respond, client)
    if found is not None:
        await found.run(invocation)
    elif not words:
        await invocation.open_entry(entry_view)
    else:
        await show_help(ack, context, respond)


async def show_help(ack: AsyncAck, context: AsyncBoltContext, respond: AsyncRespond) -> None:
    # Ack first: the caller's language may take the database and, for someone outside the
    # org data, users.info; the help follows through the response URL.
    await ack()
    locale = await actor_of(context).locale()
    help_keys = [s.help_key for s in subcommands.SUBCOMMANDS]
    await respond(
        response_type="ephemeral",
        blocks=blocks.help_blocks(locale, help_keys),
        text=t(locale, "help.fallback"),
    )


def register(app: AsyncApp, services: Services) -> None:
    app.command(ids.COMMAND)(keeping_ack(on_command))
