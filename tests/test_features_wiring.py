"""The wiring lists features; the tick gets every producer and sender they bring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from bot.core.feature import Feature, producers_of, senders_of
from storage.models import Delivery


class _Producer:
    async def enqueue_due(self, now: datetime) -> int:
        return 0


class _Sender:
    async def send(self, delivery: Delivery, now: datetime) -> None:
        return None


@dataclass(frozen=True, kw_only=True)
class _Thing(Feature):
    name: str


def test_producers_keep_the_order_of_the_features() -> None:
    first, second, third = _Producer(), _Producer(), _Producer()
    features = [
        _Thing(name="a", producers=(first, second)),
        _Thing(name="quiet"),
        _Thing(name="b", producers=(third,)),
    ]

    assert producers_of(features) == [first, second, third]


def test_senders_are_found_by_kind_and_a_kind_has_one_sender() -> None:
    one, two = _Sender(), _Sender()

    assert senders_of([_Thing(name="a", senders=(("x", one),)), _Thing(name="b")]) == {"x": one}
    with pytest.raises(ValueError, match="two senders"):
        senders_of(
            [_Thing(name="a", senders=(("x", one),)), _Thing(name="b", senders=(("x", two),))]
        )
