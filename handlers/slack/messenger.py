"""The core's Messenger port on Slack's Web API."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.errors import NotAllowed
from bot.features.org import PeopleService, Person
from bot.ports import SLACK, DeliveryFailed, MessageRef, Notice
from handlers.slack.renderers import render

# Errors that will not go away by trying again (DESIGN.md: stop, and show in logs/metrics).
PERMANENT = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "user_disabled",
        "cannot_dm_bot",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
        "invalid_blocks",
        "msg_too_long",
        "message_not_found",
        "cant_update_message",
        "cant_delete_message",
        "no_chat_id",
    }
)


def _failure(exc: Exception) -> DeliveryFailed:
    if isinstance(exc, SlackApiError):
        code = str(exc.response.get("error") or "slack_error")
        retry_after = exc.response.headers.get("Retry-After") if exc.response.headers else None
        return DeliveryFailed(
            code,
            permanent=code in PERMANENT,
            retry_after=float(retry_after) if retry_after else None,
        )
    return DeliveryFailed(type(exc).__name__, permanent=False)


_TRANSIENT = (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)


def slack_ref(channel: str, ts: str) -> MessageRef:
    """A Slack message (a channel id and its ts) as the core refers to it."""
    return MessageRef(SLACK, channel, ts)


def optional_slack_ref(channel: object, ts: object) -> MessageRef | None:
    """A Slack message named by a payload, if both halves are there; half of one is refused."""
    if channel is None and ts is None:
        return None
    if not isinstance(channel, str) or not isinstance(ts, str):
        raise NotAllowed
    return slack_ref(channel, ts)


def _slack_only(ref: MessageRef) -> MessageRef:
    # A message another platform sent cannot be changed through Slack.
    if ref.platform != SLACK:
        raise DeliveryFailed("wrong_platform", permanent=True)
    return ref


class SlackMessenger:
    def __init__(self, client: AsyncWebClient, people: PeopleService) -> None:
        self._client = client
        self._people = people

    async def send(self, person: Person, notice: Notice) -> MessageRef:
        if not person.slack_id:
            raise DeliveryFailed("no_chat_id", permanent=True)
        rendered = render(notice, self._people.locale_of(person), self._people.timezone_of(person))
        try:
            # Posting to a user id opens (or reuses) the bot's DM with them in one call.
            response = await self._client.chat_postMessage(
                channel=person.slack_id, text=rendered.text, blocks=rendered.blocks
            )
        except _TRANSIENT as exc:
            raise _failure(exc) from exc
        return slack_ref(str(response["channel"]), str(response["ts"]))

    async def post(
        self, conversation: str, notice: Notice, *, locale: str, thread: MessageRef | None = None
    ) -> MessageRef:
        thread_ts = _slack_only(thread).message_id if thread is not None else None
        rendered = render(notice, locale, self._people.default_timezone)
        try:
            response = await self._client.chat_postMessage(
                channel=conversation,
                text=rendered.text,
                blocks=rendered.blocks,
                thread_ts=thread_ts,
            )
        except _TRANSIENT as exc:
            raise _failure(exc) from exc
        return slack_ref(str(response["channel"]), str(response["ts"]))

    async def update(self, ref: MessageRef, notice: Notice, *, locale: str, timezone: str) -> None:
        _slack_only(ref)
        rendered = render(notice, locale, timezone)
        try:
            await self._client.chat_update(
                channel=ref.conversation,
                ts=ref.message_id,
                text=rendered.text,
                blocks=rendered.blocks,
            )
        except _TRANSIENT as exc:
            raise _failure(exc) from exc

    async def delete(self, ref: MessageRef) -> None:
        _slack_only(ref)
        try:
            await self._client.chat_delete(channel=ref.conversation, ts=ref.message_id)
        except _TRANSIENT as exc:
            raise _failure(exc) from exc

    async def open_group(self, people: Sequence[Person]) -> str:
        ids = [p.slack_id for p in people if p.slack_id]
        if len(ids) != len(people):
            raise DeliveryFailed("no_chat_id", permanent=True)
        try:
            response = await self._client.conversations_open(users=",".join(ids))
        except _TRANSIENT as exc:
            raise _failure(exc) from exc
        return str(response["channel"]["id"])
