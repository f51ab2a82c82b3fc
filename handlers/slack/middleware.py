"""Per-request set-up without a global Bolt middleware: the lazy Actor rides on the Bolt
request itself, and the event listeners drop Slack's retries with a listener middleware.

A global middleware costs every request (Bolt builds its arguments anew each time), while only
events need de-duplicating: the `/1on1` path pays for neither.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_bolt_request
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.container import Services
from handlers.slack.actor import Actor
from handlers.slack.directory import SlackDirectory

logger = logging.getLogger("oneonone.slack")

RequestBuilder = Callable[[web.Request], Awaitable[AsyncBoltRequest]]
Middleware = Callable[..., Awaitable[BoltResponse | None]]


def _kind(body: dict[str, Any]) -> str:
    """What a request is, for the log: its type and event type or command, never its content."""
    if "command" in body:
        return f"command {body['command']}"
    event = body.get("event") or {}
    kind = str(body.get("type") or "unknown")
    return f"{kind} {event.get('type')}" if event else kind


def request_builder(app: AsyncApp, services: Services) -> RequestBuilder:
    """Turn an HTTP request into a Bolt request that carries the services and the lazy Actor
    (`context["services"]`, `context["actor"]`; read them with handlers.slack.context); Bolt
    checks the signature before any listener can use them."""
    directory = SlackDirectory(app.client)

    async def build(request: web.Request) -> AsyncBoltRequest:
        bolt_request = await to_bolt_request(request)
        context = bolt_request.context
        # Bolt's own DEBUG lines carry whole ack bodies and are kept quiet (bot/logs.py); this
        # is the request trace that remains, without any content.
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("handling %s from %s", _kind(bolt_request.body), context.user_id)
        context["services"] = services
        if context.user_id:
            context["actor"] = Actor(context.user_id, services.people, directory)
        return bolt_request

    return build


def dedupe_events(services: Services) -> Middleware:
    """For every event listener: Slack retries an event it thinks failed, and a retry may land
    on another replica, so "seen" lives in the database, not in memory."""

    async def dedupe(
        body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        if event_id:
            team_id = body.get("team_id") or context.team_id or ""
            fresh = await services.events.first_time(team_id, event_id, now=services.clock.now())
            if not fresh:
                services.metrics.inc("oneonone_slack_events_deduplicated_total")
                return BoltResponse(status=200, body="")
        await next()
        return None

    return dedupe
