"""A core Notice as a Slack message: the core presents it, Block Kit lays it out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.message import present
from bot.ports import Notice
from handlers.slack.message import render_message


@dataclass(frozen=True)
class Rendered:
    text: str  # the notification and fallback text
    blocks: list[dict[str, Any]]


def render(notice: Notice, locale: str, timezone: str) -> Rendered:
    return Rendered(*render_message(present(notice, locale, timezone)))
