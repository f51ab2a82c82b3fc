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
from handlers.slack.picks import open_entry


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
    if found is not None:
        args = words[1:]
        invocation = subcommands.Invocation(services, actor, command, args, ack, respond, client)
        await found.run(invocation)
    elif not words:
        await open_picks(ack, command, context, client, respond)
    else:
        await show_help(ack, context, respond)


async def open_picks(
    ack: AsyncAck,
    command: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    # The trigger id dies 3 s after the click: answer Slack first, then open.
    await ack()
    actor = actor_of(context)
    problem = await open_entry(services_of(context), actor, command["trigger_id"], client)
    if problem is not None:
        await respond(text=t(await actor.locale(), problem), response_type="ephemeral")


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
