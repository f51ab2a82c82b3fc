"""End-to-end fixtures: the real server on a free port, the Slack stand-in, signed requests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.demo import sample_org_csv
from bot.standin.stack import LocalStack
from tests.e2e.helpers import CLOCK

# The clock, the sample org's Slack ids and the helpers the tests share are in helpers.py.


@pytest.fixture
async def stack(database_url: str) -> AsyncIterator[LocalStack]:
    async with LocalStack(database_url, clock=CLOCK) as local:
        yield local


@pytest.fixture
async def org(stack: LocalStack) -> LocalStack:
    """The stack with the demo's sample org (HR, two leaders, four members) imported."""
    await stack.import_org(sample_org_csv())
    return stack
