"""A feature as the wiring sees it: the services it offers, the work it makes due and the
senders of its delivery kinds.

Each feature package has a `build(...)` that makes its services and returns them in a
subclass of `Feature`; the wiring lists the features and hands the tick what they all bring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.delivery import DeliverySender, DueWorkProducer, senders_by_kind


@dataclass(frozen=True, kw_only=True)
class Feature:
    # Run by every tick, in the order the wiring lists the features.
    producers: tuple[DueWorkProducer, ...] = ()
    # (delivery kind, sender); no two features may send the same kind.
    senders: tuple[tuple[str, DeliverySender], ...] = ()


def producers_of(features: Sequence[Feature]) -> list[DueWorkProducer]:
    return [producer for feature in features for producer in feature.producers]


def senders_of(features: Sequence[Feature]) -> dict[str, DeliverySender]:
    return senders_by_kind([sender for feature in features for sender in feature.senders])
