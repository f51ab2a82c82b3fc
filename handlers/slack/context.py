"""What every listener reads from the Bolt context: the services and the acting person.

The request builder (middleware.request_builder) puts both there, so a listener is a plain
module-level function of Bolt's arguments, and a test calls it with a context of fakes.
"""

from __future__ import annotations

from typing import Any

from bot.container import Services
from handlers.slack.actor import Actor


def services_of(context: dict[str, Any]) -> Services:
    services: Services = context["services"]
    return services


def actor_of(context: dict[str, Any]) -> Actor:
    actor: Actor = context["actor"]
    return actor
