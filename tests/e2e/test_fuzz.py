"""Thousands of correctly signed but odd requests through the real server (seeded, SQLite).

Sent by people who are party to no pair (HR, someone outside the org data), with ids of
real pairs, slots and tips: none may answer 5xx, lose its ack (Bolt's 404 after 3 s), leave a
traceback or an error line in the log, or change any pair's content. `bench/bench_fuzz.py`
runs the same at 30,000 requests, on PostgreSQL too.
"""

from __future__ import annotations

from pathlib import Path

from bot.demo import sample_org_csv
from bot.standin.fuzz import run_fuzz
from tests.e2e.helpers import CLOCK, HR

REQUESTS = 3000
SEED = 20261203


async def test_odd_signed_requests_get_no_5xx_no_traceback_and_change_nothing(
    tmp_path: Path,
) -> None:
    report = await run_fuzz(
        f"sqlite:///{tmp_path / 'fuzz.db'}",
        requests=REQUESTS,
        seed=SEED,
        strangers=[HR, "U0NOBODY"],
        org_csv=sample_org_csv(),
        clock=CLOCK,
    )

    assert report.requests == REQUESTS
    assert report.server_errors == [], report.summary()
    assert report.lost_acks == [], report.summary()
    assert report.tracebacks == 0, report.error_lines
    assert report.error_lines == []
    assert report.changed_tables == []
    # The run really reached the listeners: most requests were answered by them.
    assert report.statuses.get(200, 0) > REQUESTS // 2
