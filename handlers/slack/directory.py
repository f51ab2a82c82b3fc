"""The core's Directory port, answered by Slack's users.info."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import DirectoryEntry


class SlackDirectory:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def lookup(self, user_id: str) -> DirectoryEntry | None:
        try:
            response = await self._client.users_info(user=user_id, include_locale=True)
        except SlackApiError as exc:
            if exc.response.get("error") in ("user_not_found", "user_not_visible"):
                return None
            raise
        user = response["user"]
        profile = user.get("profile") or {}
        return DirectoryEntry(
            user_id=user_id,
            email=profile.get("email"),
            name=user.get("real_name") or profile.get("real_name") or user.get("name"),
            locale=user.get("locale"),
            timezone=user.get("tz"),
            deleted=bool(user.get("deleted")),
        )
