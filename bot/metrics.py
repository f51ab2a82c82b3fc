"""Process counters served at GET /metrics in Prometheus' text exposition format."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

logger = logging.getLogger("oneonone.metrics")


class _WithoutCreated(Collector):
    """One counter as the registry sees it, minus its `<name>_created` series.

    prometheus_client only offers a process-wide switch for those series (an environment
    variable read at import, or disable_created_metrics()), which would change every other
    registry in the process too; filtering here keeps the choice to this object's registry.
    """

    def __init__(self, counter: Counter) -> None:
        self._counter = counter

    def describe(self) -> Iterable[Metric]:
        # Lets the registry reserve the counter's names (and refuse a clash) when it is added.
        return self._counter.describe()

    def collect(self) -> Iterable[Metric]:
        for family in self._counter.collect():
            created = family.name + "_created"
            family.samples = [s for s in family.samples if s.name != created]
            yield family


class Metrics:
    """The counters of one process (or one test), in a registry of their own.

    Names end in `_total`, as Prometheus names counters; that is also the name `value` takes.
    A counter's label names are fixed by the first `describe` or `inc` that names them.
    Counting never raises: a bad name or label set is logged once and the count dropped, so a
    request is never failed by its metrics.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._counters: dict[str, tuple[Counter, tuple[str, ...]]] = {}
        self._help: dict[str, str] = {}
        self._warned: set[tuple[str, tuple[str, ...]]] = set()

    def describe(self, name: str, help_text: str, labels: Sequence[str] = ()) -> None:
        """Give a counter its help text (and label names) before it is first counted.

        A counter described here is exposed from the start, at 0 when it has no labels."""
        self._help[name] = help_text
        self._counter(name, tuple(sorted(labels)))

    def inc(self, name: str, /, amount: int = 1, **labels: str) -> None:
        names = tuple(sorted(labels))
        try:
            counter = self._counter(name, names)
            if counter is not None:
                (counter.labels(**labels) if labels else counter).inc(amount)
        except ValueError as exc:  # a malformed name or label, or a negative amount
            self._warn_once(name, names, "a count was dropped: %s", exc)

    def value(self, name: str, /, **labels: str) -> float:
        return self.registry.get_sample_value(_total(name), labels) or 0.0

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def _counter(self, name: str, names: tuple[str, ...]) -> Counter | None:
        # "x" and "x_total" would be the same counter to Prometheus, so they are one here.
        known = self._counters.get(_total(name))
        if known is None:
            counter = Counter(name, self._help.get(name, name), names, registry=None)
            self.registry.register(_WithoutCreated(counter))
            self._counters[_total(name)] = (counter, names)
            return counter
        counter, fixed = known
        if names != fixed:
            self._warn_once(
                name, names, "a count labelled %s was dropped: its labels are %s", names, fixed
            )
            return None
        return counter

    def _warn_once(self, name: str, names: tuple[str, ...], message: str, *args: object) -> None:
        # Once per counter and label set: a call site that counts wrongly runs on every request.
        if (name, names) not in self._warned:
            self._warned.add((name, names))
            logger.warning("metric %s: " + message, name, *args)


def _total(name: str) -> str:
    # A Counter's samples are always exposed as <name>_total, whatever name it was given.
    return name if name.endswith("_total") else name + "_total"
