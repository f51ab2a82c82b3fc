"""Thousands of correctly signed but odd requests through the real server (seeded, SQLite).

Sent by people who are party to no pair (HR, someone outside the org data), with ids of
real pairs, slots and tips: none may answer 5xx, lose its ack (Bolt's 404 after 3 s), leave a
traceback or an error line in the log, or change any pair's content. `bench/bench_fuzz.py`
runs the same at 30,000 requests, on PostgreSQL too.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.demo import sample_org_csv
from bot.standin.fuzz import run_fuzz
from bot.standin.stack import LocalStack
from handlers.slack import ids
from tests.e2e.helpers import CLOCK, HR, MEMBER_TANAKA, press, settle

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


async def test_ids_beyond_the_databases_range_are_not_found_on_both_databases(
    org: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    home = {"id": "VHOME", "type": "home", "blocks": []}
    for value in ("2147483648", "99999999999"):
        await press(org, MEMBER_TANAKA, ids.OPEN_PICKER, value, view=home)
    form = {
        "id": "VPICK",
        "type": "modal",
        "callback_id": ids.PICKER_CALLBACK,
        "private_metadata": json.dumps({"pair_id": 2**63}),
    }
    submitted = await org.driver.view_submission(MEMBER_TANAKA, form, {})
    await settle()

    assert submitted.status == 200
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    # Each press was told "not yours" (a refusal modal), never an error.
    refusals = [c for c in org.standin.calls_to("views.open") if c.ok]
    assert len(refusals) == 2


async def test_a_button_or_form_no_listener_takes_is_acknowledged(
    org: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    # E.g. a button on an old message whose action id has since been renamed.
    home = {"id": "VHOME", "type": "home", "blocks": []}
    pressed = await org.driver.block_actions(
        MEMBER_TANAKA, [{"action_id": "renamed_long_ago", "value": "1"}], view=home
    )
    form = {"id": "VOLD", "type": "modal", "callback_id": "an_old_form"}
    submitted = await org.driver.view_submission(MEMBER_TANAKA, form, {})
    await settle()

    assert (pressed.status, submitted.status) == (200, 200)  # not Bolt's 404
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
