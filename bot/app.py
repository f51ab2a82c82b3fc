"""The one place that wires everything: settings -> engine -> services -> surfaces -> server.

Nothing here runs at import time; `build_runtime` is called by the CLI, the demo and tests.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers.slack
from bot.config import Settings
from bot.container import Services, build_services
from bot.core.clock import Clock
from bot.features.org import ensure_builtin_catalog
from bot.features.tips import ensure_starter_tips
from bot.logs import quiet
from bot.metrics import Metrics
from handlers.slack.authorization import single_workspace
from handlers.slack.endpoint import SlackEndpoint
from handlers.slack.messenger import SlackMessenger
from handlers.slack.schedule import PausingRateLimitHandler
from scheduler import TickScheduler, build_scheduler
from storage.db import Database
from storage.migrate import upgrade

if TYPE_CHECKING:
    from handlers.teams import TeamsEndpoint

logger = logging.getLogger("oneonone")

HEALTH_TIMEOUT_SECONDS = 1.0


def build_slack_client(
    settings: Settings,
    *,
    rate_limit: AsyncRateLimitErrorRetryHandler | None = None,
    http: aiohttp.ClientSession | None = None,
    with_token: bool = True,
) -> AsyncWebClient:
    # slack_sdk retries only connection errors by default; Slack asks clients to honour
    # Retry-After on 429, and a 5xx deserves a second try with backoff.
    return AsyncWebClient(
        token=settings.slack_bot_token if with_token else None,
        base_url=settings.slack_api_url,
        # One pooled session: without it every call opens a new (TLS) connection.
        session=http,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=3),
            rate_limit or AsyncRateLimitErrorRetryHandler(max_retry_count=5),
            AsyncServerErrorRetryHandler(max_retry_count=3),
        ],
    )


def build_slack_app(
    settings: Settings, services: Services, *, http: aiohttp.ClientSession | None = None
) -> AsyncApp:
    client = build_slack_client(settings, http=http)
    app = AsyncApp(
        client=build_slack_client(settings, http=http, with_token=False),
        signing_secret=settings.slack_signing_secret,
        # auth.test failing must fail the request, so Slack resends its event (see there).
        authorize=single_workspace(client),
        raise_error_for_unhandled_request=False,
    )
    # Given after Bolt's set-up, which would otherwise warn that the token is ignored: each
    # request's client gets it from `authorize`; app.client serves the Directory.
    app.client.token = settings.slack_bot_token
    handlers.slack.register(app, services)
    # Bolt gave its loggers the root's level just now; wire traces stay quiet (bot/logs.py).
    quiet()
    return app


def describe_server_metrics(metrics: Metrics) -> None:
    """Counters of the server and the Slack surface, exposed (at 0) from the start, so that
    rate() sees their first count."""
    metrics.describe("oneonone_slack_requests_total", "Requests to /slack/events")
    metrics.describe("oneonone_slack_rejected_total", "Slack requests refused (bad signature)")
    metrics.describe(
        "oneonone_slack_events_deduplicated_total", "Slack events answered once already"
    )
    metrics.describe(
        "oneonone_slack_commands_total", "/1on1 commands by subcommand", labels=("name",)
    )
    metrics.describe("oneonone_errors_total", "Failures handled, by kind", labels=("kind",))


def build_web_app(
    services: Services,
    slack_app: AsyncApp | None,
    teams: TeamsEndpoint | None = None,
    *,
    slack_signing_secret: str = "",
) -> web.Application:
    """The one server: each configured platform's route, health and metrics."""
    describe_server_metrics(services.metrics)
    slack = (
        SlackEndpoint(slack_app, services, slack_signing_secret)
        if slack_app is not None and slack_signing_secret
        else None
    )

    async def healthz(_: web.Request) -> web.Response:
        try:
            # A health check answers within a second whatever the database is doing.
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                await services.db.ping()
        except Exception as exc:
            logger.warning("health check: database unreachable (%s)", type(exc).__name__)
            return web.json_response({"status": "unavailable", "database": "down"}, status=503)
        return web.json_response({"status": "ok", "database": "up"})

    async def metrics(_: web.Request) -> web.Response:
        # The header as a whole: content_type= refuses a value that carries a charset.
        return web.Response(
            body=services.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    web_app = web.Application(client_max_size=1024 * 1024)
    if slack is not None:
        web_app.router.add_post("/slack/events", slack.handle)
    if teams is not None:
        web_app.router.add_post("/api/messages", teams.handle)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app


@dataclass
class Runtime:
    settings: Settings
    db: Database
    services: Services
    slack_app: AsyncApp | None
    web_app: web.Application
    scheduler: TickScheduler
    http: aiohttp.ClientSession | None = None
    teams: TeamsEndpoint | None = None
    runner: web.AppRunner | None = None
    port: int | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, *, with_scheduler: bool = True) -> None:
        """Serve on settings.host:settings.port (port 0 picks a free one)."""
        self.runner = web.AppRunner(self.web_app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.settings.host, self.settings.port)
        await site.start()
        server: Any = site._server
        self.port = server.sockets[0].getsockname()[1]
        if with_scheduler:
            self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler.running:
            # Let the pass under way finish its batch: cancelling an aiosqlite query midway
            # can leave the process unable to exit.
            await self.scheduler.drain()
        if self.runner is not None:
            await self.runner.cleanup()
        await drain_listeners()
        await self.services.people.drain()
        if self.http is not None:
            await self.http.close()
        await self.db.dispose()


def freeze_start_up_objects() -> None:
    """What start-up loaded (libraries, catalogs, the app) lives as long as the process: moved
    out of the collector's generations, full collections stay short under load instead of
    re-walking it and landing as pauses inside requests. Called once serving has started."""
    gc.collect()
    gc.freeze()


# Bolt runs each listener in a task of its own once it has acked, and keeps no handle on it.
_LISTENER_TASK = "run_ack_function_asynchronously"
LISTENER_DRAIN_SECONDS = 10.0


async def drain_listeners() -> None:
    """Wait for listeners still at work after the server stopped taking requests, so that none
    is cut off mid-write (and no database connection is left behind unreturned)."""
    current = asyncio.current_task()
    running = [
        task
        for task in asyncio.all_tasks()
        if task is not current and _LISTENER_TASK in getattr(task.get_coro(), "__qualname__", "")
    ]
    if running:
        await asyncio.wait(running, timeout=LISTENER_DRAIN_SECONDS)


async def prepare_database(db: Database) -> None:
    """Bring a database (new or old) up to date; safe on every start of every replica."""
    await upgrade(db)
    await ensure_builtin_catalog(db)
    await ensure_starter_tips(db)


async def build_core(
    settings: Settings,
    *,
    migrate: bool = True,
    http: aiohttp.ClientSession | None = None,
    clock: Clock | None = None,
) -> Services:
    """The database and the services with their Slack messenger (no HTTP server)."""
    db = Database(settings.database_url)
    if migrate:
        await prepare_database(db)
    # On a 429 the whole process pauses for Retry-After (the ledger's gate), instead of every
    # concurrent send sleeping and knocking again on its own.
    pausing = PausingRateLimitHandler()
    client = build_slack_client(settings, rate_limit=pausing, http=http)
    services = build_services(
        db,
        messenger_factory=lambda people: SlackMessenger(client, people),
        default_locale=settings.oneonone_locale,
        default_timezone=settings.oneonone_timezone,
        tips_channel=settings.oneonone_tips_channel,
        clock=clock,
    )
    pausing.gate = services.ledger.gate
    return services


async def build_runtime(
    settings: Settings,
    *,
    migrate: bool = True,
    clock: Clock | None = None,
    teams_ca_file: str | None = None,
) -> Runtime:
    """Serves each platform whose settings are there (`Settings.require_serving` checks them).
    `teams_ca_file`: the only CA trusted for the Teams login service (the local stand-in's)."""
    http = aiohttp.ClientSession()
    services = await build_core(settings, migrate=migrate, http=http, clock=clock)
    db = services.db
    slack_app = build_slack_app(settings, services, http=http) if settings.slack_wanted else None
    teams = None
    if settings.teams_wanted:
        # Imported here: botbuilder loads only where Teams is served.
        from handlers.teams import build_teams_endpoint

        teams = build_teams_endpoint(
            settings, default_locale=settings.oneonone_locale, ca_file=teams_ca_file
        )
    web_app = build_web_app(
        services, slack_app, teams, slack_signing_secret=settings.slack_signing_secret
    )
    scheduler = build_scheduler(
        services.tick, services.clock, interval_seconds=settings.oneonone_tick_seconds
    )
    return Runtime(
        settings=settings,
        db=db,
        services=services,
        slack_app=slack_app,
        web_app=web_app,
        scheduler=scheduler,
        http=http,
        teams=teams,
    )
