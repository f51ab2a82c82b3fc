"""Which Block Kit builder renders which core Notice.

Each feature's block module registers its builders with `@renders(NoticeType)`; the Slack
messenger looks them up. Importing `handlers.slack` imports every feature module, so the
table is complete before the first message goes out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.message import present, presented_types
from bot.ports import Notice
from handlers.slack.message import render_message


@dataclass(frozen=True)
class Rendered:
    text: str  # the notification and fallback text
    blocks: list[dict[str, Any]]


Renderer = Callable[[Any, str, str], Rendered]  # (notice, locale, timezone)
N = TypeVar("N", bound=Notice)

RENDERERS: dict[type[Notice], Renderer] = {}


def renders(notice_type: type[N]) -> Callable[[Callable[[N, str, str], Rendered]], Renderer]:
    def register(func: Callable[[N, str, str], Rendered]) -> Renderer:
        if notice_type in RENDERERS:
            raise ValueError(f"{notice_type.__name__} already has a renderer")
        RENDERERS[notice_type] = func
        return func

    return register


def render(notice: Notice, locale: str, timezone: str) -> Rendered:
    # Notices with a presenter in the core are laid out from their neutral Message; the rest
    # still have a Slack renderer of their own until they move.
    if type(notice) in presented_types():
        return Rendered(*render_message(present(notice, locale, timezone)))
    try:
        renderer = RENDERERS[type(notice)]
    except KeyError:
        raise LookupError(f"no Slack renderer for {type(notice).__name__}") from None
    return renderer(notice, locale, timezone)
