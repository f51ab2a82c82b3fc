"""The platform-neutral message: what the core says, before any surface lays it out.

Presenters (one per Notice, in each feature's `presenters.py`) turn the facts a feature sends
into a Message; each surface renders a Message in its own markup (Block Kit, Adaptive Card).

Text in a Message is *Markup*: plain text plus a small chat markup every surface can map to
its own: `*bold*`, `_italic_`, lines starting with `> ` (a quote) or `• ` (a bullet), and
`&amp;` `&lt;` `&gt;` for the three characters a surface may treat as markup. Text that people
wrote goes through `esc()` first, so a note never turns into a mention or a link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from bot.ports import Notice

Markup = str


def esc(text: str) -> Markup:
    """People's text (names, notes, titles) as Markup that shows exactly what they wrote."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """At most `limit` characters; a cut text ends in an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Style(StrEnum):
    default = "default"
    primary = "primary"
    danger = "danger"


@dataclass(frozen=True)
class Button:
    """An action a person can take; `action` is a neutral id (bot.core.actions), `value`
    the id it acts on (checked again by the core when it comes back)."""

    label: str
    action: str
    value: str
    style: Style = Style.default


@dataclass(frozen=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True)
class Menu:
    """A short menu of choices behind one control (e.g. edit / delete)."""

    action: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Heading:
    text: str  # plain text, no markup


@dataclass(frozen=True)
class Text:
    """A paragraph, optionally with one action beside it."""

    markup: Markup
    action: Button | None = None


@dataclass(frozen=True)
class Lines:
    """A list of lines shown together; a surface may split it where its limits require.
    `max_parts` caps how many pieces of a long list are shown."""

    lines: tuple[Markup, ...]
    max_parts: int | None = None


@dataclass(frozen=True)
class Note:
    """Small print: hints, footers, the privacy line."""

    markup: Markup


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class Actions:
    """A row of actions. `group` names the row, so a later update can find it (e.g. the
    helpful button of one tip)."""

    items: tuple[Button | Menu, ...]
    group: str | None = None


Element = Heading | Text | Lines | Note | Divider | Actions


@dataclass(frozen=True)
class Message:
    """`fallback` is the notification text; `body` may be shortened to fit a platform's
    limits, `tail` (the actions and the privacy line) never is."""

    fallback: str
    body: tuple[Element, ...]
    tail: tuple[Element, ...] = field(default=())


# --- which presenter presents which Notice ------------------------------------------------------

Presenter = Callable[[Any, str, str], Message]  # (notice, locale, timezone)
N = TypeVar("N", bound=Notice)

_PRESENTERS: dict[type[Notice], Presenter] = {}


def presents(notice_type: type[N]) -> Callable[[Callable[[N, str, str], Message]], Presenter]:
    def register(func: Callable[[N, str, str], Message]) -> Presenter:
        if notice_type in _PRESENTERS:
            raise ValueError(f"{notice_type.__name__} already has a presenter")
        _PRESENTERS[notice_type] = func
        return func

    return register


def present(notice: Notice, locale: str, timezone: str) -> Message:
    """The Message for a notice, in the reader's language and time zone."""
    try:
        presenter = _PRESENTERS[type(notice)]
    except KeyError:
        raise LookupError(f"no presenter for {type(notice).__name__}") from None
    return presenter(notice, locale, timezone)


def presented_types() -> frozenset[type[Notice]]:
    return frozenset(_PRESENTERS)
