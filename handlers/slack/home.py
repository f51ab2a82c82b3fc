"""App Home: what each person sees when they open the bot, and the one way it is redrawn."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.features.org import Person
from handlers.slack import blocks
from handlers.slack.context import actor_of, services_of
from handlers.slack.home_blocks import HomeData, home_view
from handlers.slack.memo_blocks import MemoHomeExtras
from handlers.slack.middleware import dedupe_events


async def load_home(services: Services, person_id: int) -> HomeData:
    """Every feature's part of one person's Home. Called only by listeners that publish it,
    after they acked, so no other request pays for these reads."""
    at = services.clock.now()
    return HomeData(
        overview=await services.picks.overview(person_id, now=at),
        memo=MemoHomeExtras(
            items=await services.action_items.open_for(person_id),
            insight=await services.reflections.insight(person_id, now=at),
            history=await services.reflections.member_history(person_id),
        ),
        schedule=await services.schedule.home(person_id, now=at),
    )


async def publish_home(client: AsyncWebClient, services: Services, person: Person) -> None:
    """Redraw the person's Home after something on it changed."""
    if person.id is None or not person.slack_id:
        return
    view = home_view(
        await load_home(services, person.id),
        name=person.name,
        locale=services.people.locale_of(person),
        timezone=services.people.timezone_of(person),
    )
    await client.views_publish(user_id=person.slack_id, view=view)


async def on_home_opened(
    event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    if event.get("tab", "home") != "home" or "actor" not in context:
        return  # another tab, or no user to draw it for
    actor = actor_of(context)
    person = await actor.person()
    if person is None or person.id is None:
        view = blocks.unknown_user_home(await actor.locale())
        await client.views_publish(user_id=actor.user_id, view=view)
        return
    await publish_home(client, services_of(context), person)


def register(app: AsyncApp, services: Services) -> None:
    app.event("app_home_opened", middleware=[dedupe_events(services)])(on_home_opened)
