"""A Teams command in the bot's personal chat, end to end, against a bare botbuilder bot
measured in the same run.

    python -m bench.bench_teams_command [--people 10000] [--slots 100000] [--requests 2000]
        [--concurrency 16] [--rounds 3] [--pool 500] [--database-url URL] [--strict]

The command is COMMAND (one constant: the word people type). Builds a fresh SQLite file in a
temp dir (or uses an *empty* database given with --database-url), starts the real server
Teams-only against the Teams stand-in (its token issuer, its login over TLS, its Bot Connector),
imports a generated org of --people whose --pool people have Teams ids, inserts --slots past
slots, and posts message activities, each with a fresh channel token signed by the stand-in as
Bot Framework signs them, at two servers:

- ours: the product's `POST /api/messages` (the token checked by botbuilder's own validation,
  the turn, the reply through the Bot Connector);
- bare: botbuilder's stock aiohttp CloudAdapter and an ActivityHandler that replies with a
  fixed Adaptive Card, configured with the same Bot Framework settings and the same cached
  login (so neither logs in per turn).

Two processes, as in bench_slash_command: this one serves both bots (one under load at a time);
a load process runs the Teams stand-in and the driver, so signing tokens and recording calls is
charged to neither bot. The bare bot's card carries the text ours answered during its warm-up,
so reply bytes cost both alike and the ratio measures our own work per request.

A request is complete when its HTTP answer has come back and the stand-in has recorded the
reply to its activity (botbuilder sends the reply inside the turn, before answering). Latency
runs from just before the request is sent to the later of the two. Rounds alternate ours /
bare; the median round of each is reported.

Exit status: 1 on errors (a non-2xx answer, a reply missing or refused), 2 with --strict when a
target is missed (ratio >= 0.7, ours p99 < 100 ms), else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import multiprocessing
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection as PipeEnd
from pathlib import Path
from typing import Any

from aiohttp import web
from botbuilder.core import ActivityHandler, CardFactory, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bench.bench_org_import import generate, to_csv
from bench.bench_slash_command import Round, insert_past_slots, median_round
from bot.app import Runtime, build_runtime, freeze_start_up_objects
from bot.config import Settings
from bot.features.org.importer import import_org
from bot.standin.teams import TeamsCall, TeamsDriver, TeamsStandin
from handlers.teams.auth import (
    CachedCredentialsFactory,
    LoginTokens,
    authority,
    bot_framework_configuration,
)

# The word sent to the bot; the path measured is that command's reply.
COMMAND = "help"
CLIENT_LOCALE = "ja-JP"
TARGET_RATIO = 0.7
TARGET_P99_MS = 100.0
REPLY_TIMEOUT = 5.0
LOCALE = "ja"
TIMEZONE = "Asia/Tokyo"


def bare_card(text: str) -> dict[str, Any]:
    """The bare bot's fixed answer: an Adaptive Card (schema 1.5) carrying ``text``."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
    }


# --- the load process: the Teams stand-in and the driver ------------------------------------------


class ReplyWatch(list[TeamsCall]):
    """Stands in for ``TeamsStandin.calls`` and wakes the request waiting on each reply (keyed
    by the activity it replies to): scanning the records per request would cost more than the
    requests measured."""

    def __init__(self) -> None:
        super().__init__()
        self._arrived: dict[str, TeamsCall] = {}
        self._waiters: dict[str, asyncio.Future[TeamsCall]] = {}

    def append(self, call: TeamsCall, /) -> None:
        super().append(call)
        if call.operation != "reply_to_activity" or call.activity_id is None:
            return
        waiter = self._waiters.pop(call.activity_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(call)
        else:
            self._arrived[call.activity_id] = call

    async def wait(self, activity_id: str) -> TeamsCall:
        call = self._arrived.pop(activity_id, None)
        if call is not None:
            return call
        waiter: asyncio.Future[TeamsCall] = asyncio.get_running_loop().create_future()
        self._waiters[activity_id] = waiter
        try:
            async with asyncio.timeout(REPLY_TIMEOUT):
                return await waiter
        finally:
            self._waiters.pop(activity_id, None)

    def reset(self) -> None:
        self.clear()
        self._arrived.clear()


@dataclass(frozen=True)
class StandinInfo:
    """What the bots need to know of the stand-in running in the load process."""

    app_id: str
    app_password: str
    tenant_id: str
    openid_metadata_url: str
    login_url: str
    ca_file: str


@dataclass(frozen=True)
class TeamsUserSpec:
    user_id: str
    name: str
    email: str
    aad_object_id: str


@dataclass(frozen=True)
class RoundOrder:
    label: str
    messages_url: str
    users: list[str]
    concurrency: int


async def run_round(
    order: RoundOrder, driver: TeamsDriver, standin: TeamsStandin, watch: ReplyWatch
) -> Round:
    """One message per entry of ``order.users``, ``order.concurrency`` in flight at a time."""
    watch.reset()
    # Replies pile up in the stand-in; a long run would otherwise measure the allocator.
    standin.activities.clear()
    result = Round(order.label, len(order.users), calls_name="Bot Connector")
    todo = iter(order.users)
    starts: list[float] = []
    ends: list[float] = []

    async def worker() -> None:
        for user_id in todo:
            activity = driver.personal_message(user_id, COMMAND, locale=CLIENT_LOCALE)
            t0 = time.monotonic()
            starts.append(t0)
            try:
                response = await driver.post(activity)
            except Exception as exc:
                result.errors.append(f"{user_id}: {type(exc).__name__}: {exc}")
                continue
            answered = time.monotonic()
            if not 200 <= response.status < 300:
                result.errors.append(f"{user_id}: HTTP {response.status} {response.text[:200]}")
                continue
            try:
                call = await watch.wait(str(activity["id"]))
            except TimeoutError:
                result.errors.append(f"{user_id}: no reply within {REPLY_TIMEOUT} s")
                continue
            if not call.ok:
                result.errors.append(f"{user_id}: reply refused: HTTP {call.status}")
                continue
            done = max(answered, call.at)
            result.latencies_ms.append((done - t0) * 1000)
            ends.append(done)

    cpu = time.process_time()
    await asyncio.gather(*(worker() for _ in range(order.concurrency)))
    result.load_cpu_s = time.process_time() - cpu
    if starts and ends:
        result.wall_s = max(ends) - min(starts)
    result.api_calls = Counter(c.operation for c in watch)
    return result


def load_process(conn: PipeEnd) -> None:
    """Entry point of the load process: serve the stand-in, run the rounds it is sent."""
    asyncio.run(_load_main(conn))


async def _load_main(conn: PipeEnd) -> None:
    standin = TeamsStandin()
    watch = ReplyWatch()
    standin.calls = watch
    await standin.start()
    drivers: dict[str, TeamsDriver] = {}
    conn.send(
        StandinInfo(
            app_id=standin.app_id,
            app_password=standin.app_password,
            tenant_id=standin.tenant_id,
            openid_metadata_url=standin.openid_metadata_url,
            login_url=standin.login_url,
            ca_file=standin.ca_file,
        )
    )
    try:
        while True:
            # Waiting in a thread keeps the stand-in answering between orders.
            kind, arg = await asyncio.to_thread(conn.recv)
            if kind == "stop":
                break
            if kind == "users":
                for spec in arg:
                    user = standin.add_user(spec.user_id, name=spec.name, email=spec.email)
                    user.aad_object_id = spec.aad_object_id
                conn.send(len(arg))
            elif kind == "last_reply":
                replies = [c.body for c in watch if c.operation == "reply_to_activity" and c.ok]
                conn.send(replies[-1] if replies else None)
            elif kind == "round":
                order: RoundOrder = arg
                # The load process's own collector, out of the measured time.
                gc.collect()
                gc.freeze()
                if order.messages_url not in drivers:
                    drivers[order.messages_url] = TeamsDriver(order.messages_url, standin)
                conn.send(await run_round(order, drivers[order.messages_url], standin, watch))
    finally:
        for driver in drivers.values():
            await driver.close()
        await standin.stop()


class LoadProcess:
    """The server side's handle on the load process."""

    def __init__(self) -> None:
        # spawn: a fork would copy this process's event loop, engine and sockets.
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=load_process, args=(child,), daemon=True)
        self._child = child
        self.info: StandinInfo | None = None

    async def start(self) -> StandinInfo:
        self._process.start()
        self._child.close()
        info: StandinInfo = await asyncio.to_thread(self._conn.recv)
        self.info = info
        return info

    async def _ask(self, kind: str, arg: Any = None) -> Any:
        self._conn.send((kind, arg))
        # Wait in a thread: this loop keeps serving the requests the load process sends.
        return await asyncio.to_thread(self._conn.recv)

    async def add_users(self, users: list[TeamsUserSpec]) -> None:
        await self._ask("users", users)

    async def last_reply(self) -> dict[str, Any] | None:
        reply: dict[str, Any] | None = await self._ask("last_reply")
        return reply

    async def run_round(self, order: RoundOrder) -> Round:
        cpu = time.process_time()
        result: Round = await self._ask("round", order)
        result.cpu_s = time.process_time() - cpu
        return result

    async def stop(self) -> None:
        if self._process.is_alive():
            self._conn.send(("stop", None))
            await asyncio.to_thread(self._process.join, 10)
        if self._process.is_alive():
            self._process.kill()
        self._conn.close()


# --- the bare bot ---------------------------------------------------------------------------------


class BareBot(ActivityHandler):  # type: ignore[misc]
    """Answers every message with one fixed card, built once."""

    def __init__(self) -> None:
        self.card: dict[str, Any] = bare_card("1on1")

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(
            MessageFactory.attachment(CardFactory.adaptive_card(self.card))
        )


class BareServer:
    """botbuilder's stock aiohttp integration: CloudAdapter.process on POST /api/messages."""

    def __init__(self, settings: Settings, ca_file: str) -> None:
        tokens = LoginTokens(
            settings.microsoft_app_id,
            settings.microsoft_app_password,
            authority(settings),
            ca_file=ca_file,
        )
        authentication = ConfigurationBotFrameworkAuthentication(
            bot_framework_configuration(settings),
            credentials_factory=CachedCredentialsFactory(settings.microsoft_app_id, tokens),
        )
        self.adapter = CloudAdapter(authentication)
        self.bot = BareBot()
        self.web_app = web.Application()
        self.web_app.router.add_post("/api/messages", self._messages)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        response: web.StreamResponse = await self.adapter.process(request, self.bot)
        return response

    def answer_with_text_of(self, reply: dict[str, Any]) -> None:
        """From now on answer with a card carrying what ours answered, so both send as much."""
        attachments = reply.get("attachments") or []
        for attachment in attachments:
            if attachment.get("contentType") == CardFactory.content_types.adaptive_card:
                self.bot.card = copy.deepcopy(attachment["content"])
                return
        self.bot.card = bare_card(str(reply.get("text") or "1on1"))

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web_app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


# --- the run --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    people: int
    slots: int
    requests: int
    concurrency: int
    rounds: int
    warmup: int
    pool: int
    database_url: str | None
    strict: bool


def teams_settings(info: StandinInfo, database_url: str) -> Settings:
    """Teams only, pointed at the stand-in, as `oneonone serve` would read it."""
    return Settings(
        microsoft_app_id=info.app_id,
        microsoft_app_password=info.app_password,
        microsoft_app_tenant_id=info.tenant_id,
        microsoft_openid_metadata_url=info.openid_metadata_url,
        microsoft_login_url=info.login_url,
        database_url=database_url,
        host="127.0.0.1",
        port=0,
        oneonone_locale=LOCALE,
        oneonone_timezone=TIMEZONE,
        _env_file=None,
    )


def pool_users(
    rows: list[dict[str, str]], indexes: list[int]
) -> tuple[list[TeamsUserSpec], list[dict[str, str]]]:
    """The pool's Teams users, and the org rows with their Azure AD object ids as teams_id."""
    rows = [dict(row) for row in rows]
    users: list[TeamsUserSpec] = []
    for index in indexes:
        row = rows[index]
        aad = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-teams:{row['email']}"))
        row["teams_id"] = aad
        users.append(TeamsUserSpec(f"29:bench-{index}", row["name"], row["email"], aad))
    return users, rows


async def run(opts: Options, workdir: Path) -> int:
    url = opts.database_url or f"sqlite:///{workdir / 'bench.db'}"
    load = LoadProcess()
    info = await load.start()
    runtime: Runtime | None = None
    bare: BareServer | None = None
    rounds: dict[str, list[Round]] = {"ours": [], "bare": []}
    failures: list[str] = []
    try:
        settings = teams_settings(info, url)
        runtime = await build_runtime(settings, teams_ca_file=info.ca_file)
        await runtime.start(with_scheduler=False)
        db = runtime.db
        print(f"database: {db.url.render_as_string()}; command: {COMMAND!r}")

        gen = generate(opts.people)
        rng = random.Random(14)
        members = gen.members or list(range(len(gen.rows)))
        indexes = rng.sample(members, k=min(opts.pool, len(members)))
        users, rows = pool_users(gen.rows, indexes)
        started = time.perf_counter()
        report = await import_org(db, to_csv(rows))
        if report.people_created != len(rows):
            print(f"FAIL: org import created {report.people_created} people", file=sys.stderr)
            return 1
        await load.add_users(users)
        slots = await insert_past_slots(db, opts.slots, now=datetime.now(UTC))
        print(
            f"data: {len(rows)} people, {len(users)} of them on Teams, {slots} past slots "
            f"({time.perf_counter() - started:.1f} s)"
        )

        bare = BareServer(settings, info.ca_file)
        await bare.start()
        freeze_start_up_objects()
        urls = {
            "ours": f"{runtime.base_url}/api/messages",
            "bare": f"{bare.base_url}/api/messages",
        }
        pool = [u.user_id for u in users]

        def order(label: str, name: str, chosen: list[str]) -> RoundOrder:
            return RoundOrder(label, urls[name], chosen, opts.concurrency)

        print(
            "per round: throughput, latency from send to the reply recorded, and CPU per request "
            "of the server process (ours and bare, one under load at a time) and of the load "
            "process (stand-in and driver)"
        )
        warm = list(pool)
        warm += [rng.choice(pool) for _ in range(max(0, opts.warmup - len(warm)))]
        result = await load.run_round(order("ours warm-up", "ours", warm))
        print(result.line())
        failures += _failures(result)
        sample = await load.last_reply()
        if sample is not None:
            bare.answer_with_text_of(sample)
        result = await load.run_round(order("bare warm-up", "bare", warm))
        print(result.line())
        failures += _failures(result)
        for n in range(opts.rounds):
            chosen = [rng.choice(pool) for _ in range(opts.requests)]
            names = ("ours", "bare") if n % 2 == 0 else ("bare", "ours")
            for name in names:
                result = await load.run_round(order(f"{name} round {n + 1}", name, chosen))
                print(result.line())
                failures += _failures(result)
                rounds[name].append(result)
    finally:
        if bare is not None:
            await bare.stop()
        if runtime is not None:
            await runtime.stop()
        await load.stop()

    ours, base = median_round(rounds["ours"]), median_round(rounds["bare"])
    ratio = ours.rps / base.rps if base.rps > 0 else 0.0
    print()
    print(
        f"Teams {COMMAND!r} -> reply: {opts.requests} requests x {opts.rounds} rounds, "
        f"concurrency {opts.concurrency}, median round; server and load in separate processes"
    )
    print(f"{'':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms/req':>11}")
    for name, r in (("ours", ours), ("bare botbuilder", base)):
        cpu_ms = r.cpu_s * 1000 / max(1, r.requests)
        print(f"{name:<16} {r.rps:8.1f} {r.p50:8.1f} {r.p99:8.1f} {cpu_ms:11.2f}")
    print(f"ratio (ours/bare): {ratio:.2f}")
    ratio_ok = ratio >= TARGET_RATIO
    p99_ok = ours.p99 < TARGET_P99_MS
    verdict = "PASS" if ratio_ok and p99_ok else "MISS"
    print(
        f"verdict: {verdict}  ratio {ratio:.2f} {'>=' if ratio_ok else '<'} {TARGET_RATIO}, "
        f"ours p99 {ours.p99:.1f} ms {'<' if p99_ok else '>='} {TARGET_P99_MS:.0f} ms"
    )
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if failures:
        return 1
    return 2 if opts.strict and verdict != "PASS" else 0


def _failures(result: Round, shown: int = 5) -> list[str]:
    found = [f"{result.label}: {error}" for error in result.errors[:shown]]
    if len(result.errors) > shown:
        found.append(f"{result.label}: ... and {len(result.errors) - shown} more")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--slots", type=int, default=100_000, help="past slots to insert")
    parser.add_argument("--requests", type=int, default=2_000, help="requests per round")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per bot")
    parser.add_argument(
        "--warmup", type=int, default=50, help="warm-up requests per bot (at least the pool)"
    )
    parser.add_argument("--pool", type=int, default=500, help="distinct Teams users")
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty database to use (default: a fresh SQLite file in a temp dir)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    args = parser.parse_args(argv)
    if args.people < 10:
        parser.error("--people must be at least 10")
    if min(args.requests, args.concurrency, args.rounds, args.pool) < 1:
        parser.error("--requests, --concurrency, --rounds and --pool must be positive")
    opts = Options(
        people=args.people,
        slots=args.slots,
        requests=args.requests,
        concurrency=args.concurrency,
        rounds=args.rounds,
        warmup=args.warmup,
        pool=args.pool,
        database_url=args.database_url,
        strict=args.strict,
    )
    with tempfile.TemporaryDirectory(prefix="bench-teams-") as tmp:
        return asyncio.run(run(opts, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
