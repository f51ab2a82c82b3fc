"""Global middleware: drop retried events, and attach the lazy Actor to the context."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.services.container import Services
from handlers.slack.actor import Actor
from handlers.slack.directory import SlackDirectory

logger = logging.getLogger("oneonone.slack")


def _kind(body: dict[str, Any]) -> str:
    """What a request is, for the log: its type and event type or command, never its content."""
    if "command" in body:
        return f"command {body['command']}"
    event = body.get("event") or {}
    kind = str(body.get("type") or "unknown")
    return f"{kind} {event.get('type')}" if event else kind


def register(app: AsyncApp, services: Services) -> None:
    directory = SlackDirectory(app.client)

    # One middleware rather than two: Bolt builds the arguments of every middleware anew on
    # every request, which shows in the slash command's per-request cost.
    @app.middleware
    async def per_request(
        body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        # Bolt's own DEBUG lines carry whole ack bodies and are kept quiet (bot/logs.py); this
        # is the request trace that remains, without any content.
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("handling %s from %s", _kind(body), context.user_id)
        # Slack retries an event it thinks failed; a retry may land on another replica,
        # so "seen" lives in the database, not in memory.
        event_id = body.get("event_id")
        if event_id and body.get("type") == "event_callback":
            team_id = body.get("team_id") or context.team_id or ""
            fresh = await services.events.first_time(team_id, event_id, now=datetime.now(UTC))
            if not fresh:
                services.metrics.inc("oneonone_slack_events_deduplicated_total")
                return BoltResponse(status=200, body="")
        if context.user_id:
            context["actor"] = Actor(context.user_id, services.people, directory)
        await next()
        return None
