"""The foundation through real HTTP: signatures, health, retries, dedupe, Home, help."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.app import build_web_app
from bot.container import build_services
from bot.standin.stack import LocalStack
from handlers.slack import endpoint
from handlers.slack.messenger import SlackMessenger
from storage.db import SQLITE_POOL_SIZE, Database
from storage.models import ProcessedEvent
from tests.e2e.helpers import CLOCK, LEADER_SALES, MEMBER_EMILY, MEMBER_TANAKA


def _texts(view: dict[str, Any]) -> str:
    return json.dumps(view.get("blocks", []), ensure_ascii=False)


async def _processed_events(db: Database) -> int:
    async with db.read() as session:
        result = await session.exec(select(sa.func.count()).select_from(ProcessedEvent))
        return int(result.one())


async def test_bad_signature_and_stale_timestamp_get_401_and_change_nothing(
    org: LocalStack,
) -> None:
    driver, standin = org.driver, org.standin
    event = {
        "type": "event_callback",
        "team_id": standin.team_id,
        "event_id": "Ev0FORGED",
        "event": {"type": "app_home_opened", "user": MEMBER_TANAKA, "tab": "home"},
    }
    body = json.dumps(event).encode()

    forged = await driver.post(body, "application/json", signature="v0=" + "0" * 64)
    stale = await driver.post(body, "application/json", timestamp=int(time.time()) - 6 * 60)
    # Unsigned requests whose timestamp header is not a number, or missing, are refused the
    # same way (not a 500 from parsing it).
    odd = [
        await driver.post(body, "application/json", headers={"X-Slack-Request-Timestamp": ts})
        for ts in ("abc", "", "1e9", "٣٣", "99999999999999999999999")
    ]

    assert forged.status == 401
    assert stale.status == 401
    assert [r.status for r in odd] == [401] * len(odd)
    assert standin.calls_to("views.publish") == []
    assert await _processed_events(org.runtime.db) == 0

    # The same body, signed properly and on time, is served.
    good = await driver.post(body, "application/json")
    assert good.status == 200
    await standin.wait_for("views.publish")
    assert await _processed_events(org.runtime.db) == 1


async def test_healthz_checks_the_database(stack: LocalStack) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{stack.runtime.base_url}/healthz") as res:
            assert res.status == 200
            assert (await res.json())["database"] == "up"

        # The same server wiring over a database that is not there answers 503.
        away = Database("postgresql://nobody@127.0.0.1:1/none")
        services = build_services(
            away,
            messenger_factory=lambda people: SlackMessenger(AsyncWebClient(), people),
            default_locale="ja",
            default_timezone="Asia/Tokyo",
        )
        runner = web.AppRunner(build_web_app(services, stack.runtime.slack_app))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as res:
                assert res.status == 503
                assert (await res.json())["database"] == "down"
        finally:
            await runner.cleanup()
            await away.dispose()


async def test_healthz_answers_while_sqlite_is_locked_and_writers_queue(tmp_path: Path) -> None:
    # The lock and the pool of queued writers are SQLite's.
    async with LocalStack(f"sqlite:///{tmp_path / 'locked.db'}", clock=CLOCK) as stack:
        await _healthz_while_locked(stack)


async def _healthz_while_locked(stack: LocalStack) -> None:
    db = stack.runtime.db
    assert db.url.database is not None
    # Another process holds the write lock; more writers than the pool holds queue behind it.
    holder = sqlite3.connect(db.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")

    async def write() -> None:
        async with db.write() as session:
            await session.exec(sa.text("UPDATE setting SET value = value WHERE 0"))  # type: ignore[call-overload]

    writers = [asyncio.create_task(write()) for _ in range(SQLITE_POOL_SIZE + 5)]
    try:
        await asyncio.sleep(0.3)  # every pooled connection is now waiting for the lock
        async with (
            aiohttp.ClientSession() as http,
            asyncio.timeout(2),
            http.get(f"{stack.runtime.base_url}/healthz") as res,
        ):
            assert res.status == 200
            assert (await res.json())["database"] == "up"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await asyncio.gather(*writers)


async def test_healthz_gives_up_on_a_database_that_does_not_answer_within_a_second(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hangs() -> None:
        await asyncio.sleep(30)

    monkeypatch.setattr(stack.runtime.db, "ping", hangs)
    async with (
        aiohttp.ClientSession() as http,
        asyncio.timeout(3),
        http.get(f"{stack.runtime.base_url}/healthz") as res,
    ):
        assert res.status == 503
        assert (await res.json())["database"] == "down"


async def test_slow_and_vanishing_clients_are_cut_off_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoint, "BODY_READ_SECONDS", 0.5)
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\nX-Slack-Request-Timestamp: 1700000000\r\n\r\n{"a":'
    )
    async with LocalStack(f"sqlite:///{tmp_path / 'slow.db'}", clock=CLOCK) as stack:
        port = stack.runtime.port
        assert port is not None
        # Three clients that send a part of the body and leave...
        for _ in range(3):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head)
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.close()
        # ...and one that trickles it and never finishes: cut off after the read timeout.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head)
        await writer.drain()
        async with asyncio.timeout(5):
            status_line = await reader.readline()
        writer.close()
        assert status_line.startswith(b"HTTP/1.1 408"), status_line
        await asyncio.sleep(0.2)

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == []


async def test_metrics_answer_in_the_prometheus_text_format(stack: LocalStack) -> None:
    forged = await stack.driver.post(b"{}", "application/json", signature="v0=" + "0" * 64)
    assert forged.status == 401

    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{stack.runtime.base_url}/metrics") as res,
    ):
        assert res.status == 200
        assert res.headers["Content-Type"] == CONTENT_TYPE_LATEST
        exposition = await res.text()

    families = {f.name: f for f in text_string_to_metric_families(exposition)}
    assert families["oneonone_deliveries"].documentation == (
        "Outbound deliveries by kind and outcome"
    )
    requests = families["oneonone_slack_requests"].samples
    rejected = families["oneonone_slack_rejected"].samples
    assert [(s.name, s.value) for s in requests] == [("oneonone_slack_requests_total", 1)]
    assert [(s.name, s.value) for s in rejected] == [("oneonone_slack_rejected_total", 1)]
    assert "_created" not in exposition


async def test_home_shows_each_persons_pairs_in_their_language(org: LocalStack) -> None:
    driver, standin = org.driver, org.standin

    await driver.app_home_opened(LEADER_SALES)
    await driver.app_home_opened(MEMBER_EMILY)
    await standin.wait_for("views.publish", count=2)

    leader_home = _texts(standin.home_tabs[LEADER_SALES])
    assert "田中 翔太" in leader_home
    assert "高橋 愛" in leader_home
    assert "伊藤 大輔" not in leader_home  # another leader's member
    assert "人事評価には使われません" in leader_home

    english_home = _texts(standin.home_tabs[MEMBER_EMILY])
    assert "鈴木 美咲" in english_home  # her leader
    assert "never used for performance evaluation" in english_home


async def test_unknown_user_gets_a_localized_how_to_get_set_up(org: LocalStack) -> None:
    org.standin.add_user("U0STRANGER", name="stranger", locale="en-US")
    await org.driver.app_home_opened("U0STRANGER")
    await org.standin.wait_for("views.publish")
    assert "Ask HR or an admin" in _texts(org.standin.home_tabs["U0STRANGER"])

    response = await org.driver.slash_command("U0STRANGER", "")
    assert response.status == 200


async def test_slack_retries_of_an_event_run_it_once(org: LocalStack) -> None:
    event = {"type": "app_home_opened", "user": MEMBER_TANAKA, "tab": "home"}
    first = await org.driver.event(event, event_id="Ev0RETRIED")
    retry = await org.driver.event(event, event_id="Ev0RETRIED", retry_num=1)
    assert first.status == retry.status == 200
    await org.standin.wait_for("views.publish")
    # Give a wrongly repeated run the chance to show up before asserting it did not.
    another = await org.driver.event(event, event_id="Ev0OTHER")
    assert another.status == 200
    await org.standin.wait_for("views.publish", count=2)
    assert len(org.standin.calls_to("views.publish")) == 2
    assert org.runtime.services.metrics.value("oneonone_slack_events_deduplicated_total") == 1


async def test_web_api_429_is_retried_after_retry_after(org: LocalStack) -> None:
    org.standin.rate_limit("views.publish", retry_after=1)
    started = time.monotonic()
    await org.driver.app_home_opened(MEMBER_TANAKA)
    calls = await org.standin.wait_for("views.publish", count=2, timeout=10)
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 0.9
    assert MEMBER_TANAKA in org.standin.home_tabs
    assert time.monotonic() - started < 10


async def test_web_api_5xx_is_retried(org: LocalStack) -> None:
    org.standin.server_error("views.publish", status=503)
    await org.driver.app_home_opened(MEMBER_TANAKA)
    calls = await org.standin.wait_for("views.publish", count=2, timeout=10)
    assert [c.status for c in calls] == [503, 200]


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        (MEMBER_TANAKA, "help", "1on1ボットの使い方"),
        (MEMBER_TANAKA, "よくわからない言葉", "1on1ボットの使い方"),
        (MEMBER_EMILY, "help", "How to use the 1on1 bot"),
    ],
)
async def test_help_in_the_callers_language(
    org: LocalStack, user: str, text: str, expected: str
) -> None:
    response = await org.driver.slash_command(user, text)
    # Acked at once with an empty body; the help follows through the response URL.
    assert response.status == 200
    assert response.text == ""
    replies = await org.standin.wait_for("response_url")
    assert len(replies) == 1
    payload = replies[0].args
    assert payload["response_id"] == response.sent["response_url"].rsplit("/", 1)[1]
    assert payload["response_type"] == "ephemeral"
    assert expected in json.dumps(payload["blocks"], ensure_ascii=False)


async def test_help_for_someone_outside_the_org_is_in_slacks_language(
    org: LocalStack,
) -> None:
    org.standin.add_user("U0OUTSIDER", name="visitor", locale="en-US")
    response = await org.driver.slash_command("U0OUTSIDER", "help")
    assert (response.status, response.text) == (200, "")
    replies = await org.standin.wait_for("response_url")
    assert "How to use the 1on1 bot" in json.dumps(replies[0].args["blocks"])


async def test_database_briefly_away_gets_a_clear_message_and_serving_continues(
    org: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = org.runtime.services.people

    async def database_away(slack_id: str) -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(people, "by_slack_id", database_away)
    await org.driver.app_home_opened(MEMBER_TANAKA)
    await org.driver.slash_command(MEMBER_TANAKA, "help")
    replies = await org.standin.wait_for("response_url")
    assert "データベースに接続できません" in replies[0].args["text"]
    assert org.runtime.services.metrics.value("oneonone_errors_total", kind="OperationalError") >= 1

    monkeypatch.undo()
    await org.driver.app_home_opened(MEMBER_TANAKA)
    await org.standin.wait_for("views.publish")
    assert "田中 翔太" in _texts(org.standin.home_tabs[MEMBER_TANAKA])


async def test_a_signed_request_bolt_could_not_read_gets_a_quiet_200(
    stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    odd = {"type": "block_actions", "team": ["T0"], "user": {"id": 7}, "actions": "x"}
    body = ("payload=" + json.dumps(odd)).encode()

    signed = await stack.driver.post(body, "application/x-www-form-urlencoded")
    unsigned = await stack.driver.post(
        body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64
    )

    assert signed.status == 200
    assert unsigned.status == 401  # unsigned stays refused, whatever its shape
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert any("not readable" in r.getMessage() for r in caplog.records)
