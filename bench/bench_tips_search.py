"""Searching 50,000 tips, on SQLite and on PostgreSQL.

    python -m bench.bench_tips_search [--tips 50000] [--searches 200]
        [--sqlite-only | --postgresql-only] [--pg-admin-url URL] [--strict]

For each backend: a fresh migrated database (a temp SQLite file; a throwaway PostgreSQL
database created through --pg-admin-url, default the local server), 500 leaders with a
member each, and --tips realistic tips (80% Japanese, 20% English, tagged with catalog topics
and expectations, helpful counts skewed like real marks) seeded in bulk with core inserts,
together with the search index the service maintains (SQLite: `tip_gram` rows; PostgreSQL:
`tip.search_grams` under its GIN index; PostgreSQL is then vacuumed and analysed, as
autovacuum would). Then --searches searches run one after another through
`TipsService.search` exactly as `/1on1 tips` calls it (permission check, search, cards),
with varied Japanese and English words, some two-word, some with a topic or expectation
filter, some on page 2; a few warm-up searches first. Prints p50/p95/p99/max per backend,
measured after `gc.freeze()` (see `run_backend`), and the same searches before it.

Exit status: 1 on errors (including an unreachable PostgreSQL without --sqlite-only), 2 with
--strict when a p99 is 50 ms or more, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables in SQLModel.metadata)
from bot.catalog import EXPECTATIONS
from bot.features.org.people import PeopleService
from bot.features.tips.catalog import TOPIC_GROUPS
from bot.features.tips.search import index_codes, search_fields
from bot.features.tips.service import TipQuery, TipsService
from bot.features.tips.starter import ensure_starter_tips
from bot.ports import Messenger
from storage.db import Database
from storage.migrate import upgrade

TARGET_P99_MS = 50.0
LEADERS = 500
CHUNK = 2_000
WARMUP = 10
DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

# --- realistic tips ---------------------------------------------------------------------------

JA_SCENES = (
    "1on1の冒頭で",
    "最初の5分は",
    "話を聞くときは",
    "メンバーが黙ったら",
    "数字の話になったら",
    "キャリアの相談では",
    "フィードバックを伝えるときは",
    "週の初めに",
    "商談のあとに",
    "新人との1on1では",
    "中途入社の人には",
    "体調が気になるときは",
    "評価の時期の前は",
    "リモートのメンバーとは",
    "シフトの合間に",
    "クレーム対応のあとは",
    "プロジェクトが遅れているときは",
    "異動してきたばかりの人には",
    "ライン作業の合間に",
    "目標設定の面談では",
)
JA_ACTIONS = (
    "相手の言葉をそのまま要約して返すようにしました",
    "「いま見えている選択肢は?」と聞いてから一緒に比べました",
    "事実・感情・提案の順に短く伝えました",
    "15分だけのミニ1on1を毎週入れました",
    "「どんな支援があれば届きそう?」と聞くようにしました",
    "自分の失敗談を先に話しました",
    "メモを一緒に見ながら前回の約束を確認しました",
    "結論を急がず最後まで聞くことにしました",
    "話題を本人に選んでもらいました",
    "評価とは関係ないと最初に伝えました",
    "カメラをオフにして雑談から入りました",
    "次回までにやることを一つだけ決めました",
    "沈黙を10秒待つようにしました",
    "できたことを具体的にほめました",
    "KPIの数字より次の一手に時間を使いました",
    "ホワイトボードに論点を書き出しました",
    "ヒヤリハットの共有から始めました",
    "改善提案を一つ持ってきてもらいました",
    "属人化している作業を一緒に棚卸ししました",
    "社内の暗黙のルールを先に説明しました",
    "上司に方針の背景を確認してから話しました",
    "困っていることを三つ書いてきてもらいました",
    "同行した商談を一緒に振り返りました",
    "スキルマップを見ながら次の挑戦を決めました",
)
JA_RESULTS = (
    "本人から具体的な案が出てくるようになりました。",
    "話す量が明らかに増えました。",
    "言いにくかった不安を話してくれました。",
    "翌週の商談で早速試してくれました。",
    "1on1が形骸化せずに続いています。",
    "表情が柔らかくなったと感じます。",
    "次の目標を自分で言葉にしてくれました。",
    "チームの雰囲気も少し変わりました。",
    "離職を考えていたことを打ち明けてくれました。",
    "提案の質が上がりました。",
    "遅れの原因が早めに分かりました。",
    "問い合わせ対応のストレスが軽くなったようです。",
)
JA_DETAILS = (
    "{client}の件で",
    "{n}年目のメンバーと",
    "{month}月の繁忙期に",
    "{product}の立ち上げで",
    "",
    "",
)
CLIENTS = ("A社", "B商事", "C工業", "D銀行", "E製作所", "F電機", "Gホールディングス", "H物産")
PRODUCTS = ("新サービス", "基幹システム", "新商品", "アプリ", "社内ツール", "研修プログラム")
EN_SCENES = (
    "In the first five minutes",
    "When a member goes quiet",
    "Before giving feedback",
    "In weekly mini 1on1s",
    "When KPIs are behind",
    "With new hires",
    "When someone asks for advice",
    "At the start of each 1on1",
    "After a difficult customer call",
    "When a project slips",
)
EN_ACTIONS = (
    "I summarized what I heard before replying",
    "I asked which options they already see",
    "I went fact, feeling, suggestion",
    "I kept a 15-minute weekly slot after the sales meeting",
    "I asked what support would help instead of why they missed",
    "I shared a mistake of my own first",
    "I let them choose the topics",
    "I waited ten seconds in silence",
    "I said plainly that this is not about evaluation",
    "I wrote the options on a whiteboard",
    "we agreed on one next step only",
)
EN_RESULTS = (
    "They came up with their own plan.",
    "They talked much more than before.",
    "They told me what had worried them for weeks.",
    "The next deal went better.",
    "Our 1on1s kept going even in busy months.",
    "They named their next goal themselves.",
)

# What leaders type into `/1on1 tips`: one or two words, Japanese mostly.
JA_WORDS = (
    "傾聴",
    "要約",
    "選択肢",
    "沈黙",
    "雑談",
    "フィードバック",
    "キャリア",
    "商談",
    "新人",
    "中途",
    "評価",
    "失敗談",
    "ほめ",
    "KPI",
    "ミニ1on1",
    "次の一手",
    "ホワイトボード",
    "ヒヤリハット",
    "改善提案",
    "属人化",
    "暗黙のルール",
    "離職",
    "不安",
    "目標",
    "方針",
    "支援",
    "振り返り",
    "繁忙期",
    "A社",
    "シフト",
    "クレーム",
    "スキルマップ",
    "リモート",
    "カメラ",
    "形骸化",
    "棚卸し",
    "異動",
    "ストレス",
)
EN_WORDS = (
    "feedback",
    "silence",
    "summarized",
    "options",
    "weekly",
    "mistake",
    "evaluation",
    "whiteboard",
    "KPI",
    "new hires",
    "support",
    "next step",
    "listen",
    "career",
)


def _ja_tip(rng: random.Random) -> tuple[str, str]:
    action = rng.choice(JA_ACTIONS)
    title = action.split("ようにしました")[0].split("ました")[0][:40]
    sentences = []
    for _ in range(rng.randint(1, 3)):
        detail = rng.choice(JA_DETAILS).format(
            client=rng.choice(CLIENTS),
            n=rng.randint(1, 10),
            month=rng.randint(1, 12),
            product=rng.choice(PRODUCTS),
        )
        sentences.append(
            f"{detail}{rng.choice(JA_SCENES)}、{rng.choice(JA_ACTIONS)}。{rng.choice(JA_RESULTS)}"
        )
    return title, "".join(sentences)


def _en_tip(rng: random.Random) -> tuple[str, str]:
    title = rng.choice(EN_ACTIONS)[:60]
    body = " ".join(
        f"{rng.choice(EN_SCENES)}, {rng.choice(EN_ACTIONS)}. {rng.choice(EN_RESULTS)}"
        for _ in range(rng.randint(1, 3))
    )
    return title, body


def _helpful(rng: random.Random) -> int:
    # Most tips get a few marks; a few get many.
    return min(int(rng.paretovariate(1.3)) - 1, 200)


TOPIC_KEYS = tuple(t.key for g in TOPIC_GROUPS for t in g.topics)
EXPECTATION_KEYS = tuple(e.key.value for e in EXPECTATIONS)


def tip_rows(
    count: int, authors: list[int], *, postgres: bool, seed: int = 7
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    rows: list[dict[str, Any]] = []
    for n in range(count):
        english = rng.random() < 0.2
        title, body = _en_tip(rng) if english else _ja_tip(rng)
        topic = rng.choice(TOPIC_KEYS) if rng.random() < 0.9 else None
        free = None if topic else rng.choice(("評価面談の前後", "リモート勤務", "Onboarding"))
        expectation = rng.choice(EXPECTATION_KEYS)
        head, text = search_fields(
            title=title, body=body, topic_key=topic, free_topic=free, expectation=expectation
        )
        created = start + timedelta(minutes=n * (3 * 365 * 24 * 60) // max(count, 1))
        rows.append(
            {
                "author_id": rng.choice(authors),
                "starter": False,
                "topic_key": topic,
                "free_topic": free,
                "expectation": expectation,
                "title": title,
                "body": body,
                "locale": "en" if english else "ja",
                "helpful_count": _helpful(rng),
                "created_at": created,
                "updated_at": created,
                "search_text": text,
                "search_head": head,
                "search_grams": index_codes(text, topic, expectation) if postgres else None,
            }
        )
    return rows


# --- seeding ----------------------------------------------------------------------------------


async def _execute(db: Database, statement: Any, rows: list[dict[str, Any]]) -> None:
    async with db.write() as session:
        conn = await session.connection()
        await conn.execute(statement, rows)


async def seed(db: Database, tips: int) -> int:
    """People, pairs and tips with their index; returns a leader's id (the searcher)."""
    tables = SQLModel.metadata.tables
    person, pair, tip, gram = tables["person"], tables["pair"], tables["tip"], tables["tip_gram"]
    now = datetime.now(UTC)
    people = [
        {
            "email": f"bench{n:05d}@example.co.jp",
            "name": f"リーダー{n:04d}" if n < LEADERS else f"メンバー{n:04d}",
            "department": "営業部",
            "slack_id": f"UB{n:08d}",
            "role": "member",
            "locale": "ja",
            "timezone": "Asia/Tokyo",
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(2 * LEADERS)
    ]
    await _execute(db, person.insert(), people)
    async with db.read() as session:
        conn = await session.connection()
        ids = [
            int(i)
            for i in (await conn.execute(sa.select(person.c.id).order_by(person.c.id))).scalars()
        ]
    leaders, members = ids[:LEADERS], ids[LEADERS:]
    await _execute(
        db,
        pair.insert(),
        [
            {
                "leader_id": leader,
                "member_id": member,
                "kind": "manager",
                "duration_minutes": 30,
                "active": True,
                "created_at": now,
            }
            for leader, member in zip(leaders, members, strict=True)
        ],
    )
    rows = tip_rows(tips, leaders, postgres=db.is_postgresql)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if db.is_postgresql:
            await _execute(db, tip.insert(), chunk)
            continue
        async with db.write() as session:
            conn = await session.connection()
            returning = (tip.c.id, tip.c.search_text, tip.c.topic_key, tip.c.expectation)
            result = await conn.execute(tip.insert().returning(*returning), chunk)
            grams = [
                {"gram": g, "tip_id": int(tip_id)}
                for tip_id, text, topic, expectation in result.all()
                for g in index_codes(text, topic, expectation)
            ]
            await conn.execute(gram.insert(), grams)
    await ensure_starter_tips(db)
    if db.is_postgresql:
        engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(sa.text("VACUUM ANALYZE tip"))
    return leaders[0]


# --- searching --------------------------------------------------------------------------------


def queries(count: int, seed: int = 11) -> list[TipQuery]:
    rng = random.Random(seed)
    out: list[TipQuery] = []
    for _ in range(count):
        pool = EN_WORDS if rng.random() < 0.25 else JA_WORDS
        words = rng.choice(pool)
        if rng.random() < 0.3:
            words = f"{words} {rng.choice(pool)}"
        roll = rng.random()
        topic = rng.choice(TOPIC_KEYS) if roll < 0.1 else None
        expectation = rng.choice(EXPECTATION_KEYS) if 0.1 <= roll < 0.3 else None
        page = 1 if rng.random() < 0.15 else 0
        out.append(TipQuery(words=words, topic_key=topic, expectation=expectation, page=page))
    return out


class _NoMessenger:
    """Searching sends nothing; anything else is a bug in the benchmark."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        raise AssertionError(f"the search tried to send ({name})")


@dataclass(frozen=True)
class Result:
    backend: str
    seed_s: float
    latencies_ms: list[float]  # after gc.freeze(), as a server would run (see `measure`)
    unfrozen_ms: list[float]  # the same searches before it
    matched: int
    slowest: TipQuery


def percentile(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def measure(
    service: TipsService, viewer: int, plan: list[TipQuery]
) -> tuple[list[float], int, TipQuery]:
    latencies: list[float] = []
    matched = 0
    slowest = plan[0]
    for query in plan:
        begin = time.perf_counter()
        page = await service.search(viewer, query)
        latencies.append((time.perf_counter() - begin) * 1000)
        matched += bool(page.cards)
        if latencies[-1] >= max(latencies):
            slowest = query
    return latencies, matched, slowest


async def run_backend(label: str, url: str, tips: int, searches: int) -> Result:
    db = Database(url)
    try:
        await upgrade(db)
        started = time.perf_counter()
        viewer = await seed(db, tips)
        seeded = time.perf_counter() - started
        people = PeopleService(db, default_locale="ja", default_timezone="Asia/Tokyo")
        messenger: Messenger = _NoMessenger()
        service = TipsService(db, messenger, people)
        plan = queries(searches + WARMUP)
        for query in plan[:WARMUP]:
            await service.search(viewer, query)
        unfrozen, _, _ = await measure(service, viewer, plan[WARMUP:])
        # A full collection walks every object the process ever kept (here: the libraries,
        # the seeding's leftovers), and one lands inside a search now and then. `oneonone
        # serve` freezes what it holds after start-up (bot/app.py freeze_start_up_objects),
        # so the frozen figure is the one a served search sees; both are printed.
        gc.collect()
        gc.freeze()
        try:
            latencies, matched, slowest = await measure(service, viewer, plan[WARMUP:])
        finally:
            gc.unfreeze()
        return Result(label, seeded, latencies, unfrozen, matched, slowest)
    finally:
        await db.dispose()


async def _pg_admin(url: str, statement: str) -> None:
    engine = Database(url).engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


def report(result: Result, tips: int) -> bool:
    p50, p95, p99 = (percentile(result.latencies_ms, q) for q in (0.50, 0.95, 0.99))
    worst = max(result.latencies_ms)
    ok = p99 < TARGET_P99_MS
    slow = result.slowest
    plain = result.unfrozen_ms
    print(
        f"{result.backend:<10} {tips} tips (seeded in {result.seed_s:5.1f} s), "
        f"{len(result.latencies_ms)} searches ({result.matched} with results): "
        f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p99 {p99:6.2f} ms  max {worst:6.2f} ms  "
        f"[target p99 < {TARGET_P99_MS:.0f} ms: {'ok' if ok else 'MISSED'}]\n"
        f"{'':<10} without gc.freeze(): p50 {percentile(plain, 0.5):6.2f} ms  "
        f"p99 {percentile(plain, 0.99):6.2f} ms  max {max(plain):6.2f} ms\n"
        f"{'':<10} slowest: {slow.words!r} topic={slow.topic_key} "
        f"expectation={slow.expectation} page={slow.page + 1}",
        flush=True,
    )
    return ok


async def run(args: argparse.Namespace, workdir: Path) -> int:
    missed = False
    if not args.postgresql_only:
        sqlite = await run_backend(
            "SQLite", f"sqlite:///{workdir / 'tips.db'}", args.tips, args.searches
        )
        missed |= not report(sqlite, args.tips)
    if args.sqlite_only:
        return 2 if args.strict and missed else 0
    admin = args.pg_admin_url
    name = f"bench_tips_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        await _pg_admin(admin, f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"PostgreSQL at {make_url(admin).render_as_string()}: unreachable ({exc})")
        return 1
    try:
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        postgres = await run_backend("PostgreSQL", url, args.tips, args.searches)
        missed |= not report(postgres, args.tips)
    finally:
        await _pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 2 if args.strict and missed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--tips", type=int, default=50_000)
    parser.add_argument("--searches", type=int, default=200)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true")
    only.add_argument("--postgresql-only", action="store_true")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_ADMIN_URL),
        help="a PostgreSQL URL allowed to create and drop a throwaway database",
    )
    parser.add_argument("--strict", action="store_true", help="exit 2 when a p99 target is missed")
    args = parser.parse_args(argv)
    if args.tips < 1 or args.searches < 1:
        parser.error("--tips and --searches must be positive")
    with tempfile.TemporaryDirectory(prefix="bench-tips-") as tmp:
        return asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
