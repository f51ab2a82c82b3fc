"""POST /slack/events: what happens to a Slack request before Bolt sees it, and after.

In order: a timestamp that is not a number is refused like any unsigned request; the body
must arrive within a time limit; a correctly signed request whose envelope Bolt could not
read is answered with a quiet 200 (handlers/slack/envelope.py); a replayed interactive
request is answered once (handlers/slack/replay.py); then Bolt checks the signature again and
dispatches.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.container import Services
from handlers.slack import middleware
from handlers.slack.envelope import unreadable
from handlers.slack.replay import ReplayGuard
from handlers.slack.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, has_plain_timestamp

logger = logging.getLogger("oneonone.slack")

BODY_READ_SECONDS = 10.0


def _refused() -> web.Response:
    return web.json_response({"error": "invalid request"}, status=401)


class SlackEndpoint:
    def __init__(self, app: AsyncApp, services: Services, signing_secret: str) -> None:
        self._app = app
        self._services = services
        self._to_bolt_request = middleware.request_builder(app, services)
        self._verifier = SignatureVerifier(signing_secret)
        self._replays = ReplayGuard(signing_secret, services.events)

    async def handle(self, request: web.Request) -> web.Response:
        metrics = self._services.metrics
        metrics.inc("oneonone_slack_requests_total")
        if not has_plain_timestamp(request.headers):
            metrics.inc("oneonone_slack_rejected_total")
            return _refused()
        try:
            # Slack sends a body at once; a client that trickles one is cut off, not waited for.
            async with asyncio.timeout(BODY_READ_SECONDS):
                body = await request.read()
        except TimeoutError:
            logger.info("a request body did not arrive within %.0f s", BODY_READ_SECONDS)
            return web.json_response({"error": "request timeout"}, status=408)
        except ConnectionResetError:
            # The client went away mid-request: nobody is waiting for an answer.
            logger.info("a client went away before its request arrived")
            return web.Response(status=400)
        problem = unreadable(body, request.content_type)
        if problem is not None:
            if not self._signed(body, request):
                metrics.inc("oneonone_slack_rejected_total")
                return _refused()
            logger.warning("a signed Slack request was not readable (%s); answered 200", problem)
            return web.Response(status=200)
        now = self._services.clock.now()
        if await self._replays.seen_before(body, request.headers, now):
            return web.Response(status=200)  # answered the first time it came
        try:
            bolt_request = await self._to_bolt_request(request)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as unread:
            # Bolt's own parsing of an envelope the shape check let through.
            logger.warning("Bolt could not read a signed request (%s)", type(unread).__name__)
            return web.Response(status=200)
        bolt_response = await self._app.async_dispatch(bolt_request)
        if bolt_response.status == 401:
            metrics.inc("oneonone_slack_rejected_total")
        return await to_aiohttp_response(bolt_response)

    def _signed(self, body: bytes, request: web.Request) -> bool:
        return self._verifier.is_valid(
            body=body,
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
            signature=request.headers.get(SIGNATURE_HEADER, ""),
        )
