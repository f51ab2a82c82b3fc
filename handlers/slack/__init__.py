"""The Slack surface: Bolt listeners that translate payloads to service calls."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.container import Services
from handlers.slack import (  # noqa: F401  (middleware: the wiring reaches it from here)
    commands,
    errors,
    home,
    memos,
    middleware,
    picks,
    schedule,
    tips,
)


def register(app: AsyncApp, services: Services) -> None:
    commands.register(app, services)
    home.register(app, services)
    picks.register(app, services)
    memos.register(app, services)
    tips.register(app, services)
    schedule.register(app, services)
    errors.register(app, services)
