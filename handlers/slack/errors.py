"""The one place errors are handled: log once, tell the person in their language."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.i18n import t
from bot.services.container import Services
from handlers.slack.actor import Actor

logger = logging.getLogger("oneonone.slack")

_DB_DOWN = (OperationalError, PoolTimeoutError, ConnectionError, OSError)


def _is_db_down(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _DB_DOWN)


def register(app: AsyncApp, services: Services) -> None:
    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
    ) -> None:
        # Never log the body: it can hold memo text and picks.
        logger.exception(
            "listener failed: %s (type=%s)", type(error).__name__, body.get("type"), exc_info=error
        )
        services.metrics.inc("oneonone_errors_total", kind=type(error).__name__)
        key = "error.db_unavailable" if _is_db_down(error) else "error.generic"
        locale = services.people.default_locale
        actor: Actor | None = context.get("actor")
        if actor is not None and not _is_db_down(error):
            try:
                locale = await actor.locale()
            except Exception:  # the person lookup may be what failed
                logger.warning("could not resolve the locale for an error message")
        if context.response_url or body.get("response_url"):
            await respond(text=t(locale, key), response_type="ephemeral", replace_original=False)
