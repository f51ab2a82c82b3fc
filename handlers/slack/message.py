"""The core's neutral Message laid out in Block Kit."""

from __future__ import annotations

from typing import Any

from bot.core.message import (
    Button,
    Divider,
    Element,
    Heading,
    Lines,
    Menu,
    Message,
    Note,
    Text,
)
from handlers.slack.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    lines_as_sections,
    message_blocks,
    option,
    section,
)


def _button(item: Button) -> dict[str, Any]:
    return button(item.label, item.action, item.value, style=item.style)


def _control(item: Button | Menu) -> dict[str, Any]:
    if isinstance(item, Button):
        return _button(item)
    return {
        "type": "overflow",
        "action_id": item.action,
        "options": [option(choice.label, choice.value) for choice in item.choices],
    }


def blocks_of(elements: tuple[Element, ...]) -> list[Block]:
    blocks: list[Block] = []
    for element in elements:
        if isinstance(element, Heading):
            blocks.append(header(element.text))
        elif isinstance(element, Text):
            block = section(element.markup)
            if element.action is not None:
                block["accessory"] = _button(element.action)
            blocks.append(block)
        elif isinstance(element, Lines):
            parts = lines_as_sections(list(element.lines))
            blocks += parts if element.max_parts is None else parts[: element.max_parts]
        elif isinstance(element, Note):
            blocks.append(context(element.markup))
        elif isinstance(element, Divider):
            blocks.append(divider())
        else:
            blocks.append(actions([_control(i) for i in element.items], block_id=element.group))
    return blocks


def render_message(message: Message) -> tuple[str, list[Block]]:
    """Notification text and blocks; the body is cut to Slack's limits, never the tail."""
    return message.fallback, message_blocks(blocks_of(message.body), blocks_of(message.tail))
