"""How long `oneonone org import` takes on a realistic org file.

    python -m bench.bench_org_import [--people 10000] [--database-url URL]

Generates an org CSV (a company of Japanese names: president, division heads, department
managers, team leads, members; mixed departments; Slack ids like U00000001, some Teams
ids), imports it into a fresh migrated SQLite file (or an *empty* database given with
--database-url), imports it again (the idempotent path), then imports a reorganisation
(5% of members moved to another team lead). Exits non-zero if the first import took more
than the budget (60 s) or a result is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.features.org.catalog import ensure_builtin_catalog
from bot.features.org.importer import COLUMNS, ImportReport, import_org_file
from storage.db import Database
from storage.migrate import upgrade

BUDGET_SECONDS = 60.0


def _words(text: str) -> list[str]:
    return text.split()


FAMILY = _words(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 "
    "林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 "
    "近藤 村上 遠藤 青木 坂本"
)
GIVEN = _words(
    "太郎 一郎 健太 翔太 大輔 拓也 直樹 亮 誠 浩二 花子 陽子 美咲 さくら 愛 恵 由美 真由美 "
    "優子 彩 蓮 湊 陽翔 結衣 葵 凛 悠真 颯 美月 結菜"
)
DIVISIONS = (
    "営業部",
    "開発部",
    "製造部",
    "新規事業部",
    "コールセンター",
    "人事部",
    "経理部",
    "マーケティング部",
)


@dataclass(frozen=True)
class Generated:
    rows: list[dict[str, str]]
    members: list[int]  # indexes of people without reports
    leads: list[int]  # indexes of team leads


def generate(people: int, seed: int = 42) -> Generated:
    """A hierarchy: 1 president, then division heads, managers, team leads, members."""
    rng = random.Random(seed)
    heads = max(1, min(len(DIVISIONS), people // 1000))
    managers = max(1, people // 160)
    leads = max(1, people // 25)
    rows: list[dict[str, str]] = []
    level_of: list[int] = []

    def add(manager: int | None, department: str, level: int) -> int:
        i = len(rows)
        email = f"user{i + 1:05d}@example.co.jp"
        roll = rng.random()
        hr_dept = department == "人事部"
        rows.append(
            {
                "email": email,
                "name": f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                "department": department,
                "manager_email": rows[manager]["email"] if manager is not None else "",
                "slack_id": f"U{i + 1:08d}",
                "teams_id": f"29:{i + 1:08d}-teams" if roll < 0.1 else "",
                "role": "admin" if i < 3 else ("hr" if hr_dept and roll < 0.3 else ""),
                "locale": "en-US" if roll > 0.95 else ("ja-JP" if roll > 0.5 else ""),
                "timezone": "America/Los_Angeles" if roll > 0.98 else "",
            }
        )
        level_of.append(level)
        return i

    president = add(None, "経営企画室", 0)
    head_ids = [add(president, DIVISIONS[d % len(DIVISIONS)], 1) for d in range(heads)]
    budget = people - len(rows)
    manager_ids = [
        add(h := rng.choice(head_ids), rows[h]["department"], 2)
        for _ in range(min(managers, max(0, budget)))
    ]
    parents = manager_ids or head_ids
    budget = people - len(rows)
    lead_ids = [
        add(m := rng.choice(parents), rows[m]["department"], 3)
        for _ in range(min(leads, max(0, budget)))
    ]
    parents = lead_ids or parents
    member_ids = [
        add(t := rng.choice(parents), rows[t]["department"], 4)
        for _ in range(max(0, people - len(rows)))
    ]
    return Generated(rows=rows[:people], members=member_ids, leads=lead_ids or parents)


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def reorganise(gen: Generated, share: float = 0.05, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = [dict(r) for r in gen.rows]
    moved = rng.sample(gen.members, k=int(len(gen.members) * share))
    for i in moved:
        current = rows[i]["manager_email"]
        choices = rng.sample(gen.leads, k=min(3, len(gen.leads)))
        new = next((rows[j]["email"] for j in choices if rows[j]["email"] != current), None)
        if new is not None:
            rows[i]["manager_email"] = new
    return rows


async def _counts(db: Database) -> tuple[int, int, int]:
    person = SQLModel.metadata.tables["person"]
    pair = SQLModel.metadata.tables["pair"]
    async with db.read() as session:
        conn = await session.connection()
        people = (await conn.execute(sa.select(sa.func.count()).select_from(person))).scalar_one()
        active = (
            await conn.execute(
                sa.select(sa.func.count()).select_from(pair).where(pair.c.active.is_(True))
            )
        ).scalar_one()
        pairs = (await conn.execute(sa.select(sa.func.count()).select_from(pair))).scalar_one()
    return int(people), int(active), int(pairs)


async def _timed(db: Database, path: Path) -> tuple[float, ImportReport]:
    started = time.perf_counter()
    report = await import_org_file(db, path)
    return time.perf_counter() - started, report


async def run(people: int, database_url: str | None, workdir: Path) -> int:
    gen = generate(people)
    first_csv = workdir / "org.csv"
    first_csv.write_text(to_csv(gen.rows), encoding="utf-8-sig")
    reorg_csv = workdir / "org-reorg.csv"
    reorg_csv.write_text(to_csv(reorganise(gen)), encoding="utf-8-sig")
    size_kb = first_csv.stat().st_size / 1024
    print(f"org file: {len(gen.rows)} people, {size_kb:.0f} KiB ({first_csv})")

    db = Database(database_url or f"sqlite:///{workdir / 'bench.db'}")
    failures: list[str] = []
    try:
        await upgrade(db)
        await ensure_builtin_catalog(db)
        print(f"database: {db.url.render_as_string()}")

        first_s, first = await _timed(db, first_csv)
        people_n, active_pairs, all_pairs = await _counts(db)
        print(f"first import:   {first_s:7.2f} s  {first}")
        print(f"  stored: {people_n} people, {active_pairs} active / {all_pairs} pairs")
        if first.people_created != len(gen.rows) or active_pairs != len(gen.rows) - 1:
            failures.append("first import stored the wrong number of people or pairs")

        again_s, again = await _timed(db, first_csv)
        print(f"re-import:      {again_s:7.2f} s  {again}")
        if again != ImportReport(people_unchanged=len(gen.rows)):
            failures.append("re-import was not a no-op")
        if await _counts(db) != (people_n, active_pairs, all_pairs):
            failures.append("re-import changed the counts")

        reorg_s, reorg = await _timed(db, reorg_csv)
        people_n, active_pairs, all_pairs = await _counts(db)
        print(f"reorganisation: {reorg_s:7.2f} s  {reorg}")
        print(f"  stored: {people_n} people, {active_pairs} active / {all_pairs} pairs")
        if reorg.pairs_deactivated != reorg.pairs_created + reorg.pairs_reactivated:
            failures.append("reorganisation left someone with no or two manager pairs")
    finally:
        await db.dispose()

    if first_s > BUDGET_SECONDS:
        failures.append(f"first import took {first_s:.1f} s (budget {BUDGET_SECONDS:.0f} s)")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty database to import into (default: a fresh SQLite file in a temp dir)",
    )
    args = parser.parse_args(argv)
    if args.people < 2:
        parser.error("--people must be at least 2")
    with tempfile.TemporaryDirectory(prefix="bench-org-") as tmp:
        return asyncio.run(run(args.people, args.database_url, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
