"""The Delivery ledger against a misbehaving Slack, end to end: the real wiring (bot/app.py
build_core's client with its retry handlers), the real tick, the Slack stand-in's faults.

Times follow tests/e2e/test_schedule.py: a biweekly Tuesday 10:00 Tokyo cadence from 3 June
2031, so the member's reminder is due on Monday 2 June 2031 at 10:00 Tokyo.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner, Result

from bot.config import Settings
from bot.core.delivery import backoff
from bot.demo import sample_org_csv
from bot.features.schedule.slots import Kind, delivery_key
from bot.standin.slack_api import SlackStandin
from bot.standin.stack import SIGNING_SECRET, LocalStack, slack_users
from handlers.slack import ids
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Person, Slot
from tests.e2e.helpers import (
    CLOCK,
    LEADER_SALES,
    MEMBER_TAKAHASHI,
    MEMBER_TANAKA,
    delivery,
    dump,
    pair_of,
    person_id,
    planned,
    set_cadence,
    settle,
    tokyo,
)

JSON = dict[str, Any]
REMINDER_DUE = tokyo(6, 2, 10)  # the working day before the 3 June 10:00 1on1


def posts_to(standin: SlackStandin, user: str, *, ok: bool | None = None) -> list[JSON]:
    """chat.postMessage calls addressed to `user`: all, only the answered, or only the refused."""
    return [
        c.args
        for c in standin.calls_to("chat.postMessage")
        if c.args.get("channel") == user and (ok is None or c.ok is ok)
    ]


def reminders_to(standin: SlackStandin, user: str, *, ok: bool | None = True) -> list[JSON]:
    """The member's reminders (they carry the picker button) to `user`."""
    return [p for p in posts_to(standin, user, ok=ok) if ids.OPEN_PICKER in dump(p.get("blocks"))]


async def reminder_row(stack: LocalStack) -> Delivery:
    """Tanaka's member reminder for the first planned slot of his pair with 佐藤."""
    pair = await pair_of(stack, MEMBER_TANAKA)
    assert pair.id is not None
    slot = (await planned(stack, pair.id))[0]
    assert slot.id is not None
    return await delivery(stack, Kind.member_reminder, slot.id)


async def tanaka_has_a_cadence(stack: LocalStack) -> Delivery:
    """佐藤 sets 田中's cadence in the real modal; returns the (pending) reminder row.

    The cadence-changed DM to the member goes out from the listener after the modal's answer:
    wait for it, so that a fault injected afterwards is met by the tick's send and nothing else.
    """
    pair = await pair_of(stack, MEMBER_TANAKA)
    assert pair.id is not None
    await set_cadence(stack, LEADER_SALES, pair.id)
    await settle()
    row = await reminder_row(stack)
    assert (row.status, row.due_at, row.attempts) == (DeliveryStatus.pending, REMINDER_DUE, 0)
    return row


# --- 1. a transient failure is retried by the ledger ---------------------------------------------

# slack_sdk's own AsyncServerErrorRetryHandler (bot/app.py build_slack_client) retries a 500/503
# three times, so a 503 answered four times in a row outlasts it and reaches the ledger. An
# `ok: false` error on HTTP 200 is not retried by the client at all.
FAULTS: dict[str, tuple[Callable[[SlackStandin], None], int]] = {
    "503_past_the_clients_retries": (
        lambda standin: standin.server_error("chat.postMessage", status=503, times=4),
        4,
    ),
    "internal_error_on_200": (
        lambda standin: standin.fail("chat.postMessage", "internal_error", times=1),
        1,
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_transient_slack_failure_is_retried_by_the_ledger_and_sent_once(
    org: LocalStack, fault: str
) -> None:
    standin, services = org.standin, org.runtime.services
    await tanaka_has_a_cadence(org)
    inject, refusals = FAULTS[fault]
    inject(standin)
    before = len(posts_to(standin, MEMBER_TANAKA))

    started = time.monotonic()
    report = await services.tick.run(REMINDER_DUE)
    spent = time.monotonic() - started

    # Slack was asked exactly as often as the client retries, and said no every time.
    tried = posts_to(standin, MEMBER_TANAKA)[before:]
    assert len(tried) == refusals
    assert reminders_to(standin, MEMBER_TANAKA, ok=False) == tried
    assert reminders_to(standin, MEMBER_TANAKA) == []
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)

    # The ledger keeps the row for another try after its backoff (30 s after the first failure).
    row = await reminder_row(org)
    assert row.status is DeliveryStatus.pending
    assert row.attempts == 1
    assert row.last_error == "internal_error"
    assert row.sent_at is None
    assert (row.claimed_at, row.claimed_by) == (None, None)
    assert backoff(1) == timedelta(seconds=30)
    earliest = REMINDER_DUE + backoff(1)
    assert earliest <= row.due_at <= earliest + timedelta(seconds=spent + 1)

    # Not before that time...
    early = await services.tick.run(row.due_at - timedelta(seconds=1))
    assert (early.sent, early.retried) == (0, 0)
    assert len(posts_to(standin, MEMBER_TANAKA)) == before + refusals
    still = await reminder_row(org)
    assert (still.status, still.attempts) == (DeliveryStatus.pending, 1)

    # ... and once it is due again, the reminder goes out: once.
    again = await services.tick.run(row.due_at)
    assert again.sent == 1
    [reminder] = reminders_to(standin, MEMBER_TANAKA)
    assert "佐藤 健一さんとの1on1は *明日 10:00* から(30分)です" in dump(reminder["blocks"])
    sent = await reminder_row(org)
    assert sent.status is DeliveryStatus.sent
    assert sent.attempts == 2
    assert sent.last_error is None
    assert sent.sent_at is not None

    # Later passes send nothing more.
    await services.tick.run(row.due_at + timedelta(minutes=10))
    await services.tick.run(row.due_at + backoff(2) + timedelta(hours=1))
    assert len(reminders_to(standin, MEMBER_TANAKA)) == 1
    assert len(posts_to(standin, MEMBER_TANAKA)) == before + refusals + 1
    assert (await reminder_row(org)).attempts == 2


# --- 2. a 429 pauses the process for Retry-After, then the send goes through ---------------------


async def test_a_429_from_the_tick_pauses_for_retry_after_and_sends_once(org: LocalStack) -> None:
    standin, services = org.standin, org.runtime.services
    await tanaka_has_a_cadence(org)
    standin.rate_limit("chat.postMessage", retry_after=1, times=1)
    before = len(standin.calls_to("chat.postMessage"))
    gate = services.ledger.gate
    assert gate.remaining == 0
    paused: list[float] = []

    async def watch_the_ledgers_gate() -> None:
        # The messenger's client shares the ledger's gate (bot/app.py build_core): a 429 it
        # sees pauses every send of the process. Polled: it is another component's state.
        async with asyncio.timeout(10):
            while gate.remaining == 0:  # noqa: ASYNC110
                await asyncio.sleep(0.005)
        paused.append(gate.remaining)

    watcher = asyncio.create_task(watch_the_ledgers_gate())
    report = await services.tick.run(REMINDER_DUE)
    await watcher

    calls = standin.calls_to("chat.postMessage")[before:]
    assert [(c.args["channel"], c.status) for c in calls] == [
        (MEMBER_TANAKA, 429),
        (MEMBER_TANAKA, 200),
    ]
    assert calls[1].ok
    # Retry-After was honoured: the second try came no sooner than a second after the 429...
    assert calls[1].at - calls[0].at >= 1.0
    # ... and the pause was the process-wide one, for (about) exactly Retry-After.
    assert len(paused) == 1
    assert 0.5 < paused[0] <= 1.0
    assert gate.remaining == 0

    # Waited out within the same pass: sent on the first attempt, no failure recorded.
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    assert len(reminders_to(standin, MEMBER_TANAKA)) == 1
    row = await reminder_row(org)
    assert row.status is DeliveryStatus.sent
    assert row.attempts == 1
    assert row.last_error is None

    await services.tick.run(REMINDER_DUE + timedelta(minutes=5))
    assert len(reminders_to(standin, MEMBER_TANAKA)) == 1
    assert len(standin.calls_to("chat.postMessage")) == before + 2


# --- 3. a language the org file left empty is learned from Slack ---------------------------------


async def test_a_language_left_empty_in_the_org_file_is_learned_from_users_info(
    org: LocalStack,
) -> None:
    standin = org.standin
    # 高橋 愛's row in bot/demo/sample_org.csv has neither locale nor time zone.
    takahashi = await person_id(org, MEMBER_TAKAHASHI)
    async with org.runtime.db.read() as session:
        before = await session.get(Person, takahashi)
    assert before is not None
    assert (before.locale, before.timezone) == (None, None)
    # Her Slack profile is in English (the stand-in's default for her is the org's ja-JP).
    standin.users[MEMBER_TAKAHASHI]["locale"] = "en-US"

    await org.driver.app_home_opened(MEMBER_TAKAHASHI)
    await standin.wait_for("views.publish")

    asked = [c for c in standin.calls_to("users.info") if c.args.get("user") == MEMBER_TAKAHASHI]
    assert len(asked) == 1
    home = dump(standin.home_tabs[MEMBER_TAKAHASHI]["blocks"])
    assert "Hello 高橋 愛" in home
    assert "never used for performance evaluation" in home
    assert "人事評価には使われません" not in home

    await org.runtime.services.people.drain()
    async with org.runtime.db.read() as session:
        learned = await session.get(Person, takahashi)
    assert learned is not None
    assert learned.locale == "en"
    assert learned.timezone == "Asia/Tokyo"

    # Remembered: the next visit is in English without asking Slack again.
    publishes = len(standin.calls_to("views.publish"))
    await org.driver.app_home_opened(MEMBER_TAKAHASHI)
    await standin.wait_for("views.publish", count=publishes + 1)
    again = [c for c in standin.calls_to("users.info") if c.args.get("user") == MEMBER_TAKAHASHI]
    assert len(again) == 1
    assert "never used for performance evaluation" in dump(
        standin.home_tabs[MEMBER_TAKAHASHI]["blocks"]
    )


# --- 4. `oneonone tick --at` sends what is due ---------------------------------------------------


def _cli(*args: str) -> Result:
    from bot.cli import app

    return CliRunner().invoke(app, list(args))


def _flat(result: Result) -> str:
    return " ".join(result.output.split())


async def _cli_reminder(database_url: str) -> Delivery:
    db = Database(database_url)
    try:
        async with db.read() as session:
            tanaka = (
                await session.exec(
                    select(Person).where(Person.email == "tanaka.shota@example.co.jp")
                )
            ).one()
            slots = (await session.exec(select(Slot))).all()
            first = min(slots, key=lambda s: s.starts_at)
            row = (
                await session.exec(
                    select(Delivery).where(
                        Delivery.key == delivery_key(Kind.member_reminder, first.id or 0)
                    )
                )
            ).one()
            assert row.person_id == tanaka.id
            return row
    finally:
        await db.dispose()


async def test_the_tick_command_sends_the_due_reminder_through_slack(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import cli as commands

    monkeypatch.setattr(commands, "CLOCK", CLOCK)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    people = tmp_path / "people.csv"
    people.write_text(sample_org_csv(), encoding="utf-8")

    async with SlackStandin() as standin:
        for user in slack_users(sample_org_csv(), locale="ja", timezone="Asia/Tokyo"):
            standin.add_user(**user)
        monkeypatch.setenv("SLACK_BOT_TOKEN", standin.token)
        monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        monkeypatch.setenv("SLACK_API_URL", standin.api_url)

        # Each command runs its own asyncio.run: in a thread, so the stand-in keeps serving.
        async def cli(*args: str) -> Result:
            return await asyncio.to_thread(_cli, *args)

        imported = await cli("org", "import", str(people))
        assert imported.exit_code == 0, imported.output
        cadence = await cli(
            *("pair", "cadence", "--leader", "sato.kenichi@example.co.jp"),
            *("--member", "tanaka.shota@example.co.jp"),
            *("--rrule", "DTSTART:20310603T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
            *("--timezone", "Asia/Tokyo"),
        )
        assert cadence.exit_code == 0, cadence.output
        assert "2031-06-03 10:00 JST" in _flat(cadence)
        row = await _cli_reminder(database_url)
        assert (row.status, row.due_at, row.attempts) == (DeliveryStatus.pending, REMINDER_DUE, 0)

        # A minute early: nothing is due, nothing is sent or touched.
        early = await cli("tick", "--at", "2031-06-02T09:59:00+09:00")
        assert early.exit_code == 0, early.output
        assert "sent=0" in _flat(early)
        assert standin.calls_to("chat.postMessage") == []
        assert (await _cli_reminder(database_url)).attempts == 0

        # Slack refuses the first time: the pass records the attempt for a retry.
        standin.fail("chat.postMessage", "internal_error", times=1)
        failed = await cli("tick", "--at", "2031-06-02T10:00:00+09:00")
        assert failed.exit_code == 0, failed.output
        assert "sent=0" in _flat(failed)
        assert "retried=1" in _flat(failed)
        attempted = await _cli_reminder(database_url)
        assert attempted.status is DeliveryStatus.pending
        assert (attempted.attempts, attempted.last_error) == (1, "internal_error")
        assert attempted.due_at >= REMINDER_DUE + backoff(1)

        # The next pass after the backoff sends it.
        at = (attempted.due_at + timedelta(seconds=1)).isoformat()
        sent = await cli("tick", "--at", at)
        assert sent.exit_code == 0, sent.output
        assert "sent=1" in _flat(sent)
        row = await _cli_reminder(database_url)
        assert row.status is DeliveryStatus.sent
        assert (row.attempts, row.last_error) == (2, None)
        assert row.sent_at is not None

        # And a pass run again at the same time sends nothing twice.
        repeat = await cli("tick", "--at", at)
        assert repeat.exit_code == 0, repeat.output
        assert "sent=0" in _flat(repeat)

    reminders = reminders_to(standin, MEMBER_TANAKA)
    assert len(reminders) == 1
    assert "佐藤 健一さんとの1on1は *明日 10:00* から(30分)です" in dump(reminders[0]["blocks"])
    assert [c.args["channel"] for c in standin.calls_to("chat.postMessage")] == [
        MEMBER_TANAKA,
        MEMBER_TANAKA,
    ]
