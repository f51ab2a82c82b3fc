"""End-to-end fixtures: the real server on a free port, the Slack stand-in, signed requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.core.clock import ShiftedClock
from bot.demo import sample_org_csv
from bot.standin.stack import LocalStack

# Every stack, and every test that asks for `now()`, reads this clock: it starts at E2E_TODAY
# when the run starts and then moves at real speed, so no test depends on the day it runs.
# Cadences in the tests start on fixed dates after it (see test_schedule.FIRST).
E2E_TODAY = datetime(2030, 2, 5, 1, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Tokyo
CLOCK = ShiftedClock(E2E_TODAY)


def now() -> datetime:
    return CLOCK.now()


@pytest.fixture
async def stack(database_url: str) -> AsyncIterator[LocalStack]:
    async with LocalStack(database_url, clock=CLOCK) as local:
        yield local


@pytest.fixture
async def org(stack: LocalStack) -> LocalStack:
    """The stack with the demo's sample org (HR, two leaders, four members) imported."""
    await stack.import_org(sample_org_csv())
    return stack


# Slack ids in bot/demo/sample_org.csv
HR = "U01HR0001"
LEADER_SALES = "U01LEAD001"
LEADER_DEV = "U01LEAD002"
MEMBER_TANAKA = "U01MEM0001"
MEMBER_TAKAHASHI = "U01MEM0002"
MEMBER_ITO = "U01MEM0003"
MEMBER_EMILY = "U01MEM0004"
