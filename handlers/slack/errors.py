"""The one place errors are handled: log once, tell the person in their language."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.container import Services
from bot.i18n import t
from handlers.slack.actor import Actor

logger = logging.getLogger("oneonone.slack")

_DB_DOWN = (OperationalError, PoolTimeoutError, ConnectionError, OSError)


def _is_db_down(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _DB_DOWN)


# Payloads of someone who just pressed or submitted something and waits for an answer.
_INTERACTIVE = {"block_actions", "view_submission", "shortcut", "message_action"}


# Slack refusing what a stale or odd payload asked of it: the person's trigger or view is gone,
# or a faster click already changed the modal. Nothing is broken: one line, no traceback.
_STALE = frozenset(
    {
        "expired_trigger_id",
        "invalid_trigger_id",
        "trigger_exchanged",
        "not_found",
        "hash_conflict",
        "view_not_found",
        "invalid_arguments",
        "channel_not_found",
        "message_not_found",
    }
)


def register(app: AsyncApp, services: Services) -> None:
    @app.error
    async def on_error(
        error: Exception,
        body: dict[str, Any],
        context: AsyncBoltContext,
        respond: AsyncRespond,
        client: AsyncWebClient,
        response: BoltResponse | None,
    ) -> None:
        # None: the listener had acked.
        await report(services, error, body, context, respond, client, acked=response is None)


async def report(
    services: Services,
    error: Exception,
    body: dict[str, Any],
    context: AsyncBoltContext,
    respond: AsyncRespond,
    client: AsyncWebClient,
    *,
    acked: bool,
) -> None:
    """Log a failure once and tell the person in their language. Also called by the outcome
    mapper for failures after a listener acked, so that Bolt keeps the ack it sent."""
    kind = body.get("type") if isinstance(body, dict) else None
    if isinstance(error, SlackApiError) and error.response.get("error") in _STALE:
        logger.warning(
            "Slack refused a call for a stale request: %s (type=%s)",
            error.response.get("error"),
            kind,
        )
        return
    # Never log the body: it can hold memo text and picks.
    logger.exception("listener failed: %s (type=%s)", type(error).__name__, kind, exc_info=error)
    services.metrics.inc("oneonone_errors_total", kind=type(error).__name__)
    key = "error.db_unavailable" if _is_db_down(error) else "error.generic"
    locale = services.people.default_locale
    actor: Actor | None = context.get("actor")
    if actor is not None and not _is_db_down(error):
        try:
            locale = await actor.locale()
        except Exception:  # the person lookup may be what failed
            logger.warning("could not resolve the locale for an error message")
    # Not acked: Slack gets the error answer and, for an event, sends it again: the retry
    # will do the work, so nobody is told it failed.
    try:
        await _tell(body, context, respond, client, locale, key, acked=acked)
    except Exception as failed:  # telling must never raise out of the error handler
        logger.warning("could not tell the person about an error: %s", type(failed).__name__)


async def _tell(
    body: dict[str, Any],
    context: AsyncBoltContext,
    respond: AsyncRespond,
    client: AsyncWebClient,
    locale: str,
    key: str,
    *,
    acked: bool,
) -> None:
    """Answer where the person is looking: the command's or message's response URL; the memo
    thread they just posted in (the reply was not saved, and Slack does not resend an event
    that was acknowledged); otherwise, for a button or form on Home or in a modal, a DM."""
    if context.response_url or body.get("response_url"):
        await respond(text=t(locale, key), response_type="ephemeral", replace_original=False)
        return
    user = context.user_id
    if not user:
        return
    event = body.get("event") or {}
    if event:
        in_thread = (
            event.get("type") == "message" and event.get("thread_ts") and event.get("channel")
        )
        if not (acked and in_thread):
            return
        await client.chat_postEphemeral(
            channel=str(event["channel"]),
            user=user,
            thread_ts=str(event["thread_ts"]),
            text=t(locale, "memo.not_saved"),
        )
    elif body.get("type") in _INTERACTIVE:
        await client.chat_postMessage(channel=user, text=t(locale, key))
