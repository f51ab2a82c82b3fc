"""End-to-end fixtures: the real server on a free port, the Slack stand-in, signed requests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.demo import sample_org_csv
from bot.standin.stack import LocalStack


@pytest.fixture
async def stack(database_url: str) -> AsyncIterator[LocalStack]:
    async with LocalStack(database_url) as local:
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
