"""A local stand-in for the Microsoft side of a Teams bot, and a driver that posts activities.

It plays three services, the way Bot Framework does them:

- **channel tokens**: OpenID metadata and a JWKS with its own RSA key (endorsed for
  ``msteams``), and tokens signed with it as Bot Framework signs the requests it sends a bot
  (iss ``https://api.botframework.com``, aud = the bot's app id, a ``serviceurl`` claim,
  nbf/exp, kid);
- **login** (over TLS with a throwaway self-signed certificate, since MSAL only accepts https):
  OpenID discovery and the token endpoint (client credentials -> bearer token);
- **the Bot Connector API** at ``service_url``: create a conversation, send / reply / update /
  delete an activity, get members; calls need a bearer token the login side issued.

Every request is recorded; any operation can be told to fail or to answer 429 + Retry-After.
Only aiohttp, PyJWT, cryptography and the stdlib are used: nothing here imports botbuilder.

Token times come from ``clock``. The bot checks them against the system clock (inside PyJWT),
so the stand-in runs on the system clock unless a test hands it another one on purpose.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import json
import secrets
import ssl
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

from bot.core.clock import Clock, SystemClock
from bot.standin.driver import DriverResponse
from bot.standin.lifecycle import Closing, Served

__all__ = [
    "BOT_FRAMEWORK_ISSUER",
    "TeamsCall",
    "TeamsDriver",
    "TeamsStandin",
    "new_signing_key",
]

JSON = dict[str, Any]

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
TEAMS_CHANNEL = "msteams"


def new_signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class TeamsCall:
    """One request the stand-in received (including the ones it refused)."""

    operation: str
    path: str
    token: str | None
    body: Any
    at: float
    status: int = 200
    response: Any = None
    conversation_id: str | None = None
    activity_id: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class _Fault:
    status: int
    body: JSON
    headers: dict[str, str]
    remaining: int


@dataclass
class TeamsUser:
    id: str
    name: str
    aad_object_id: str
    email: str | None
    conversation_id: str
    extra: JSON = field(default_factory=dict)

    def account(self, tenant_id: str) -> JSON:
        account: JSON = {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "tenantId": tenant_id,
            "userRole": "user",
            **self.extra,
        }
        if self.email is not None:
            account["email"] = self.email
            account["userPrincipalName"] = self.email
        return account


def _self_signed(hosts: list[str]) -> tuple[bytes, bytes]:
    """A throwaway certificate (PEM) for ``hosts`` and its key (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "teams stand-in")])
    alt: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt.append(x509.DNSName(host))
    # Valid from a day back for a day ahead of the machine's own clock, which TLS checks.
    now = datetime.now().astimezone()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class TeamsStandin(Served):
    """Bot Framework's token issuer, the login service and the Bot Connector, on free local
    ports. Point the bot at ``openid_metadata_url`` and ``login_url``; activities carry
    ``service_url``; trust ``ca_file`` for the login side."""

    def __init__(
        self,
        app_id: str = "00000000-0000-4000-8000-0000000b0751",
        app_password: str | None = None,
        *,
        tenant_id: str = "00000000-0000-4000-8000-00000007e4a7",
        bot_name: str = "1on1",
        clock: Clock | None = None,
        token_lifetime: timedelta = timedelta(hours=1),
        host: str = "127.0.0.1",
    ) -> None:
        self.app_id = app_id
        self.app_password = app_password or secrets.token_urlsafe(24)
        self.tenant_id = tenant_id
        self.bot_name = bot_name
        self.clock: Clock = clock or SystemClock()
        self.token_lifetime = token_lifetime
        self.host = host

        self.signing_key = new_signing_key()
        self.kid = secrets.token_urlsafe(12)
        self.endorsements = [TEAMS_CHANNEL]

        self.calls: list[TeamsCall] = []
        self.users: dict[str, TeamsUser] = {}
        # Everything the bot posted or changed, per conversation, in order.
        self.activities: dict[str, list[JSON]] = {}

        # A path segment of its own: botbuilder caches keys per metadata URL for a day, and a
        # later stand-in may be given the same port.
        self._instance = secrets.token_hex(6)
        self._access_tokens: dict[str, float] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._tls_runner: web.AppRunner | None = None
        self._port: int | None = None
        self._tls_port: int | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._ca_file: str | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="teams-standin-")
        cert_pem, key_pem = _self_signed([self.host, "localhost"])
        cert_path = Path(self._tmp.name) / "cert.pem"
        key_path = Path(self._tmp.name) / "key.pem"
        cert_path.write_bytes(cert_pem)
        key_path.write_bytes(key_pem)
        key_path.chmod(0o600)
        self._ca_file = str(cert_path)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert_path, key_path)

        app = web.Application()
        app.router.add_get("/{instance}/v1/.well-known/openidconfiguration", self._openid)
        app.router.add_get("/{instance}/v1/.well-known/keys", self._keys)
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send_to_conversation)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_delete("/v3/conversations/{cid}/activities/{aid}", self._delete)
        app.router.add_get("/v3/conversations/{cid}/members", self._members)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self._member)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self._port = int(self._runner.addresses[0][1])

        login = web.Application()
        login.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._discovery)
        login.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        self._tls_runner = web.AppRunner(login, access_log=None)
        await self._tls_runner.setup()
        await web.TCPSite(self._tls_runner, self.host, 0, ssl_context=tls).start()
        self._tls_port = int(self._tls_runner.addresses[0][1])

    async def stop(self) -> None:
        for runner in (self._runner, self._tls_runner):
            if runner is not None:
                await runner.cleanup()
        self._runner = self._tls_runner = None
        self._port = self._tls_port = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # --- addresses ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("TeamsStandin is not started")
        return f"http://{self.host}:{self._port}"

    @property
    def openid_metadata_url(self) -> str:
        return f"{self.base_url}/{self._instance}/v1/.well-known/openidconfiguration"

    @property
    def service_url(self) -> str:
        """The Bot Connector base URL activities carry (Teams' ends with a slash, too)."""
        return f"{self.base_url}/"

    @property
    def login_url(self) -> str:
        if self._tls_port is None:
            raise RuntimeError("TeamsStandin is not started")
        return f"https://{self.host}:{self._tls_port}"

    @property
    def ca_file(self) -> str:
        """The throwaway certificate of the login side (PEM), for the bot to trust."""
        if self._ca_file is None:
            raise RuntimeError("TeamsStandin is not started")
        return self._ca_file

    # --- people ------------------------------------------------------------------------------

    def add_user(self, user_id: str, *, name: str, email: str | None = None) -> TeamsUser:
        """A person with a personal chat with the bot (its id is stable per person)."""
        user = TeamsUser(
            id=user_id,
            name=name,
            aad_object_id=_uuid_like(user_id),
            email=email,
            conversation_id=f"a:1{secrets.token_urlsafe(24)}",
        )
        self.users[user_id] = user
        return user

    def user_in(self, conversation_id: str) -> TeamsUser | None:
        for user in self.users.values():
            if user.conversation_id == conversation_id:
                return user
        return None

    # --- channel tokens ----------------------------------------------------------------------

    def channel_token(
        self,
        *,
        service_url: str | None = None,
        audience: str | None = None,
        now: datetime | None = None,
        lifetime: timedelta | None = None,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        extra: JSON | None = None,
    ) -> str:
        """A token as Bot Framework puts on the requests it sends the bot. Times are from
        ``now`` (default: the stand-in's clock); ``key``/``kid`` forge one it did not sign."""
        issued = now or self.clock.now()
        claims: JSON = {
            "serviceurl": service_url if service_url is not None else self.service_url,
            "nbf": int((issued - timedelta(minutes=5)).timestamp()),
            "exp": int((issued + (lifetime or self.token_lifetime)).timestamp()),
            "iss": issuer,
            "aud": audience if audience is not None else self.app_id,
            **(extra or {}),
        }
        return jwt.encode(
            claims,
            key or self.signing_key,
            algorithm="RS256",
            headers={"kid": kid or self.kid, "typ": "JWT"},
        )

    def jwk(self) -> JSON:
        public = RSAAlgorithm.to_jwk(self.signing_key.public_key(), as_dict=True)
        return {
            **public,
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "endorsements": list(self.endorsements),
        }

    # --- recorded calls ----------------------------------------------------------------------

    def calls_to(self, operation: str) -> list[TeamsCall]:
        return [c for c in self.calls if c.operation == operation]

    @property
    def outbound(self) -> list[TeamsCall]:
        """The bot's calls to the Bot Connector (not key fetches or logins)."""
        return [c for c in self.calls if c.operation in _CONNECTOR_OPERATIONS]

    def issued_tokens(self) -> list[str]:
        return list(self._access_tokens)

    def clear(self) -> None:
        self.calls.clear()

    async def wait_for(
        self,
        operation: str,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[TeamsCall]:
        async with asyncio.timeout(timeout):
            while len(calls := self.calls_to(operation)) < count:
                self._changed.clear()
                await self._changed.wait()
        return calls

    # --- fault injection ---------------------------------------------------------------------

    def fail(self, operation: str, status: int = 500, times: int = 1) -> None:
        """The next ``times`` calls of ``operation`` ("*" = any) answer ``status``."""
        body = {"error": {"code": "ServiceError", "message": "stand-in failure"}}
        self._add_fault(operation, _Fault(status, body, {}, times))

    def rate_limit(self, operation: str, retry_after: int = 1, times: int = 1) -> None:
        body = {"error": {"code": "TooManyRequests", "message": "slow down"}}
        self._add_fault(operation, _Fault(429, body, {"Retry-After": str(retry_after)}, times))

    def _add_fault(self, operation: str, fault: _Fault) -> None:
        if fault.remaining > 0:
            self._faults.setdefault(operation, []).append(fault)

    def _take_fault(self, operation: str) -> _Fault | None:
        for key in (operation, "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.pop(0)
                return fault
        return None

    # --- HTTP: channel keys ------------------------------------------------------------------

    async def _openid(self, request: web.Request) -> web.Response:
        if request.match_info["instance"] != self._instance:
            return web.json_response({"error": "unknown"}, status=404)
        body = {
            "issuer": BOT_FRAMEWORK_ISSUER,
            "authorization_endpoint": f"{self.base_url}/{self._instance}/v1/authorize",
            "jwks_uri": f"{self.base_url}/{self._instance}/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }
        return self._answer("openid_metadata", request, None, None, 200, body)

    async def _keys(self, request: web.Request) -> web.Response:
        if request.match_info["instance"] != self._instance:
            return web.json_response({"error": "unknown"}, status=404)
        return self._answer("keys", request, None, None, 200, {"keys": [self.jwk()]})

    # --- HTTP: login -------------------------------------------------------------------------

    async def _discovery(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        base = f"{self.login_url}/{tenant}"
        body = {
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }
        return self._answer("login_discovery", request, None, None, 200, body)

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        # The secret is never recorded.
        recorded = {k: v for k, v in form.items() if k != "client_secret"}
        fault = self._take_fault("login")
        if fault is not None:
            return self._answer("login", request, None, recorded, *self._fault_answer(fault))
        if form.get("grant_type") != "client_credentials":
            error = {"error": "unsupported_grant_type"}
            return self._answer("login", request, None, recorded, 400, error)
        if form.get("client_id") != self.app_id or form.get("client_secret") != self.app_password:
            error = {"error": "invalid_client", "error_description": "AADSTS7000215"}
            return self._answer("login", request, None, recorded, 401, error)
        if BOT_FRAMEWORK_SCOPE not in form.get("scope", "").split():
            return self._answer("login", request, None, recorded, 400, {"error": "invalid_scope"})
        token = f"standin-{secrets.token_urlsafe(32)}"
        lifetime = int(self.token_lifetime.total_seconds())
        self._access_tokens[token] = self.clock.now().timestamp() + lifetime
        body = {
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": token,
        }
        return self._answer("login", request, None, recorded, 200, body)

    # --- HTTP: Bot Connector -----------------------------------------------------------------

    async def _create_conversation(self, request: web.Request) -> web.Response:
        async def apply(body: Any) -> tuple[int, Any]:
            members = body.get("members") if isinstance(body, dict) else None
            if not members or not isinstance(members, list):
                return 400, _error("BadSyntax", "members are required")
            user = self.users.get(str(members[0].get("id")))
            if user is None:
                return 404, _error("NotFound", "user not found")
            activity_id = None
            if isinstance(body.get("activity"), dict):
                activity_id = self._store(user.conversation_id, body["activity"], "send")
            answer: JSON = {"id": user.conversation_id, "serviceUrl": self.service_url}
            if activity_id is not None:
                answer["activityId"] = activity_id
            return 201, answer

        return await self._connector("create_conversation", request, apply)

    async def _send_to_conversation(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]

        async def apply(body: Any) -> tuple[int, Any]:
            return 201, {"id": self._store(cid, body, "send")}

        return await self._connector("send_to_conversation", request, apply, cid)

    async def _reply(self, request: web.Request) -> web.Response:
        cid, aid = request.match_info["cid"], request.match_info["aid"]

        async def apply(body: Any) -> tuple[int, Any]:
            return 201, {"id": self._store(cid, {**body, "replyToId": aid}, "reply")}

        return await self._connector("reply_to_activity", request, apply, cid, aid)

    async def _update(self, request: web.Request) -> web.Response:
        cid, aid = request.match_info["cid"], request.match_info["aid"]

        async def apply(body: Any) -> tuple[int, Any]:
            stored = self._find(cid, aid)
            if stored is None:
                return 404, _error("ActivityNotFoundInConversation", "no such activity")
            stored.update({**body, "id": aid})
            return 200, {"id": aid}

        return await self._connector("update_activity", request, apply, cid, aid)

    async def _delete(self, request: web.Request) -> web.Response:
        cid, aid = request.match_info["cid"], request.match_info["aid"]

        async def apply(body: Any) -> tuple[int, Any]:
            stored = self._find(cid, aid)
            if stored is None:
                return 404, _error("ActivityNotFoundInConversation", "no such activity")
            stored["deleted"] = True
            return 200, None

        return await self._connector("delete_activity", request, apply, cid, aid)

    async def _members(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]

        async def apply(body: Any) -> tuple[int, Any]:
            user = self.user_in(cid)
            if user is None:
                return 404, _error("ConversationNotFound", "no such conversation")
            return 200, [user.account(self.tenant_id)]

        return await self._connector("get_conversation_members", request, apply, cid)

    async def _member(self, request: web.Request) -> web.Response:
        cid, mid = request.match_info["cid"], request.match_info["mid"]

        async def apply(body: Any) -> tuple[int, Any]:
            user = self.user_in(cid)
            if user is None or mid not in (user.id, user.aad_object_id):
                return 404, _error("MemberNotFoundInConversation", "no such member")
            return 200, user.account(self.tenant_id)

        return await self._connector("get_conversation_member", request, apply, cid)

    async def _connector(
        self,
        operation: str,
        request: web.Request,
        apply: Any,
        cid: str | None = None,
        aid: str | None = None,
    ) -> web.Response:
        body: Any = None
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = {"raw": await request.text()}
        token = _bearer(request)
        fault = self._take_fault(operation)
        if fault is not None:
            status, answer, headers = self._fault_answer(fault)
            return self._answer(operation, request, token, body, status, answer, headers, cid, aid)
        expires = self._access_tokens.get(token or "")
        if expires is None or expires <= self.clock.now().timestamp():
            answer = _error("Unauthorized", "Authorization has been denied for this request.")
            return self._answer(operation, request, token, body, 401, answer, None, cid, aid)
        status, answer = await apply(body)
        return self._answer(operation, request, token, body, status, answer, None, cid, aid)

    def _store(self, cid: str, activity: JSON, kind: str) -> str:
        activity_id = f"1:{next(self._ids)}{secrets.token_hex(4)}"
        stored = {**activity, "id": activity_id, "kind": kind}
        self.activities.setdefault(cid, []).append(stored)
        return activity_id

    def _find(self, cid: str, aid: str) -> JSON | None:
        for stored in self.activities.get(cid, []):
            if stored.get("id") == aid:
                return stored
        return None

    @staticmethod
    def _fault_answer(fault: _Fault) -> tuple[int, JSON, dict[str, str]]:
        return fault.status, dict(fault.body), dict(fault.headers)

    def _answer(
        self,
        operation: str,
        request: web.Request,
        token: str | None,
        body: Any,
        status: int,
        answer: Any,
        headers: dict[str, str] | None = None,
        cid: str | None = None,
        aid: str | None = None,
    ) -> web.Response:
        self.calls.append(
            TeamsCall(
                operation, request.path, token, body, time.monotonic(), status, answer, cid, aid
            )
        )
        self._changed.set()
        if answer is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(answer, status=status, headers=headers)


_CONNECTOR_OPERATIONS = frozenset(
    {
        "create_conversation",
        "send_to_conversation",
        "reply_to_activity",
        "update_activity",
        "delete_activity",
        "get_conversation_members",
        "get_conversation_member",
    }
)


def _bearer(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def _error(code: str, message: str) -> JSON:
    return {"error": {"code": code, "message": message}}


def _uuid_like(seed: str) -> str:
    digits = (seed.encode().hex() + "0" * 32)[:32]
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:32]}"


# --- the driver --------------------------------------------------------------------------------

_DEFAULT = object()


class TeamsDriver(Closing):
    """Posts activities to our bot's ``POST /api/messages`` as Teams does, each with a fresh
    channel token from the stand-in (or the one a test forges)."""

    def __init__(self, messages_url: str, standin: TeamsStandin) -> None:
        self.messages_url = messages_url
        self.standin = standin
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(
        self,
        activity: JSON,
        *,
        token: object = _DEFAULT,
        authorization: str | None = None,
    ) -> DriverResponse:
        """POST ``activity``. ``token``: None sends no Authorization header; a string is sent as
        the bearer token; by default a valid channel token for the activity's serviceUrl.
        ``authorization`` sends that header value as it is."""
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token is _DEFAULT:
            service_url = str(activity.get("serviceUrl", self.standin.service_url))
            headers["Authorization"] = (
                f"Bearer {self.standin.channel_token(service_url=service_url)}"
            )
        elif isinstance(token, str):
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps(activity, ensure_ascii=False).encode()
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(self.messages_url, data=body, headers=headers) as res:
            text = await res.text()
            return DriverResponse(res.status, text, dict(res.headers), activity)

    def personal_message(
        self,
        user_id: str,
        text: str,
        *,
        locale: str | None = "ja-JP",
        channel_id: str = TEAMS_CHANNEL,
        service_url: str | None = None,
    ) -> JSON:
        """A message activity from ``user_id`` in their personal chat with the bot."""
        standin = self.standin
        user = standin.users.get(user_id) or standin.add_user(user_id, name=user_id)
        activity: JSON = {
            "type": "message",
            "id": f"{int(standin.clock.now().timestamp() * 1000)}{secrets.randbelow(1000):03d}",
            "timestamp": standin.clock.now().isoformat().replace("+00:00", "Z"),
            "serviceUrl": service_url or standin.service_url,
            "channelId": channel_id,
            "from": {"id": user.id, "name": user.name, "aadObjectId": user.aad_object_id},
            "conversation": {
                "conversationType": "personal",
                "tenantId": standin.tenant_id,
                "id": user.conversation_id,
            },
            "recipient": {"id": f"28:{standin.app_id}", "name": standin.bot_name},
            "textFormat": "plain",
            "text": text,
            "entities": [{"type": "clientInfo", "locale": locale or "", "platform": "Web"}],
            "channelData": {"tenant": {"id": standin.tenant_id}},
        }
        if locale is not None:
            activity["locale"] = locale
        return activity

    async def message(
        self, user_id: str, text: str, *, locale: str | None = "ja-JP", **post: Any
    ) -> DriverResponse:
        return await self.post(self.personal_message(user_id, text, locale=locale), **post)
