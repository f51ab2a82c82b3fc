"""Bot Framework authentication built from our settings.

Incoming: botbuilder's own JWT validation (issuer, signature against the published keys, the
key's channel endorsement, expiry, audience = our app id, `serviceurl` = the activity's).
Outgoing: client-credential tokens from the login service, fetched once and kept until shortly
before they expire (botbuilder's stock credentials are rebuilt, and log in again, every turn).

Every Bot Framework URL is set explicitly: overriding any one of them switches botbuilder to
a mode without defaults, and the public cloud is only the default of our settings.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from types import SimpleNamespace
from typing import Any

import msal
import requests
from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory

from bot.config import Settings

# Identifiers in Bot Framework's protocol rather than hosts we call: the issuer of the tokens
# channels send, and the audience ("scope") of the tokens we send back. The same in every cloud
# that uses api.botframework.com (sovereign clouds would add settings for them).
BOT_FRAMEWORK_TOKEN_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com"
# The tenant that multi-tenant bots log in through.
MULTI_TENANT = "botframework.com"
# A token is renewed this long before it expires, so none expires on its way.
RENEW_BEFORE_SECONDS = 300.0


class LoginError(Exception):
    """The login service refused our credentials or could not be reached."""


def authority(settings: Settings) -> str:
    tenant = settings.microsoft_app_tenant_id or MULTI_TENANT
    return f"{settings.microsoft_login_url}/{tenant}"


def bot_framework_configuration(settings: Settings) -> SimpleNamespace:
    """The configuration object ConfigurationBotFrameworkAuthentication reads, fully set."""
    return SimpleNamespace(
        APP_ID=settings.microsoft_app_id,
        APP_PASSWORD=settings.microsoft_app_password,
        APP_TENANTID=settings.microsoft_app_tenant_id or None,
        APP_TYPE="SingleTenant" if settings.microsoft_app_tenant_id else "MultiTenant",
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.microsoft_openid_metadata_url,
        TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=(
            f"{settings.microsoft_login_url}/{MULTI_TENANT}/v2.0/.well-known/openid-configuration"
        ),
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=BOT_FRAMEWORK_TOKEN_ISSUER,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=authority(settings),
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=BOT_FRAMEWORK_SCOPE,
        OAUTH_URL=BOT_FRAMEWORK_SCOPE,
        VALIDATE_AUTHORITY=True,
    )


class LoginTokens:
    """Client-credential tokens per scope, from one MSAL application, cached until shortly
    before they expire. MSAL is synchronous: network work runs in a worker thread."""

    def __init__(
        self,
        app_id: str,
        password: str,
        authority_url: str,
        *,
        ca_file: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._app_id = app_id
        self._password = password
        self._authority = authority_url
        self._ca_file = ca_file
        self._timeout = timeout
        self._app: Any = None
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def cached(self, scope: str) -> str | None:
        entry = self._tokens.get(scope)
        if entry is not None and time.monotonic() < entry[1] - RENEW_BEFORE_SECONDS:
            return entry[0]
        return None

    async def token(self, scope: str) -> str:
        cached = self.cached(scope)
        if cached is not None:
            return cached
        return await asyncio.to_thread(self.token_blocking, scope)

    def token_blocking(self, scope: str) -> str:
        with self._lock:
            cached = self.cached(scope)
            if cached is not None:
                return cached
            result = self._msal().acquire_token_for_client(scopes=[_default_scope(scope)])
            token = result.get("access_token") if isinstance(result, dict) else None
            if not token:
                error = result.get("error", "unknown") if isinstance(result, dict) else "unknown"
                raise LoginError(f"login for the bot's app id failed: {error}")
            lifetime = float(result.get("expires_in") or 0)
            self._tokens[scope] = (str(token), time.monotonic() + lifetime)
            return str(token)

    def _msal(self) -> Any:
        if self._app is None:
            try:
                self._app = msal.ConfidentialClientApplication(
                    self._app_id,
                    client_credential=self._password,
                    authority=self._authority,
                    # Instance discovery asks login.microsoftonline.com about the login host;
                    # the host comes from our settings and is trusted as configured.
                    instance_discovery=False,
                    http_client=self._http_client(),
                    timeout=self._timeout,
                )
            except ValueError as exc:
                raise LoginError(f"login service at {self._authority} unusable: {exc}") from exc
        return self._app

    def _http_client(self) -> requests.Session | None:
        """None: MSAL's own client on the system's trust store. With a CA file: a session
        that trusts exactly that CA (the local stand-in's throwaway certificate)."""
        if self._ca_file is None:
            return None
        session = requests.Session()
        session.verify = self._ca_file
        # Otherwise REQUESTS_CA_BUNDLE from the environment silently replaces `verify`.
        session.trust_env = False
        session.request = functools.partial(session.request, timeout=self._timeout)  # type: ignore[method-assign]
        return session


def _default_scope(scope: str) -> str:
    return scope if scope.endswith("/.default") else f"{scope.rstrip('/')}/.default"


class _CachedTokenCredentials(AppCredentials):  # type: ignore[misc]
    """msrest credentials that put the cached token on each connector call."""

    def __init__(self, app_id: str, scope: str, tokens: LoginTokens) -> None:
        super().__init__(app_id=app_id, oauth_scope=scope)
        self._scope = scope
        self._tokens = tokens

    def get_access_token(self, force_refresh: bool = False) -> str:
        # Normally already fetched off the event loop by create_credentials; a token that ran
        # out in between is fetched here (msrest calls this from its worker thread).
        return self._tokens.cached(self._scope) or self._tokens.token_blocking(self._scope)


class CachedCredentialsFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """Our app id only; authentication is never disabled; one login per token lifetime."""

    def __init__(self, app_id: str, tokens: LoginTokens) -> None:
        self._app_id = app_id
        self._tokens = tokens

    async def is_valid_app_id(self, app_id: str) -> bool:
        return bool(app_id) and app_id == self._app_id

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        # login_endpoint is the authority our settings gave botbuilder; tokens come from it.
        if not await self.is_valid_app_id(app_id):
            raise PermissionError("credentials asked for another app id")
        scope = oauth_scope or BOT_FRAMEWORK_SCOPE
        await self._tokens.token(scope)
        return _CachedTokenCredentials(app_id, scope, self._tokens)
