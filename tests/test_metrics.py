"""Counters and their exposition at GET /metrics (Prometheus text format)."""

from __future__ import annotations

import logging

import prometheus_client
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics

Series = tuple[str, tuple[tuple[str, str], ...]]


def samples(metrics: Metrics) -> dict[Series, float]:
    found: dict[Series, float] = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def helps(metrics: Metrics) -> dict[str, str]:
    families = text_string_to_metric_families(metrics.render().decode())
    return {f.name: f.documentation for f in families}


def as_counted_in_the_bot() -> Metrics:
    metrics = Metrics()
    metrics.describe(
        "oneonone_deliveries_total", "Outbound deliveries by kind and outcome", ("kind", "outcome")
    )
    metrics.describe("oneonone_delivery_errors_total", "Platform errors", ("kind", "code"))
    metrics.describe("oneonone_delivery_rate_limited_total", "Rate-limit answers")
    metrics.inc("oneonone_deliveries_total", kind="sched.member_reminder", outcome="sent")
    metrics.inc("oneonone_deliveries_total", kind="sched.member_reminder", outcome="sent")
    metrics.inc("oneonone_deliveries_total", kind="test", outcome="failed")
    metrics.inc("oneonone_delivery_errors_total", kind="test", code="account_inactive")
    metrics.inc("oneonone_slack_requests_total")
    metrics.inc("oneonone_slack_commands_total", name="help")
    return metrics


def test_the_exposition_keeps_the_names_and_labels() -> None:
    assert samples(as_counted_in_the_bot()) == {
        (
            "oneonone_deliveries_total",
            (("kind", "sched.member_reminder"), ("outcome", "sent")),
        ): 2,
        ("oneonone_deliveries_total", (("kind", "test"), ("outcome", "failed"))): 1,
        ("oneonone_delivery_errors_total", (("code", "account_inactive"), ("kind", "test"))): 1,
        ("oneonone_delivery_rate_limited_total", ()): 0,
        ("oneonone_slack_requests_total", ()): 1,
        ("oneonone_slack_commands_total", (("name", "help"),)): 1,
    }


def test_every_family_is_a_counter_with_its_help() -> None:
    text = as_counted_in_the_bot().render().decode()

    assert "# TYPE oneonone_deliveries_total counter\n" in text
    assert "# HELP oneonone_deliveries_total Outbound deliveries by kind and outcome\n" in text
    families = list(text_string_to_metric_families(text))
    assert {f.type for f in families} == {"counter"}
    assert helps(as_counted_in_the_bot()) == {
        "oneonone_deliveries": "Outbound deliveries by kind and outcome",
        "oneonone_delivery_errors": "Platform errors",
        "oneonone_delivery_rate_limited": "Rate-limit answers",
        # Counted without being described: the name stands in for the help, as it always did.
        "oneonone_slack_requests": "oneonone_slack_requests_total",
        "oneonone_slack_commands": "oneonone_slack_commands_total",
    }


def test_no_created_series() -> None:
    text = as_counted_in_the_bot().render().decode()

    assert "_created" not in text
    names = {name for name, _ in samples(as_counted_in_the_bot())}
    assert all(name.endswith("_total") for name in names)


def test_value_reads_what_was_counted() -> None:
    metrics = as_counted_in_the_bot()

    sent = metrics.value("oneonone_deliveries_total", kind="sched.member_reminder", outcome="sent")
    assert sent == 2
    assert metrics.value("oneonone_slack_requests_total") == 1
    assert metrics.value("oneonone_deliveries_total", kind="nothing", outcome="sent") == 0
    assert metrics.value("oneonone_never_counted_total") == 0


def test_two_instances_do_not_share_counts_nor_the_global_registry() -> None:
    first, second = Metrics(), Metrics()

    first.inc("oneonone_slack_requests_total")
    first.inc("oneonone_slack_requests_total")
    second.inc("oneonone_slack_requests_total")

    assert first.value("oneonone_slack_requests_total") == 2
    assert second.value("oneonone_slack_requests_total") == 1
    assert prometheus_client.REGISTRY.get_sample_value("oneonone_slack_requests_total") is None


def test_a_name_with_or_without_total_is_one_counter() -> None:
    metrics = Metrics()

    metrics.inc("oneonone_slack_requests_total")
    metrics.inc("oneonone_slack_requests")

    assert metrics.value("oneonone_slack_requests_total") == 2
    assert samples(metrics) == {("oneonone_slack_requests_total", ()): 2}


def test_another_label_set_is_dropped_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    metrics = Metrics()
    metrics.inc("oneonone_errors_total", kind="leader_notice")

    with caplog.at_level(logging.WARNING, logger="oneonone.metrics"):
        metrics.inc("oneonone_errors_total")
        metrics.inc("oneonone_errors_total", kind="x", code="y")
        metrics.inc("oneonone_errors_total", kind="x", code="y")

    assert metrics.value("oneonone_errors_total", kind="leader_notice") == 1
    assert samples(metrics) == {("oneonone_errors_total", (("kind", "leader_notice"),)): 1}
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert all("oneonone_errors_total" in w for w in warnings)


def test_a_described_label_set_is_the_one_counted() -> None:
    metrics = Metrics()
    metrics.describe("oneonone_deliveries_total", "Deliveries", ("kind", "outcome"))

    metrics.inc("oneonone_deliveries_total", kind="test")
    metrics.inc("oneonone_deliveries_total", outcome="sent", kind="test")

    assert samples(metrics) == {
        ("oneonone_deliveries_total", (("kind", "test"), ("outcome", "sent"))): 1
    }


def test_nothing_counted_wrongly_raises() -> None:
    metrics = Metrics()

    metrics.inc("oneonone_slack_requests_total", -1)
    metrics.inc("oneonone_bad_labels_total", 1, **{"__reserved": "x"})

    assert samples(metrics) == {("oneonone_slack_requests_total", ()): 0}


def test_the_servers_counters_are_described_before_their_first_count() -> None:
    from bot.app import describe_server_metrics

    metrics = Metrics()
    describe_server_metrics(metrics)

    documented = helps(metrics)
    for name in ("oneonone_slack_requests", "oneonone_slack_rejected", "oneonone_errors"):
        assert documented[name] != f"{name}_total", name  # a real help text, not the name
    # Without labels a counter is there at 0 from the start, so rate() sees its first count.
    assert samples(metrics)[("oneonone_slack_requests_total", ())] == 0.0
