"""Sends requests to our bot's ``POST /slack/events`` signed exactly as Slack signs them.

Payload shapes follow what Slack posts for slash commands, interactivity (``payload=`` form
field holding JSON) and the Events API (a JSON ``event_callback`` envelope). When a
``SlackStandin`` is attached, trigger ids come from it (so ``views.open`` accepts them), DM
channel ids match what ``conversations.open`` returns, and response URLs point at it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.standin.lifecycle import Closing
from bot.standin.slack_api import SlackStandin

__all__ = ["DriverResponse", "SlackDriver"]

JSON = dict[str, Any]

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"


@dataclass
class DriverResponse:
    """What our server answered, plus the decoded payload that was sent."""

    status: int
    text: str
    headers: dict[str, str]
    sent: JSON = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.text)


class SlackDriver(Closing):
    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        *,
        standin: SlackStandin | None = None,
        team_id: str = "T0STANDIN",
    ) -> None:
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.standin = standin
        self.team_id = team_id
        self.api_app_id = standin.app_id if standin is not None else "A0STANDIN"
        self.team_domain = standin.team_domain if standin is not None else "standin"
        self.verification_token = "standin-verification-token"
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- signing and transport ---------------------------------------------------------------

    def sign(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        ts = int(time.time()) if timestamp is None else timestamp
        base = b"v0:" + str(ts).encode() + b":" + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}

    async def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sent: JSON | None = None,
    ) -> DriverResponse:
        """POST ``body`` signed; ``timestamp``/``signature`` override to forge bad requests."""
        signed = self.sign(body, timestamp)
        if signature is not None:
            signed["X-Slack-Signature"] = signature
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **signed,
            **(headers or {}),
        }
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(self.events_url, data=body, headers=all_headers) as res:
            text = await res.text()
            return DriverResponse(res.status, text, dict(res.headers), sent or {})

    async def _post_form(self, fields: JSON) -> DriverResponse:
        return await self.post(urlencode(fields).encode(), FORM, sent=fields)

    async def _post_payload(self, payload: JSON) -> DriverResponse:
        body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()
        return await self.post(body, FORM, sent=payload)

    async def _post_json(
        self, payload: JSON, headers: dict[str, str] | None = None
    ) -> DriverResponse:
        body = json.dumps(payload, ensure_ascii=False).encode()
        return await self.post(body, JSON_TYPE, headers=headers, sent=payload)

    # --- shared pieces -----------------------------------------------------------------------

    def _trigger_id(self, user_id: str, view_id: str | None = None) -> str:
        if self.standin is not None:
            return self.standin.issue_trigger_id(user_id, view_id)
        return f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"

    def _response_url(self) -> str:
        rid = secrets.token_hex(12)
        if self.standin is not None:
            return f"{self.standin.base_url}response/{rid}"
        return f"https://hooks.slack.com/commands/{self.team_id}/{secrets.randbelow(10**12)}/{rid}"

    def _user_name(self, user_id: str) -> str:
        user = self.standin.users.get(user_id) if self.standin is not None else None
        return str(user["name"]) if user is not None else user_id.lower()

    def _user(self, user_id: str) -> JSON:
        name = self._user_name(user_id)
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _team(self) -> JSON:
        return {"id": self.team_id, "domain": self.team_domain}

    def _dm(self, user_id: str) -> str:
        if self.standin is not None:
            return self.standin.dm_channel_id(user_id)
        return f"D0{secrets.token_hex(4).upper()}"

    def _channel_name(self, channel_id: str) -> str:
        conversation = (
            self.standin.conversations.get(channel_id) if self.standin is not None else None
        )
        if conversation is not None and not conversation.is_im:
            return conversation.name
        return {"D": "directmessage", "G": "privategroup"}.get(channel_id[:1], channel_id)

    def _channel_of(self, message: JSON) -> str | None:
        if self.standin is None:
            return None
        for channel, ts in self.standin.messages:
            if ts == message.get("ts"):
                return channel
        return None

    def _interactive(self, kind: str, user_id: str, **rest: Any) -> JSON:
        return {
            "type": kind,
            "token": self.verification_token,
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "is_enterprise_install": False,
            "enterprise": None,
            **rest,
        }

    # --- slash commands and interactivity ----------------------------------------------------

    async def slash_command(
        self,
        user_id: str,
        text: str = "",
        command: str = "/1on1",
        channel_id: str | None = None,
    ) -> DriverResponse:
        channel = channel_id or self._dm(user_id)
        return await self._post_form(
            {
                "token": self.verification_token,
                "team_id": self.team_id,
                "team_domain": self.team_domain,
                "channel_id": channel,
                "channel_name": self._channel_name(channel),
                "user_id": user_id,
                "user_name": self._user_name(user_id),
                "command": command,
                "text": text,
                "api_app_id": self.api_app_id,
                "is_enterprise_install": "false",
                "response_url": self._response_url(),
                "trigger_id": self._trigger_id(user_id),
            }
        )

    async def block_actions(
        self,
        user_id: str,
        actions: list[JSON],
        *,
        view: JSON | None = None,
        message: JSON | None = None,
        channel_id: str | None = None,
        values: JSON | None = None,
    ) -> DriverResponse:
        """Clicks in a view (modal or Home tab) or in a message.

        Each action needs at least ``action_id``; ``block_id``, ``type`` and ``action_ts`` are
        filled in when missing. ``values`` becomes the view's (or message's) ``state.values``.
        """
        now = f"{time.time():.6f}"
        filled = [
            {"block_id": secrets.token_hex(3), "type": "button", "action_ts": now, **action}
            for action in actions
        ]
        state = {"values": values or {}}
        view_id = view.get("id") if view is not None and view.get("type") == "modal" else None
        extra: JSON = {"trigger_id": self._trigger_id(user_id, view_id), "actions": filled}
        if view is not None:
            extra["container"] = {"type": "view", "view_id": view.get("id")}
            extra["view"] = {**view, "state": state}
        elif message is not None:
            channel = channel_id or self._channel_of(message)
            if channel is None:
                raise ValueError("block_actions on a message needs channel_id")
            extra["container"] = {
                "type": "message",
                "message_ts": message.get("ts"),
                "channel_id": channel,
                "is_ephemeral": False,
            }
            if message.get("thread_ts"):
                extra["container"]["thread_ts"] = message["thread_ts"]
            extra["channel"] = {"id": channel, "name": self._channel_name(channel)}
            extra["message"] = message
            extra["state"] = state
            extra["response_url"] = self._response_url()
        else:
            raise ValueError("block_actions needs a view or a message")
        return await self._post_payload(self._interactive("block_actions", user_id, **extra))

    async def view_submission(self, user_id: str, view: JSON, values: JSON) -> DriverResponse:
        """Submit ``view`` with ``state.values = values``; the stand-in then acts on our answer
        (closes the modal on a plain ack, updates/pushes on ``response_action``)."""
        submitted = {
            **view,
            "id": view.get("id", f"V0{secrets.token_hex(4).upper()}"),
            "callback_id": view.get("callback_id", ""),
            "private_metadata": view.get("private_metadata", ""),
            "state": {"values": values},
        }
        response = await self._post_payload(
            self._interactive(
                "view_submission",
                user_id,
                trigger_id=self._trigger_id(user_id, str(submitted["id"])),
                view=submitted,
                response_urls=[],
            )
        )
        if self.standin is not None and response.status == 200:
            answer: Any = None
            if response.text.strip():
                try:
                    answer = response.json()
                except ValueError:
                    answer = None
            self.standin.apply_view_response(str(submitted["id"]), answer)
        return response

    async def view_closed(
        self, user_id: str, view: JSON, *, is_cleared: bool = False
    ) -> DriverResponse:
        return await self._post_payload(
            self._interactive("view_closed", user_id, view=view, is_cleared=is_cleared)
        )

    async def message_action(
        self, user_id: str, callback_id: str, message: JSON, channel_id: str
    ) -> DriverResponse:
        return await self._post_payload(
            self._interactive(
                "message_action",
                user_id,
                callback_id=callback_id,
                trigger_id=self._trigger_id(user_id),
                action_ts=f"{time.time():.6f}",
                message_ts=message.get("ts"),
                message=message,
                channel={"id": channel_id, "name": self._channel_name(channel_id)},
                response_url=self._response_url(),
            )
        )

    # --- Events API --------------------------------------------------------------------------

    async def event(
        self,
        event: JSON,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> DriverResponse:
        """Deliver ``event`` in an ``event_callback`` envelope (a retry when ``retry_num``)."""
        now = time.time()
        event = {"event_ts": f"{now:.6f}", **event}
        if (
            self.standin is not None
            and event.get("type") == "message"
            and "subtype" not in event
            and event.get("channel")
            and event.get("ts")
            and (event["channel"], event["ts"]) not in self.standin.messages
        ):
            self.standin.add_message(
                str(event["channel"]),
                user=str(event.get("user", "")),
                text=str(event.get("text", "")),
                ts=str(event["ts"]),
                thread_ts=event.get("thread_ts"),
            )
        envelope = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev0{secrets.token_hex(5).upper()}",
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.standin.bot_user_id if self.standin else "U0BOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = None
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self._post_json(envelope, headers)

    async def message(
        self,
        user_id: str,
        text: str,
        *,
        channel: str | None = None,
        thread_ts: str | None = None,
        ts: str | None = None,
    ) -> DriverResponse:
        """A user's plain message event (DM with the bot unless ``channel``); the event sent is
        in ``response.sent["event"]``, its ts in ``["ts"]``."""
        channel = channel or self._dm(user_id)
        if ts is None:
            ts = self.standin.next_ts() if self.standin is not None else f"{time.time():.6f}"
        channel_type = {"D": "im", "G": "mpim"}.get(channel[:1], "channel")
        event: JSON = {
            "type": "message",
            "user": user_id,
            "text": text,
            "ts": ts,
            "team": self.team_id,
            "channel": channel,
            "channel_type": channel_type,
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return await self.event(event)

    async def app_home_opened(self, user_id: str, *, tab: str = "home") -> DriverResponse:
        event: JSON = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self._dm(user_id),
            "tab": tab,
        }
        home = self.standin.home_tabs.get(user_id) if self.standin is not None else None
        if home is not None:
            event["view"] = home
        return await self.event(event)

    async def url_verification(self, challenge: str) -> DriverResponse:
        payload = {
            "token": self.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return await self._post_json(payload)

    # --- stand-in conveniences ---------------------------------------------------------------

    def opened_view(self, index: int = -1) -> JSON:
        """The ``index``-th view the stand-in recorded from views.open/push/update (or a
        view_submission's response_action), latest first by default."""
        if self.standin is None:
            raise LookupError("opened_view needs a SlackStandin")
        modals = [v for v in self.standin.view_history if v["type"] == "modal"]
        if not modals:
            raise LookupError("no view was opened")
        return modals[index]
