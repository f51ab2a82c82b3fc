"""A local stand-in for the Slack Web API.

It answers the subset of methods the bot uses the way Slack does (HTTP 200 with
``{"ok": false, "error": ...}`` for API errors, 429 + ``Retry-After`` for rate limits), records
every call for assertions, and can be told to fail. Only aiohttp and the stdlib are used, so the
demo and the benchmarks do not depend on Slack's SDKs to fake Slack.

All state changes happen in synchronous method handlers that run between two awaits, so a call
is applied atomically with respect to every other call on the event loop; no locks are needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web

from bot.core.clock import Clock, SystemClock
from bot.standin.lifecycle import Served

__all__ = ["Conversation", "RecordedCall", "SlackError", "SlackStandin", "validate_blocks"]

JSON = dict[str, Any]

# Fields that Slack accepts as JSON-encoded strings in form bodies.
_JSON_FIELDS = frozenset({"view", "blocks", "attachments", "metadata"})

MAX_MESSAGE_TEXT = 40_000


@dataclass
class RecordedCall:
    """One request the stand-in received (including the ones it refused)."""

    method: str
    args: JSON
    at: float
    status: int = 200
    response: JSON = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


@dataclass
class Conversation:
    """A channel the stand-in knows. ``members=None`` means membership is not tracked."""

    id: str
    name: str
    members: set[str] | None
    is_im: bool = False
    is_mpim: bool = False


class SlackError(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass
class _Fault:
    status: int
    body: JSON
    headers: dict[str, str]
    remaining: int


@dataclass
class _Bucket:
    """Token bucket; capacity is one second's worth of calls (at least one)."""

    rate: float
    tokens: float
    updated: float

    @property
    def capacity(self) -> float:
        return max(1.0, self.rate)

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self) -> float:
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


@dataclass
class _Trigger:
    created: float
    user_id: str | None
    used: bool = False
    # The modal the interaction came from: views.push stacks on it, as Slack does.
    view_id: str | None = None


# --- Block Kit validation --------------------------------------------------------------------

# (field, measure, max) per object type. Measures: "chars" = string length, "text" = length of
# a text object's .text, "items" = list length, "max" = integer value.
_Rule = tuple[str, str, int]
_SELECT: tuple[_Rule, ...] = (("options", "items", 100), ("option_groups", "items", 100))
_LIMITS: dict[str, tuple[_Rule, ...]] = {
    "message": (("blocks", "items", 50),),
    "modal": (
        ("title", "text", 24),
        ("submit", "text", 24),
        ("close", "text", 24),
        ("private_metadata", "chars", 3000),
        ("callback_id", "chars", 255),
        ("external_id", "chars", 255),
        ("blocks", "items", 100),
    ),
    "home": (
        ("private_metadata", "chars", 3000),
        ("callback_id", "chars", 255),
        ("external_id", "chars", 255),
        ("blocks", "items", 100),
    ),
    "section": (("text", "text", 3000), ("fields", "items", 10)),
    "header": (("text", "text", 150),),
    "input": (("label", "text", 2000), ("hint", "text", 2000)),
    "context": (("elements", "items", 10),),
    "actions": (("elements", "items", 25),),
    "image": (("alt_text", "chars", 2000), ("image_url", "chars", 3000)),
    "checkboxes": (("options", "items", 10),),
    "radio_buttons": (("options", "items", 10),),
    "static_select": _SELECT,
    "multi_static_select": _SELECT,
    "overflow": (("options", "items", 5),),
    "plain_text_input": (
        ("max_length", "max", 3000),
        ("min_length", "max", 3000),
        ("placeholder", "text", 150),
    ),
    "button": (("text", "text", 75), ("value", "chars", 2000), ("url", "chars", 3000)),
    "option": (("text", "text", 75), ("value", "chars", 150), ("description", "text", 75)),
    "option_group": (("label", "text", 75), ("options", "items", 100)),
}
_COMMON: tuple[_Rule, ...] = (("block_id", "chars", 255), ("action_id", "chars", 255))
_REQUIRED: dict[str, tuple[str, ...]] = {
    "modal": ("title", "blocks"),
    "home": ("blocks",),
    "header": ("text",),
    "input": ("label", "element"),
}
# Options carry no "type"; the key they sit under says what they are.
_KIND_BY_KEY = {
    "options": "option",
    "initial_options": "option",
    "initial_option": "option",
    "option_groups": "option_group",
}


def validate_blocks(surface: JSON, *, kind: str, pointer: str) -> list[str]:
    """Slack-style ``[ERROR] ... [json-pointer:...]`` messages for a view or message surface.

    ``kind`` is "modal", "home" or "message"; ``pointer`` is where the surface sits in the
    request ("/view" for views.*, "" for chat.*).
    """
    errors: list[str] = []
    blocks = surface.get("blocks")
    if isinstance(blocks, list):
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            block_id = block.get("block_id") if isinstance(block, dict) else None
            if isinstance(block_id, str):
                if block_id in seen:
                    errors.append(
                        f"[ERROR] duplicate block_id `{block_id}` "
                        f"[json-pointer:{pointer}/blocks/{i}/block_id]"
                    )
                seen.add(block_id)
    elif blocks is not None:
        errors.append(f"[ERROR] must be an array [json-pointer:{pointer}/blocks]")
    _walk(surface, pointer or "", kind, errors)
    return errors


def _walk(node: Any, pointer: str, kind: str | None, errors: list[str]) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, f"{pointer}/{i}", kind, errors)
        return
    if not isinstance(node, dict):
        return
    own = node.get("type")
    kind = own if isinstance(own, str) else kind
    if kind is not None:
        for name in _REQUIRED.get(kind, ()):
            if name not in node:
                errors.append(f"[ERROR] missing required field: {name} [json-pointer:{pointer}]")
        for name, measure, limit in (*_LIMITS.get(kind, ()), *_COMMON):
            _check(node.get(name), measure, limit, f"{pointer}/{name}", errors)
    for key, value in node.items():
        if isinstance(value, dict | list):
            _walk(value, f"{pointer}/{key}", _KIND_BY_KEY.get(key), errors)


def _check(value: Any, measure: str, limit: int, pointer: str, errors: list[str]) -> None:
    if measure == "text":
        value = value.get("text") if isinstance(value, dict) else None
        pointer += "/text"
        measure = "chars"
    if measure == "chars" and isinstance(value, str) and len(value) > limit:
        errors.append(f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]")
    elif measure == "items" and isinstance(value, list) and len(value) > limit:
        errors.append(f"[ERROR] must be less than {limit + 1} items [json-pointer:{pointer}]")
    elif measure == "max" and isinstance(value, int) and value > limit:
        errors.append(f"[ERROR] must be less than or equal to {limit} [json-pointer:{pointer}]")


# --- helpers ---------------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _text_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _tz_offset(tz: str) -> int:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        offset = datetime.now(UTC).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


class SlackStandin(Served):
    """An aiohttp app on a free local port that answers like ``https://slack.com/api/``.

    Point slack_sdk at it with ``AsyncWebClient(token=standin.token, base_url=standin.api_url)``.
    """

    def __init__(
        self,
        token: str = "xoxb-standin",
        team_id: str = "T0STANDIN",
        bot_user_id: str = "U0BOT",
        clock: Clock | None = None,
    ) -> None:
        # Message timestamps come from the same clock as the server's, as in real life.
        self.clock: Clock = clock or SystemClock()
        self.token = token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = "B0STANDIN"
        self.app_id = "A0STANDIN"
        self.team_domain = "standin"
        self.trigger_ttl = 3.0

        self.calls: list[RecordedCall] = []
        self.users: dict[str, JSON] = {}
        self.conversations: dict[str, Conversation] = {}
        self.messages: dict[tuple[str, str], JSON] = {}
        self.ephemerals: list[JSON] = []
        self.reactions: dict[tuple[str, str], set[str]] = {}
        self.views: dict[str, JSON] = {}
        self.view_history: list[JSON] = []
        self.home_tabs: dict[str, JSON] = {}

        self._dm_by_users: dict[frozenset[str], str] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._caps: dict[str, _Bucket] = {}
        self._ids = itertools.count(1)
        self._last_ts_us = 0
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

        self._methods: dict[str, Callable[[JSON], JSON]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "reactions.add": self._reactions_add,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }
        self.add_user(bot_user_id, name="oneonone", real_name="1on1 bot", is_bot=True)

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{response_id}", self._handle_response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self._host = host
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._port = None

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("SlackStandin is not started")
        return f"http://{self._host}:{self._port}/"

    @property
    def api_url(self) -> str:
        """The Web API base URL, as slack_sdk's ``base_url`` takes it."""
        return f"{self.base_url}api/"

    # --- recorded calls ----------------------------------------------------------------------

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls (state such as users, messages and views is kept)."""
        self.calls.clear()

    async def wait_for(
        self,
        method: str,
        *,
        count: int = 1,
        # A default deadline keeps a broken end-to-end test from hanging forever.
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[RecordedCall]:
        """Wait until ``method`` was called at least ``count`` times; returns those calls."""
        async with asyncio.timeout(timeout):
            while len(calls := self.calls_to(method)) < count:
                self._changed.clear()
                await self._changed.wait()
        return calls

    # --- fixtures ----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        email: str | None = None,
        locale: str = "ja-JP",
        tz: str = "Asia/Tokyo",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> JSON:
        real = real_name if real_name is not None else name
        profile: JSON = {"real_name": real, "display_name": name}
        if email is not None:
            profile["email"] = email
        user: JSON = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real,
            "deleted": deleted,
            "tz": tz,
            "tz_offset": _tz_offset(tz),
            "is_bot": is_bot,
            "is_app_user": False,
            "is_admin": False,
            "is_owner": False,
            "profile": profile,
            "locale": locale,
        }
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str, members: set[str] | None = None) -> None:
        """Register a channel. The bot can post only if it is in ``members`` (or it is None)."""
        self.conversations[channel_id] = Conversation(
            channel_id, name, None if members is None else set(members)
        )

    def dm_channel_id(self, user_id: str) -> str:
        """The stable DM channel id between the bot and ``user_id`` (opening it if needed)."""
        return self._open_conversation([user_id])

    def add_message(
        self,
        channel: str,
        *,
        user: str,
        text: str = "",
        ts: str | None = None,
        thread_ts: str | None = None,
        blocks: list[JSON] | None = None,
    ) -> str:
        """Remember a message someone else posted (so reactions.add etc. can find it)."""
        ts = ts or self.next_ts()
        message: JSON = {"type": "message", "user": user, "text": text, "ts": ts}
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        if blocks is not None:
            message["blocks"] = blocks
        self.messages[(channel, ts)] = message
        return ts

    def next_ts(self) -> str:
        """A message ts: microseconds on the clock, strictly increasing."""
        now_us = int(self.clock.now().timestamp() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 100)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def issue_trigger_id(self, user_id: str | None = None, view_id: str | None = None) -> str:
        trigger_id = f"{next(self._ids)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = _Trigger(time.monotonic(), user_id, view_id=view_id)
        return trigger_id

    # --- fault injection ---------------------------------------------------------------------

    def fail(self, method: str, error: str, times: int = 1) -> None:
        self._add_fault(method, _Fault(200, {"ok": False, "error": error}, {}, times))

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        body: JSON = {"ok": False, "error": "ratelimited"}
        self._add_fault(method, _Fault(429, body, {"Retry-After": str(retry_after)}, times))

    def server_error(self, method: str, status: int = 500, times: int = 1) -> None:
        self._add_fault(method, _Fault(status, {"ok": False, "error": "internal_error"}, {}, times))

    def set_rate_cap(self, method: str, per_second: float | None) -> None:
        """Answer 429 when ``method`` ("*" = all methods together) exceeds ``per_second``."""
        if per_second is None:
            self._caps.pop(method, None)
        elif per_second <= 0:
            raise ValueError("per_second must be positive")
        else:
            self._caps[method] = _Bucket(per_second, max(1.0, per_second), time.monotonic())

    def clear_faults(self) -> None:
        """Every failure still queued is dropped: the API is healthy again."""
        self._faults.clear()

    def _add_fault(self, method: str, fault: _Fault) -> None:
        if fault.remaining > 0:
            self._faults.setdefault(method, []).append(fault)

    def _take_fault(self, method: str) -> _Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.pop(0)
                return fault
        return None

    def _take_cap(self, method: str) -> int | None:
        """Consume a token from every bucket that applies; Retry-After seconds if one is empty."""
        buckets = [b for b in (self._caps.get(method), self._caps.get("*")) if b is not None]
        now = time.monotonic()
        for bucket in buckets:
            bucket.refill(now)
        wait = max((b.wait() for b in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1.0
        return None

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._read_args(request)
        token = args.pop("token", None)
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        status, body, headers = self._dispatch(method, args, token)
        self._record(RecordedCall(method, args, time.monotonic(), status, body))
        return web.json_response(body, status=status, headers=headers)

    def _dispatch(self, method: str, args: JSON, token: Any) -> tuple[int, JSON, dict[str, str]]:
        fault = self._take_fault(method)
        if fault is not None:
            return fault.status, dict(fault.body), dict(fault.headers)
        retry_after = self._take_cap(method)
        if retry_after is not None:
            body: JSON = {"ok": False, "error": "ratelimited"}
            return 429, body, {"Retry-After": str(retry_after)}
        handler = self._methods.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if token != self.token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        try:
            return 200, {"ok": True, **handler(args)}, {}
        except SlackError as e:
            return 200, {"ok": False, "error": e.error, **e.extra}, {}

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {"raw": await request.text()}
        args: JSON = {**body, "response_id": request.match_info["response_id"]}
        self._record(RecordedCall("response_url", args, time.monotonic(), 200, {"ok": True}))
        return web.Response(text="ok", content_type="text/plain")

    def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        self._changed.set()

    @staticmethod
    async def _read_args(request: web.Request) -> JSON:
        args: JSON = dict(request.query)
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                args.update(body)
        elif request.can_read_body:
            form = await request.post()
            args.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in _JSON_FIELDS & args.keys():
            value = args[key]
            if isinstance(value, str) and value.strip()[:1] in {"[", "{"}:
                # Left as a string when broken; the method answers *_format errors.
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(value)
        return args

    # --- conversations -----------------------------------------------------------------------

    def _open_conversation(self, user_ids: list[str]) -> str:
        key = frozenset(user_ids)
        existing = self._dm_by_users.get(key)
        if existing is not None:
            return existing
        prefix = "D" if len(key) == 1 else "G"
        channel_id = f"{prefix}0{next(self._ids):08X}"
        self._dm_by_users[key] = channel_id
        self.conversations[channel_id] = Conversation(
            channel_id,
            channel_id if prefix == "D" else "mpdm-" + "--".join(sorted(key)),
            {*key, self.bot_user_id},
            is_im=prefix == "D",
            is_mpim=prefix == "G",
        )
        return channel_id

    def _resolve_channel(self, channel: Any) -> Conversation:
        """The conversation the bot may post to, as chat.* resolves its ``channel`` argument."""
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        if channel[:1] in {"U", "W"} and channel in self.users:
            if self.users[channel]["is_bot"]:
                raise SlackError("cannot_dm_bot")
            channel = self.dm_channel_id(channel)
        elif channel.startswith("#"):
            named = [c for c in self.conversations.values() if c.name == channel[1:]]
            channel = named[0].id if named else channel
        conversation = self.conversations.get(channel)
        if conversation is None:
            raise SlackError("channel_not_found")
        if conversation.members is not None and self.bot_user_id not in conversation.members:
            raise SlackError("not_in_channel")
        return conversation

    def _conversations_open(self, args: JSON) -> JSON:
        if args.get("channel"):
            channel = str(args["channel"])
            if channel not in self.conversations:
                raise SlackError("channel_not_found")
            return {"channel": {"id": channel}}
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 8:
            raise SlackError("too_many_users")
        for user_id in users:
            user = self.users.get(user_id)
            if user is None:
                raise SlackError("user_not_found")
            if user["deleted"]:
                raise SlackError("user_disabled")
            if user["is_bot"]:
                raise SlackError("cannot_dm_bot")
        existed = frozenset(users) in self._dm_by_users
        result: JSON = {"channel": {"id": self._open_conversation(users)}}
        if existed:
            result.update(no_op=True, already_open=True)
        return result

    # --- auth / users ------------------------------------------------------------------------

    def _auth_test(self, args: JSON) -> JSON:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": "Standin",
            "user": self.users[self.bot_user_id]["name"],
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _user_view(self, user: JSON, *, include_locale: bool) -> JSON:
        shown = json.loads(json.dumps(user))
        if not include_locale:
            shown.pop("locale", None)
        return dict(shown)

    def _users_info(self, args: JSON) -> JSON:
        user = self.users.get(str(args.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": self._user_view(user, include_locale=_truthy(args.get("include_locale")))}

    def _users_lookup_by_email(self, args: JSON) -> JSON:
        email = str(args.get("email") or "").lower()
        for user in self.users.values():
            if str(user["profile"].get("email", "")).lower() == email and email:
                return {"user": self._user_view(user, include_locale=False)}
        raise SlackError("users_not_found")

    # --- chat --------------------------------------------------------------------------------

    def _message_content(self, args: JSON, *, required: bool = True) -> tuple[Any, Any]:
        text, blocks = args.get("text"), args.get("blocks")
        if isinstance(blocks, str):
            raise SlackError("invalid_blocks_format")
        if required and not text and not blocks:
            raise SlackError("no_text")
        if _text_len(text) > MAX_MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        if blocks is not None:
            errors = validate_blocks({"blocks": blocks}, kind="message", pointer="")
            if errors:
                raise SlackError(
                    "invalid_blocks", errors=errors, response_metadata={"messages": errors}
                )
        return text, blocks

    def _chat_post_message(self, args: JSON) -> JSON:
        conversation = self._resolve_channel(args.get("channel"))
        text, blocks = self._message_content(args)
        ts = self.next_ts()
        message: JSON = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": text or "",
            "ts": ts,
        }
        if blocks is not None:
            message["blocks"] = blocks
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        if args.get("metadata") is not None:
            message["metadata"] = args["metadata"]
        self.messages[(conversation.id, ts)] = message
        return {"channel": conversation.id, "ts": ts, "message": dict(message)}

    def _find_message(self, args: JSON, ts_key: str = "ts") -> tuple[tuple[str, str], JSON]:
        key = (str(args.get("channel") or ""), str(args.get(ts_key) or ""))
        message = self.messages.get(key)
        if message is None:
            if key[0] not in self.conversations:
                raise SlackError("channel_not_found")
            raise SlackError("message_not_found")
        return key, message

    def _chat_update(self, args: JSON) -> JSON:
        key, message = self._find_message(args)
        if message.get("user") != self.bot_user_id:
            raise SlackError("cant_update_message")
        text, blocks = self._message_content(args, required=False)
        if text is not None:
            message["text"] = text
        if blocks is not None:
            message["blocks"] = blocks
        message["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        return {"channel": key[0], "ts": key[1], "text": message["text"], "message": dict(message)}

    def _chat_delete(self, args: JSON) -> JSON:
        key, message = self._find_message(args)
        if message.get("user") != self.bot_user_id:
            raise SlackError("cant_delete_message")
        del self.messages[key]
        self.reactions.pop(key, None)
        return {"channel": key[0], "ts": key[1]}

    def _chat_post_ephemeral(self, args: JSON) -> JSON:
        conversation = self._resolve_channel(args.get("channel"))
        user = str(args.get("user") or "")
        if user not in self.users:
            raise SlackError("user_not_found")
        if conversation.members is not None and user not in conversation.members:
            raise SlackError("user_not_in_channel")
        text, blocks = self._message_content(args)
        ts = self.next_ts()
        self.ephemerals.append(
            {"channel": conversation.id, "user": user, "text": text, "blocks": blocks, "ts": ts}
        )
        return {"message_ts": ts}

    def _reactions_add(self, args: JSON) -> JSON:
        key, _ = self._find_message(args, "timestamp")
        name = str(args.get("name") or "").strip(":")
        if not name:
            raise SlackError("invalid_name")
        names = self.reactions.setdefault(key, set())
        if name in names:
            raise SlackError("already_reacted")
        names.add(name)
        return {}

    # --- views -------------------------------------------------------------------------------

    def _take_trigger(self, args: JSON) -> _Trigger:
        trigger = self._triggers.get(str(args.get("trigger_id") or ""))
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if time.monotonic() - trigger.created > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _view_spec(self, args: JSON, kinds: tuple[str, ...]) -> JSON:
        spec = args.get("view")
        if not isinstance(spec, dict):
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: view"]},
            )
        errors = []
        if spec.get("type") not in kinds:
            errors.append(f"[ERROR] must be one of {', '.join(kinds)} [json-pointer:/view/type]")
        errors += validate_blocks(spec, kind=str(spec.get("type")), pointer="/view")
        external_id = spec.get("external_id")
        if external_id and any(
            v.get("external_id") == external_id and v["id"] != args.get("view_id")
            for v in self.views.values()
        ):
            raise SlackError("duplicate_external_id")
        if errors:
            raise SlackError("invalid_arguments", response_metadata={"messages": errors})
        return spec

    def _store_view(
        self, spec: JSON, *, view_id: str | None = None, pushed_on: str | None = None
    ) -> JSON:
        previous = self.views.get(view_id) if view_id else None
        view_id = view_id or f"V0{next(self._ids):08X}"
        view: JSON = {
            "id": view_id,
            "team_id": self.team_id,
            "type": spec["type"],
            "blocks": spec.get("blocks", []),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": spec.get("title"),
            "close": spec.get("close"),
            "submit": spec.get("submit"),
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.app_id,
            "external_id": spec.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if previous is not None:
            view["previous_view_id"] = previous["previous_view_id"]
            view["root_view_id"] = previous["root_view_id"]
        below = self.views.get(pushed_on) if pushed_on else None
        if below is not None:
            view["previous_view_id"] = below["id"]
            view["root_view_id"] = below["root_view_id"]
        self.views[view_id] = view
        self.view_history.append(view)
        return view

    def apply_view_response(self, view_id: str, response: Any) -> None:
        """Do what Slack does with our answer to a view_submission for view ``view_id``.

        An empty ack closes the modal; ``response_action`` update / push / clear act on the
        modal stack; ``errors`` leaves it open.
        """
        action = response.get("response_action") if isinstance(response, dict) else None
        if action is None:
            self.views.pop(view_id, None)
        elif action == "clear":
            root = self.views.get(view_id, {}).get("root_view_id", view_id)
            for vid in [k for k, v in self.views.items() if v["root_view_id"] == root]:
                del self.views[vid]
        elif action in {"update", "push"} and isinstance(response.get("view"), dict):
            spec = self._view_spec(response, ("modal",))
            if action == "update":
                self._store_view(spec, view_id=view_id)
            else:
                self._store_view(spec, pushed_on=view_id)

    def _views_open(self, args: JSON) -> JSON:
        spec = self._view_spec(args, ("modal",))
        self._take_trigger(args)
        return {"view": dict(self._store_view(spec))}

    def _views_push(self, args: JSON) -> JSON:
        spec = self._view_spec(args, ("modal",))
        trigger = self._take_trigger(args)
        return {"view": dict(self._store_view(spec, pushed_on=trigger.view_id))}

    def _views_update(self, args: JSON) -> JSON:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            found = [v for v in self.views.values() if v["external_id"] == args["external_id"]]
            view_id = found[-1]["id"] if found else None
        if not view_id and not args.get("external_id"):
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] view_id or external_id is required"]},
            )
        current = self.views.get(str(view_id or ""))
        if current is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        spec = self._view_spec({**args, "view_id": current["id"]}, (current["type"],))
        view = self._store_view(spec, view_id=current["id"])
        for user_id, home in list(self.home_tabs.items()):
            if home["id"] == view["id"]:
                self.home_tabs[user_id] = view
        return {"view": dict(view)}

    def _views_publish(self, args: JSON) -> JSON:
        user_id = str(args.get("user_id") or "")
        if not user_id:
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: user_id"]},
            )
        spec = self._view_spec(args, ("home",))
        current = self.home_tabs.get(user_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        view = self._store_view(spec, view_id=current["id"] if current else None)
        self.home_tabs[user_id] = view
        return {"view": dict(view)}
