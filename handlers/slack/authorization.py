"""Who the bot is in the workspace, asked of Slack once (auth.test) and remembered.

Bolt's own single-workspace authorization answers 200 with an apology when auth.test fails,
and Slack does not resend an event it got a 200 for: a memo reply arriving while Slack's API
hiccups on a fresh process would be lost. Here a failed auth.test fails the request instead
(Bolt answers 500), so Slack delivers the event again, and it is asked again next time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger("oneonone.slack")


class SlackUnavailable(Exception):
    """Slack's Web API could not tell who the bot is just now; the request is to be retried."""


def single_workspace(client: AsyncWebClient) -> Callable[..., Awaitable[AuthorizeResult]]:
    """Bolt's `authorize` function for one workspace and the bot token `client` holds (Bolt
    passes the arguments by the names the function declares)."""
    known: list[AuthorizeResult] = []
    lock = asyncio.Lock()

    async def authorize(team_id: str | None) -> AuthorizeResult:
        if known:
            return known[0]
        async with lock:
            if not known:
                try:
                    response = await client.auth_test()
                except (TimeoutError, SlackApiError, aiohttp.ClientError, OSError) as exc:
                    logger.warning(
                        "auth.test failed (%s): the request is refused, to be retried",
                        type(exc).__name__,
                    )
                    raise SlackUnavailable from exc
                known.append(
                    AuthorizeResult.from_auth_test_response(
                        auth_test_response=response, bot_token=client.token
                    )
                )
            return known[0]

    return authorize
