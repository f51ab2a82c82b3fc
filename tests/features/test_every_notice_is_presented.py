"""Every Notice a feature can send has a neutral presenter, so every surface can show it."""

from __future__ import annotations

import bot.container  # noqa: F401  (imports every feature, and so registers every presenter)
from bot.core.message import presented_types
from bot.ports import Notice


def _all_subclasses(cls: type[Notice]) -> set[type[Notice]]:
    found: set[type[Notice]] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_notice_type_has_a_presenter() -> None:
    notices = {n for n in _all_subclasses(Notice) if n.__module__.startswith("bot.features.")}

    assert len(notices) >= 16
    assert sorted(n.__name__ for n in notices - presented_types()) == []
