"""Block Kit pieces: every Slack builder (the *_blocks modules, handlers.slack.message) is made
of these, so each Block Kit shape and limit is written once."""

from __future__ import annotations

import json
from typing import Any

from bot.core.message import Style, cut
from bot.i18n import t

Block = dict[str, Any]

# Slack's limits (DESIGN.md "Platform facts").
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_MODAL_TEXT = 24  # a modal's title, submit and close
MAX_INPUT_LABEL = 2000  # an input's label and hint
MAX_PLACEHOLDER = 150
MAX_SELECT_OPTIONS = 100
MAX_ACTIONS_ELEMENTS = 25


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    """A plain_text object (labels of buttons and options: 75 characters at most)."""
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def button(
    text: str, action_id: str, value: str, *, style: Style = Style.default
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text),
        "action_id": action_id,
        "value": value,
    }
    if style is not Style.default:
        element["style"] = style.value
    return element


def actions(elements: list[dict[str, Any]], *, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions"}
    if block_id is not None:
        block["block_id"] = block_id
    block["elements"] = elements
    return block


def static_select(
    action_id: str,
    options: list[dict[str, Any]],
    *,
    placeholder: str | None = None,
    initial: str | None = None,
) -> dict[str, Any]:
    """A select of `options`; the one whose value is `initial` (if any) is chosen."""
    element: dict[str, Any] = {"type": "static_select", "action_id": action_id}
    if placeholder is not None:
        element["placeholder"] = plain(placeholder)
    element["options"] = options
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def checkboxes(
    action_id: str, options: list[dict[str, Any]], *, ticked: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "checkboxes", "action_id": action_id, "options": options}
    if ticked:
        element["initial_options"] = ticked
    return element


def paged_selects(
    action_prefix: str, placeholder: str, options: list[dict[str, Any]]
) -> list[Block]:
    """Long lists as selects of at most 100 options each (action ids `prefix0`, `prefix1`...),
    in actions blocks of at most 25 selects."""
    selects = [
        static_select(
            f"{action_prefix}{start // MAX_SELECT_OPTIONS}",
            options[start : start + MAX_SELECT_OPTIONS],
            placeholder=placeholder,
        )
        for start in range(0, len(options), MAX_SELECT_OPTIONS)
    ]
    return [
        actions(selects[start : start + MAX_ACTIONS_ELEMENTS])
        for start in range(0, len(selects), MAX_ACTIONS_ELEMENTS)
    ]


def text_input(
    action_id: str,
    *,
    max_length: int,
    multiline: bool | None = None,
    placeholder: str | None = None,
    initial: str | None = None,
    on_enter: bool = False,
) -> dict[str, Any]:
    """A plain_text_input; `initial` is cut to `max_length`, `on_enter` dispatches the
    action when Enter is pressed."""
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id}
    if multiline is not None:
        element["multiline"] = multiline
    element["max_length"] = max_length
    if placeholder is not None:
        element["placeholder"] = plain(placeholder, MAX_PLACEHOLDER)
    if on_enter:
        element["dispatch_action_config"] = {"trigger_actions_on": ["on_enter_pressed"]}
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool | None = None,
    dispatch: bool = False,
    hint: str | None = None,
) -> Block:
    """An input block. `optional` is left out unless given; `dispatch` sends an action as
    soon as the value changes (to redraw the modal)."""
    block: Block = {"type": "input", "block_id": block_id}
    if optional is not None:
        block["optional"] = optional
    if dispatch:
        block["dispatch_action"] = True
    block["label"] = plain(label, MAX_INPUT_LABEL)
    if hint is not None:
        block["hint"] = plain(hint, MAX_INPUT_LABEL)
    block["element"] = element
    return block


def modal(
    title: str,
    blocks: list[Block],
    locale: str,
    *,
    callback_id: str | None = None,
    private_metadata: str | None = None,
    submit: str | None = None,
    close: str | None = None,
) -> dict[str, Any]:
    """A modal view; `close` defaults to the usual "Close", blocks past Slack's limit are cut."""
    view: dict[str, Any] = {"type": "modal"}
    if callback_id is not None:
        view["callback_id"] = callback_id
    if private_metadata is not None:
        view["private_metadata"] = private_metadata
    view["title"] = plain(title, MAX_MODAL_TEXT)
    if submit is not None:
        view["submit"] = plain(submit, MAX_MODAL_TEXT)
    view["close"] = plain(t(locale, "modal.close") if close is None else close, MAX_MODAL_TEXT)
    view["blocks"] = blocks[:MAX_VIEW_BLOCKS]
    return view


def metadata(**values: object) -> str:
    """A view's private_metadata: the ids it acts on, as JSON."""
    return json.dumps(values)


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
