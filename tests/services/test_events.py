"""The event ledger: each (team, event) runs once; ids that cannot be real never reach the DB."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.events import EventLedger
from storage.db import Database

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


async def test_an_event_runs_once(db: Database) -> None:
    ledger = EventLedger(db)

    assert await ledger.first_time("T0TEAM", "Ev0001", now=NOW) is True
    assert await ledger.first_time("T0TEAM", "Ev0001", now=NOW) is False
    assert await ledger.first_time("T0OTHER", "Ev0001", now=NOW) is True


@pytest.mark.parametrize(
    ("team_id", "event_id"),
    [
        ("T0TEAM", "Ev" + "x" * 200),  # longer than the column
        ("T0TEAM", "Ev\x00null"),  # NUL, which PostgreSQL refuses in text
        ("T0TEAM", "Ev\ud800"),  # a lone surrogate, which no encoder takes
        ("T0TEAM", ""),
        ("T" * 100, "Ev0001"),
        ("T0TEAM", 12345),
        (["T0TEAM"], "Ev0001"),
    ],
)
async def test_malformed_ids_are_dropped_with_a_warning_and_stored_nowhere(
    db: Database, caplog: pytest.LogCaptureFixture, team_id: Any, event_id: Any
) -> None:
    ledger = EventLedger(db)

    with caplog.at_level(logging.WARNING, logger="oneonone.events"):
        assert await ledger.first_time(team_id, event_id, now=NOW) is False

    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert all(r.exc_info is None for r in caplog.records)
    # The ledger still works for real ids afterwards.
    assert await ledger.first_time("T0TEAM", "Ev0002", now=NOW) is True
