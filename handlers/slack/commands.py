"""`/1on1` and its sub-commands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.i18n import t
from handlers.slack import blocks, ids, subcommands
from handlers.slack.actor import Actor
from handlers.slack.picks import open_entry


def register(app: AsyncApp, services: Services) -> None:
    @app.command(ids.COMMAND)
    async def on_command(
        ack: AsyncAck,
        command: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        actor: Actor = context["actor"]
        words = (command.get("text") or "").strip().split()
        if words:
            words[0] = words[0].lower()
        if not words:
            # The trigger id dies 3 s after the click: answer Slack first, then open.
            await ack()
            problem = await open_entry(services, actor, command["trigger_id"], client)
            services.metrics.inc("oneonone_slack_commands_total", name="open")
            if problem is not None:
                locale = await actor.locale()
                await respond(text=t(locale, problem), response_type="ephemeral")
            return
        found = subcommands.find(words[0])
        if found is not None:
            services.metrics.inc("oneonone_slack_commands_total", name=found.words[0])
            await found.handler(
                subcommands.Invocation(
                    services=services,
                    actor=actor,
                    command=command,
                    args=words[1:],
                    ack=ack,
                    respond=respond,
                    client=client,
                )
            )
            return
        # `help` and unknown words alike get the help: a typo should teach, not scold. Ack
        # first: the caller's language may take the database and, for someone outside the
        # org data, users.info; the help follows through the response URL.
        await ack()
        services.metrics.inc("oneonone_slack_commands_total", name="help")
        locale = await actor.locale()
        help_keys = [s.help_key for s in subcommands.SUBCOMMANDS]
        await respond(
            response_type="ephemeral",
            blocks=blocks.help_blocks(locale, help_keys),
            text=t(locale, "help.fallback"),
        )
