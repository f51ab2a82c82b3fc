"""Block Kit builders. Listeners call these; no Block Kit dicts live anywhere else."""

from __future__ import annotations

from typing import Any

from bot.core.message import cut
from bot.i18n import t

Block = dict[str, Any]

# Slack's limits (DESIGN.md "Platform facts").
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_BLOCKS = 50
MAX_SECTION_TEXT = 3000


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    """A plain_text object (labels of buttons and options: 75 characters at most)."""
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION_TEXT)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, 3000)}]}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": cut(text, 150)}}


def divider() -> Block:
    return {"type": "divider"}


def message_blocks(body: list[Block], tail: list[Block]) -> list[Block]:
    """A message's blocks within Slack's limit, cutting the body and never the tail (its
    buttons and privacy line)."""
    return body[: MAX_MESSAGE_BLOCKS - len(tail)] + tail


def lines_as_sections(lines: list[str]) -> list[Block]:
    """Pack lines into as few sections as fit, so long lists stay within block limits."""
    blocks: list[Block] = []
    chunk = ""
    for line in lines:
        candidate = f"{chunk}\n{line}" if chunk else line
        if len(candidate) > MAX_SECTION_TEXT and chunk:
            blocks.append(section(chunk))
            chunk = line
        else:
            chunk = candidate
    if chunk:
        blocks.append(section(chunk))
    return blocks


def help_blocks(locale: str, extra_keys: list[str] | None = None) -> list[Block]:
    lines = [t(locale, "help.body"), *(t(locale, key) for key in extra_keys or [])]
    lines.append(t(locale, "help.home"))
    return [
        section(t(locale, "help.title")),
        section("\n".join(lines)),
        context(t(locale, "privacy.notice")),
    ]


def not_set_up_blocks(locale: str) -> list[Block]:
    return [section(t(locale, "error.unknown_user"))]


def unknown_user_home(locale: str) -> dict[str, Any]:
    return {
        "type": "home",
        "blocks": [header(t(locale, "home.title")), *not_set_up_blocks(locale)],
    }
