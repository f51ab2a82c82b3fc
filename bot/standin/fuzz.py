"""Correctly signed Slack requests with odd contents, from a seed: the fuzz test and bench.

Each case starts from a request the bot handles (a slash command, a button in a modal or a
message, a form submission, a closed modal, a shortcut, a memo-thread message, Home opened)
and changes one to three of its values: a field dropped, a string where a number was, a
number out of any database's range, a lone surrogate, a NUL, a very long text, a list where
a string was. Ids name the target org's real pairs, slots and tips, so a stranger's requests
test the privacy checks too. `envelope` marks cases whose change touches what Bolt itself
parses (type, team, user, the view's id): those may be unroutable, never a 5xx.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import random
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import select

from bot.core.clock import Clock
from bot.standin.driver import FORM, JSON_TYPE, SlackDriver
from bot.standin.stack import LocalStack
from storage.models import Pair, Slot, Tip

JSON = dict[str, Any]

ODD_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    2**31,
    2**63,
    2**70,
    "2147483648",
    "9" * 30,
    "",
    " ",
    "\ud800",
    "a\x00b",
    "長" * 5000,
    [],
    {},
    ["1"],
    {"id": "1"},
    "<!channel>",
    "not-an-id",
    "-1",
    "1e9",
)

# The keys Bolt reads to route and authorize a request: changing these may leave a request
# that no listener takes (Bolt's 404), which is not the bot's failure.
ENVELOPE_KEYS = frozenset(
    {
        "type",
        "team",
        "user",
        "api_app_id",
        "token",
        "view",
        "container",
        "actions",
        "event",
        "callback_id",
        "command",
        "team_id",
        "user_id",
        "action_id",
        "enterprise",
        "channel",
    }
)


@dataclass(frozen=True)
class Target:
    """What the cases aim at: the acting users and the ids of real rows."""

    users: Sequence[str]
    pair_ids: Sequence[int]
    slot_ids: Sequence[int]
    tip_ids: Sequence[int]
    action_ids: Sequence[str]
    callback_ids: Sequence[str]
    channels: Sequence[str] = ()


@dataclass
class Case:
    kind: str
    body: bytes
    content_type: str
    envelope: bool
    changes: list[str] = field(default_factory=list)


class Fuzzer:
    def __init__(self, driver: SlackDriver, target: Target, seed: int) -> None:
        self._driver = driver
        self._target = target
        self._rng = random.Random(seed)

    # --- cases ---------------------------------------------------------------------------------

    def case(self) -> Case:
        kind = self._rng.choice(
            [
                "slash",
                "block_actions_view",
                "block_actions_message",
                "view_submission",
                "view_closed",
                "shortcut",
                "message_action",
                "event_message",
                "event_changed",
                "event_deleted",
                "event_home",
            ]
        )
        base = getattr(self, f"_{kind}")()
        changes: list[str] = []
        envelope = False
        for _ in range(self._rng.randint(1, 3)):
            path = self._mutate(base)
            if path:
                changes.append(path)
                envelope = envelope or any(part in ENVELOPE_KEYS for part in path.split("."))
        if kind == "slash":
            fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in base.items()}
            body = urlencode(fields, errors="surrogatepass").encode()
            return Case(kind, body, FORM, envelope, changes)
        if kind.startswith("event"):
            body = json.dumps(base).encode()
            return Case(kind, body, JSON_TYPE, envelope, changes)
        body = urlencode({"payload": json.dumps(base)}).encode()
        return Case(kind, body, FORM, envelope, changes)

    async def send(self, case: Case) -> tuple[int, float]:
        """Post the case, signed as Slack signs; the status and the seconds it took."""
        started = time.monotonic()
        response = await self._driver.post(case.body, case.content_type)
        return response.status, time.monotonic() - started

    # --- the requests the bot handles, before they are changed ---------------------------------

    def _user(self) -> str:
        return self._rng.choice(list(self._target.users))

    def _id(self) -> str:
        pool = [*self._target.pair_ids, *self._target.slot_ids, *self._target.tip_ids, 0]
        return str(self._rng.choice(pool))

    def _slash(self) -> JSON:
        user = self._user()
        words = ["", "help", "memo", "schedule", "tip", "tips 傾聴", "config", "todo", "x" * 300]
        return {
            "token": self._driver.verification_token,
            "team_id": self._driver.team_id,
            "team_domain": self._driver.team_domain,
            "channel_id": self._driver._dm(user),
            "channel_name": "directmessage",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/1on1",
            "text": self._rng.choice(words),
            "api_app_id": self._driver.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._driver._response_url(),
            "trigger_id": self._driver._trigger_id(user),
        }

    def _action(self) -> JSON:
        action_id = self._rng.choice(list(self._target.action_ids))
        action: JSON = {
            "action_id": action_id,
            "block_id": f"{action_id}{self._id()}",
            "type": "button",
            "value": self._id(),
            "action_ts": f"{time.time():.6f}",
        }
        if self._rng.random() < 0.4:
            action["type"] = "static_select"
            action["selected_option"] = {"value": self._id(), "text": {"type": "plain_text"}}
        if self._rng.random() < 0.2:
            action["type"] = "checkboxes"
            action["selected_options"] = [{"value": self._id()}]
        return action

    def _view(self) -> JSON:
        return {
            "id": f"V0{secrets.token_hex(4).upper()}",
            "type": self._rng.choice(["modal", "home"]),
            "callback_id": self._rng.choice(list(self._target.callback_ids)),
            "private_metadata": json.dumps(
                {"pair_id": int(self._id()), "slot_id": int(self._id()), "tip_id": int(self._id())}
            ),
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "blocks": [],
            "state": {"values": self._values()},
        }

    def _values(self) -> JSON:
        values: JSON = {}
        for action_id in self._rng.sample(list(self._target.action_ids), 3):
            values[action_id] = {
                action_id: {"type": "plain_text_input", "value": self._rng.choice(["メモ", ""])}
            }
        return values

    def _block_actions_view(self) -> JSON:
        user, view = self._user(), self._view()
        return self._driver._interactive(
            "block_actions",
            user,
            trigger_id=self._driver._trigger_id(user),
            actions=[self._action()],
            container={"type": "view", "view_id": view["id"]},
            view=view,
        )

    def _block_actions_message(self) -> JSON:
        user = self._user()
        channel = self._rng.choice([*self._target.channels, self._driver._dm(user)])
        ts = f"{time.time():.6f}"
        return self._driver._interactive(
            "block_actions",
            user,
            trigger_id=self._driver._trigger_id(user),
            actions=[self._action()],
            container={"type": "message", "message_ts": ts, "channel_id": channel},
            channel={"id": channel, "name": "directmessage"},
            message={"ts": ts, "text": "", "blocks": []},
            state={"values": {}},
            response_url=self._driver._response_url(),
        )

    def _view_submission(self) -> JSON:
        user = self._user()
        return self._driver._interactive(
            "view_submission",
            user,
            trigger_id=self._driver._trigger_id(user),
            view=self._view(),
            response_urls=[],
        )

    def _view_closed(self) -> JSON:
        return self._driver._interactive(
            "view_closed", self._user(), view=self._view(), is_cleared=False
        )

    def _shortcut(self) -> JSON:
        user = self._user()
        return self._driver._interactive(
            "shortcut",
            user,
            callback_id=self._rng.choice(["make_todo", "unknown_shortcut"]),
            trigger_id=self._driver._trigger_id(user),
            action_ts=f"{time.time():.6f}",
        )

    def _message_action(self) -> JSON:
        user = self._user()
        channel = self._rng.choice([*self._target.channels, self._driver._dm(user)])
        ts = f"{time.time():.6f}"
        return self._driver._interactive(
            "message_action",
            user,
            callback_id="make_todo",
            trigger_id=self._driver._trigger_id(user),
            action_ts=ts,
            message_ts=ts,
            message={"ts": ts, "text": "見積もりを送る", "user": user, "thread_ts": ts},
            channel={"id": channel, "name": "mpdm"},
            response_url=self._driver._response_url(),
        )

    def _envelope(self, event: JSON) -> JSON:
        return {
            "token": self._driver.verification_token,
            "team_id": self._driver.team_id,
            "api_app_id": self._driver.api_app_id,
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback",
            "event_id": f"Ev0{secrets.token_hex(5).upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": self._driver.team_id, "user_id": "U0BOT", "is_bot": True}
            ],
        }

    def _channel(self) -> str:
        return self._rng.choice([*self._target.channels, "G0NOWHERE"])

    def _event_message(self) -> JSON:
        ts = f"{time.time():.6f}"
        return self._envelope(
            {
                "type": "message",
                "user": self._user(),
                "text": self._rng.choice(["メモです", "次回: 数字の根拠", ""]),
                "ts": ts,
                "thread_ts": f"{time.time() - 60:.6f}",
                "channel": self._channel(),
                "channel_type": "mpim",
            }
        )

    def _event_changed(self) -> JSON:
        ts = f"{time.time():.6f}"
        return self._envelope(
            {
                "type": "message",
                "subtype": "message_changed",
                "channel": self._channel(),
                "channel_type": "mpim",
                "message": {"user": self._user(), "text": "直しました", "ts": ts, "thread_ts": ts},
                "previous_message": {"ts": ts},
            }
        )

    def _event_deleted(self) -> JSON:
        ts = f"{time.time():.6f}"
        return self._envelope(
            {
                "type": "message",
                "subtype": "message_deleted",
                "channel": self._channel(),
                "channel_type": "mpim",
                "deleted_ts": ts,
                "previous_message": {"ts": ts, "user": self._user(), "thread_ts": ts},
            }
        )

    def _event_home(self) -> JSON:
        user = self._user()
        return self._envelope(
            {
                "type": "app_home_opened",
                "user": user,
                "channel": self._driver._dm(user),
                "tab": "home",
            }
        )

    # --- changes ---------------------------------------------------------------------------------

    def _mutate(self, doc: JSON) -> str:
        """Change one value somewhere in `doc`; the dotted path changed."""
        path: list[str] = []
        node: Any = doc
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                return ".".join(path)
            key = self._rng.choice(keys)
            child = node[key]
            descend = isinstance(child, (dict, list)) and child and self._rng.random() < 0.6
            if not descend:
                path.append(str(key))
                if isinstance(node, dict) and self._rng.random() < 0.25:
                    del node[key]
                else:
                    node[key] = copy.deepcopy(self._rng.choice(ODD_VALUES))
                return ".".join(path)
            path.append(str(key))
            node = child


# --- a whole run against the real server ----------------------------------------------------------

CONTENT_TABLES = (
    "pair",
    "slot",
    "agenda",
    "agenda_item",
    "memo_entry",
    "action_item",
    "reflection",
    "tip",
    "tip_helpful",
)


@dataclass
class FuzzReport:
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)  # kind and changes of each 5xx
    lost_acks: list[str] = field(default_factory=list)  # 404 for a request a listener took
    tracebacks: int = 0
    error_lines: list[str] = field(default_factory=list)
    changed_tables: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        by_status = ", ".join(f"{k}: {v:,}" for k, v in sorted(self.statuses.items()))
        return (
            f"{self.requests:,} requests in {self.seconds:.1f} s ({by_status}); "
            f"5xx {len(self.server_errors)}, 404 from a lost ack {len(self.lost_acks)}, "
            f"tracebacks {self.tracebacks}, error lines {len(self.error_lines)}, "
            f"tables changed by strangers {self.changed_tables or 'none'}"
        )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _snapshot(stack: LocalStack) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with stack.runtime.db.engine.connect() as conn:
        for table in CONTENT_TABLES:
            result = await conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))
            rows[table] = [tuple(row) for row in result]
    return rows


async def _target(stack: LocalStack, strangers: Sequence[str]) -> Target:
    from handlers.slack import ids

    db = stack.runtime.db
    now = stack.clock.now()
    async with db.write() as session:
        pairs = list((await session.exec(select(Pair))).all())
        for pair in pairs[:3]:
            assert pair.id is not None
            session.add(Slot(pair_id=pair.id, starts_at=now - timedelta(minutes=2)))
    # The first slots start now: their memo threads open, so strangers can post into them.
    await stack.runtime.services.tick.run(now)
    async with db.read() as session:
        slots = list((await session.exec(select(Slot))).all())
        tips = list((await session.exec(select(Tip))).all())
    action_ids = sorted(
        value
        for name, value in vars(ids).items()
        if name.isupper() and isinstance(value, str) and not name.endswith("_CALLBACK")
    )
    callback_ids = sorted(
        value
        for name, value in vars(ids).items()
        if name.endswith("_CALLBACK") and isinstance(value, str)
    )
    return Target(
        users=list(strangers),
        pair_ids=[p.id for p in pairs if p.id is not None],
        slot_ids=[s.id for s in slots if s.id is not None],
        tip_ids=[t.id for t in tips if t.id is not None][:5],
        action_ids=action_ids,
        callback_ids=callback_ids,
        channels=sorted({s.memo_conversation for s in slots if s.memo_conversation}),
    )


async def run_fuzz(
    database_url: str,
    *,
    requests: int,
    seed: int,
    strangers: Sequence[str],
    org_csv: str,
    clock: Clock | None = None,
) -> FuzzReport:
    """Start the real server on `database_url` with the org, send `requests` odd cases as
    people who are party to no pair, and report what came back and what changed."""
    report = FuzzReport()
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    try:
        async with LocalStack(database_url, clock=clock) as stack:
            await stack.import_org(org_csv)
            target = await _target(stack, strangers)
            before = await _snapshot(stack)
            fuzzer = Fuzzer(stack.driver, target, seed)
            started = time.monotonic()
            for _ in range(requests):
                case = fuzzer.case()
                status, seconds = await fuzzer.send(case)
                report.requests += 1
                report.statuses[status] = report.statuses.get(status, 0) + 1
                label = f"{case.kind} {'/'.join(case.changes)}"
                if status >= 500:
                    report.server_errors.append(label)
                if status == 404 and seconds > 2.5:
                    # Bolt answers 404 after its 3-second wait when a listener lost its ack.
                    report.lost_acks.append(label)
            await _settled()
            report.seconds = time.monotonic() - started
            after = await _snapshot(stack)
            report.changed_tables = [t for t in CONTENT_TABLES if before[t] != after[t]]
    finally:
        root.removeHandler(collect)
    report.tracebacks = sum(1 for r in collect.records if r.exc_info)
    report.error_lines = [
        f"{r.name}: {r.getMessage()[:200]}" + (f" at {_where(r)}" if r.exc_info else "")
        for r in collect.records
        if r.levelno >= logging.ERROR
    ]
    return report


def _where(record: logging.LogRecord) -> str:
    """The innermost frame of the project's own code in a record's traceback."""
    import traceback

    assert record.exc_info is not None
    frames = traceback.extract_tb(record.exc_info[2])
    ours = [f for f in frames if "/site-packages/" not in f.filename]
    frame = (ours or frames)[-1]
    last = frames[-1]
    where = f"{'/'.join(frame.filename.rsplit('/', 2)[-2:])}:{frame.lineno} {frame.name}"
    if last is not frame:
        where += f" (in {'/'.join(last.filename.rsplit('/', 2)[-2:])}:{last.lineno} {last.name})"
    return f"{where}: {type(record.exc_info[1]).__name__}"


async def _settled() -> None:
    """Let listeners still at work after their ack finish."""
    current = asyncio.current_task()
    for _ in range(200):
        pending = [
            task
            for task in asyncio.all_tasks()
            if task is not current
            and "run_ack_function_asynchronously" in getattr(task.get_coro(), "__qualname__", "")
        ]
        if not pending:
            return
        await asyncio.wait(pending, timeout=0.1)
