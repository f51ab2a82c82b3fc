"""What the core needs from a chat platform, as Protocols the handlers implement.

The core never imports slack_bolt, slack_sdk or botbuilder; it talks to these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from storage.models import Person


@dataclass(frozen=True)
class DirectoryEntry:
    """What the chat platform knows about a user."""

    user_id: str
    email: str | None
    name: str | None
    locale: str | None
    timezone: str | None
    deleted: bool = False


class Directory(Protocol):
    async def lookup(self, user_id: str) -> DirectoryEntry | None:
        """The platform's profile of a user, or None when the platform has no such user."""
        ...


@dataclass(frozen=True)
class Notice:
    """A platform-neutral message. Each surface renders every Notice type it supports.

    Subclasses carry ids and already-loaded facts, never platform markup, so the core can say
    "send this reminder" without knowing whether Slack or Teams will show it.
    """


SLACK = "slack"
TEAMS = "teams"


@dataclass(frozen=True)
class MessageRef:
    """Where a message lives on its platform, so it can be found, updated or deleted later.

    `conversation` is the channel, DM or group conversation id; `message_id` the platform's id
    of the message in it (Slack's ts, Teams' activity id). A thread is referenced by the
    MessageRef of its parent message.
    """

    platform: str  # SLACK or TEAMS
    conversation: str
    message_id: str


def message_ref(
    platform: str | None, conversation: str | None, message_id: str | None
) -> MessageRef | None:
    """The MessageRef kept in three nullable columns, or None when one of them is empty."""
    if not (platform and conversation and message_id):
        return None
    return MessageRef(platform, conversation, message_id)


class DeliveryFailed(Exception):
    """A platform refused or failed a message.

    `permanent` failures (the user is gone, the channel does not exist) must not be retried;
    the others may be, no sooner than `retry_after` seconds when the platform said so.
    """

    def __init__(self, code: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent
        self.retry_after = retry_after


class Messenger(Protocol):
    """Outbound messages, implemented by each chat surface."""

    async def send(self, person: Person, notice: Notice) -> MessageRef:
        """A direct message to one person, in their language and time zone."""
        ...

    async def post(
        self, conversation: str, notice: Notice, *, locale: str, thread: MessageRef | None = None
    ) -> MessageRef:
        """A message in a channel or group conversation (or a reply in `thread`)."""
        ...

    async def update(self, ref: MessageRef, notice: Notice, *, locale: str, timezone: str) -> None:
        """Replace an earlier message with a newer rendering."""
        ...

    async def delete(self, ref: MessageRef) -> None: ...

    async def open_group(self, people: Sequence[Person]) -> str:
        """A conversation of the bot and these people (e.g. a pair's memo thread)."""
        ...
