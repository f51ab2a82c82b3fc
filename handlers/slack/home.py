"""App Home: what each person sees when they open the bot."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.container import Services
from handlers.slack import blocks
from handlers.slack.actor import Actor
from handlers.slack.home_blocks import home_view


def register(app: AsyncApp, services: Services) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(
        event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        actor: Actor = context["actor"]
        person = await actor.person()
        locale = await actor.locale()
        if person is None or person.id is None:
            view = blocks.unknown_user_home(locale)
        else:
            overview = await services.picks.overview(person.id, now=datetime.now(UTC))
            view = home_view(
                overview, name=person.name, locale=locale, timezone=await actor.timezone()
            )
        await client.views_publish(user_id=actor.user_id, view=view)
