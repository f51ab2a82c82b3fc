"""`POST /api/messages`: authenticate each activity, then run the bot's turn.

botbuilder's CloudAdapter.process answers 500 for most ways a token can be wrong (no header,
garbage, bad signature, unknown key, expired, a channel the key is not endorsed for). Here the
authentication is done first with botbuilder's own validation and any failure is a 401 with
one warning line; only then does the adapter run the turn with the authenticated result.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import requests
from aiohttp import web
from botbuilder.core import ActivityHandler, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity

from bot.config import Settings
from handlers.teams.auth import (
    CachedCredentialsFactory,
    LoginTokens,
    authority,
    bot_framework_configuration,
)
from handlers.teams.bot import OneOnOneTeamsBot

logger = logging.getLogger("oneonone.teams")


class TeamsEndpoint:
    def __init__(
        self,
        authentication: ConfigurationBotFrameworkAuthentication,
        bot: ActivityHandler,
        tokens: LoginTokens,
    ) -> None:
        self._authentication = authentication
        self._adapter = CloudAdapter(authentication)
        self._bot = bot
        self.tokens = tokens

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return web.Response(status=415)
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400)
        if not isinstance(body, dict):
            return web.Response(status=400)
        activity = Activity().deserialize(body)
        if not activity.type:
            return web.Response(status=400)

        header = request.headers.get("Authorization", "")
        if not header.strip():
            logger.warning("teams: refused an activity without an Authorization header")
            return web.Response(status=401)
        try:
            # botbuilder fetches the signing keys with blocking `requests` calls; they run in a
            # worker thread (with a loop of its own) so the server keeps answering meanwhile.
            result = await asyncio.to_thread(_authenticate, self._authentication, activity, header)
        except requests.RequestException as exc:
            # The published keys could not be fetched: not the sender's fault.
            logger.warning("teams: could not check an activity's token (%s)", _reason(exc, header))
            return web.Response(status=503)
        except Exception as exc:
            logger.warning("teams: refused an activity (%s)", _reason(exc, header))
            return web.Response(status=401)

        try:
            invoke = await self._adapter.process_activity(result, activity, self._bot.on_turn)
        except Exception:
            logger.exception("teams: the turn for a %s activity failed", activity.type)
            return web.Response(status=500)
        if invoke is None:
            return web.Response(status=201)
        return web.json_response(serializer_helper(invoke.body), status=invoke.status, dumps=_dumps)


def _authenticate(
    authentication: ConfigurationBotFrameworkAuthentication, activity: Activity, header: str
) -> Any:
    return asyncio.run(authentication.authenticate_request(activity, header))


def _reason(exc: BaseException, header: str) -> str:
    """The failure's kind and message, never the token itself."""
    if isinstance(exc, IndexError):
        # botbuilder's way of saying that no published key has the token's key id.
        return "no published signing key has the token's key id"
    message = str(exc)
    for part in header.split():
        if len(part) > 16:
            message = message.replace(part, "<token>")
    return f"{type(exc).__name__}: {message[:200]}" if message else type(exc).__name__


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def build_teams_endpoint(
    settings: Settings, *, default_locale: str, ca_file: str | None = None
) -> TeamsEndpoint:
    """The Teams surface from settings. `ca_file`: trust exactly this CA for the login service
    (the local stand-in's throwaway certificate); by default the system's trust store."""
    tokens = LoginTokens(
        settings.microsoft_app_id,
        settings.microsoft_app_password,
        authority(settings),
        ca_file=ca_file,
    )
    authentication = ConfigurationBotFrameworkAuthentication(
        bot_framework_configuration(settings),
        credentials_factory=CachedCredentialsFactory(settings.microsoft_app_id, tokens),
    )
    return TeamsEndpoint(authentication, OneOnOneTeamsBot(default_locale), tokens)
