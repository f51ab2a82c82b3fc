"""The Slack surface: Bolt listeners that translate payloads to service calls."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.container import Services
from handlers.slack import (  # noqa: F401  (middleware: the wiring reaches it from here)
    admin,
    commands,
    errors,
    home,
    memos,
    middleware,
    picks,
    schedule,
    tips,
)

logger = logging.getLogger("oneonone.slack")
_ANY = re.compile(".*")


async def ack_unknown(ack: AsyncAck, body: dict[str, Any]) -> None:
    """A button, menu, form or shortcut no listener takes (an old message's, a renamed id, an
    odd request): acknowledged, so Slack shows the person no error, and noted in the log."""
    await ack()
    logger.info("no listener for a %s request; acknowledged", body.get("type"))


def register(app: AsyncApp, services: Services) -> None:
    commands.register(app, services)
    home.register(app, services)
    picks.register(app, services)
    memos.register(app, services)
    tips.register(app, services)
    schedule.register(app, services)
    admin.register(app, services)
    # Last: Bolt takes the first listener that matches, so these only see what none took.
    app.action(_ANY)(ack_unknown)
    app.view(_ANY)(ack_unknown)
    app.shortcut(_ANY)(ack_unknown)
    errors.register(app, services)
