"""The topics file: `oneonone topics export FILE.csv` and `oneonone topics import FILE.csv`
(README "Topics CSV").

One row per topic of a set, shipped and the organisation's own alike. Importing renames,
hides or shows topics, adds new topics and new sets; like the other imports it is idempotent
and all-or-nothing, every problem reported with its line number. Rows absent from the file
are left alone (nothing is deleted: hide a topic instead, so picks already made keep it).
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.org.catalog import (
    SET_KEY,
    SET_NAME_MAX,
    TOPIC_KEY,
    TOPIC_LABEL_MAX,
    all_sets,
    label_problem,
    next_position,
    reserved_set_key,
    set_changes,
    topic_changes,
    topics_of,
)
from bot.features.org.importer import FileRefused, RowError, _cell, _records, decode_csv
from storage.db import Database
from storage.models import Topic, TopicSet

COLUMNS: tuple[str, ...] = (
    "set",
    "set_name_ja",
    "set_name_en",
    "topic",
    "label_ja",
    "label_en",
    "continuing",
    "hidden",
)

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


class Reason(StrEnum):
    """Why a row was refused; stable codes, safe to match on."""

    missing_column = "missing_column"
    not_utf8 = "not_utf8"
    bad_csv = "bad_csv"
    bad_key = "bad_key"
    missing_label = "missing_label"
    too_long = "too_long"
    bad_flag = "bad_flag"
    duplicate_topic = "duplicate_topic"
    set_name_conflict = "set_name_conflict"
    missing_set_name = "missing_set_name"
    reserved_key = "reserved_key"


class TopicImportError(FileRefused):
    WHAT = "topics file"


@dataclass
class TopicImportReport:
    sets_created: int = 0
    sets_updated: int = 0
    topics_created: int = 0
    topics_updated: int = 0
    topics_unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"sets: {self.sets_created} created, {self.sets_updated} renamed; topics: "
            f"{self.topics_created} created, {self.topics_updated} updated, "
            f"{self.topics_unchanged} unchanged"
        )


@dataclass(frozen=True)
class TopicRow:
    line: int
    set_key: str
    set_name_ja: str
    set_name_en: str
    topic_key: str
    label_ja: str
    label_en: str
    continuing: bool
    hidden: bool


@dataclass
class _Parsed:
    rows: list[TopicRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _flag(value: str) -> bool | None:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def _row(
    line: int, cells: list[str], index: dict[str, int], errors: list[RowError]
) -> TopicRow | None:
    values = {name: _cell(cells, i) for name, i in index.items()}
    set_key, topic_key = values["set"].lower(), values["topic"].lower()
    who = f"{set_key}/{topic_key}"

    def fail(reason: Reason, detail: str = "") -> None:
        errors.append(RowError(line, who, reason, detail))

    if any("\n" in c or "\r" in c for c in cells):
        fail(Reason.bad_csv, "line break inside a field (unclosed quote?)")
    if not SET_KEY.match(set_key):
        fail(
            Reason.bad_key,
            f"set: {values['set'] or '(empty)'} (lower-case letters, digits, _ : . -)",
        )
    if not TOPIC_KEY.match(topic_key):
        fail(
            Reason.bad_key,
            f"topic: {values['topic'] or '(empty)'} (lower-case letters, digits, _ . -)",
        )
    for column, limit in (
        ("label_ja", TOPIC_LABEL_MAX),
        ("label_en", TOPIC_LABEL_MAX),
        ("set_name_ja", SET_NAME_MAX),
        ("set_name_en", SET_NAME_MAX),
    ):
        problem = label_problem(values[column], limit)
        if problem == "required" and column.startswith("label"):
            fail(Reason.missing_label, column)
        elif problem == "too_long":
            fail(Reason.too_long, f"{column}: {len(values[column])} characters (max {limit})")
    flags: dict[str, bool] = {}
    for column in ("continuing", "hidden"):
        flag = _flag(values[column])
        if flag is None:
            fail(Reason.bad_flag, f"{column}: {values[column]} (expected true or false)")
        else:
            flags[column] = flag
    if errors:
        return None
    return TopicRow(
        line=line,
        set_key=set_key,
        set_name_ja=values["set_name_ja"],
        set_name_en=values["set_name_en"],
        topic_key=topic_key,
        label_ja=values["label_ja"],
        label_en=values["label_en"],
        continuing=flags["continuing"],
        hidden=flags["hidden"],
    )


def _parse(text: str) -> _Parsed:
    out = _Parsed()
    records = _records(text.removeprefix("\ufeff"))
    first = next(records, None)
    if isinstance(first, RowError):
        out.errors.append(first)
        return out
    header = [h.strip().lower() for h in first[1]] if first is not None else []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        out.errors.extend(RowError(1, "", Reason.missing_column, c) for c in missing)
        return out
    index = {name: header.index(name) for name in COLUMNS}
    seen: dict[tuple[str, str], int] = {}
    names: dict[str, tuple[int, str, str]] = {}
    for record in records:
        if isinstance(record, RowError):
            out.errors.append(record)
            break
        line, cells = record
        if not any(c.strip() for c in cells):
            continue  # blank lines (and Excel's trailing ",,,,") are not rows
        if len(cells) > len(header):
            detail = f"{len(cells)} fields but the header has {len(header)} (unquoted comma?)"
            out.errors.append(RowError(line, _cell(cells, index["topic"]), Reason.bad_csv, detail))
            continue
        errors: list[RowError] = []
        row = _row(line, cells, index, errors)
        out.errors.extend(errors)
        if row is None:
            continue
        who = f"{row.set_key}/{row.topic_key}"
        key = (row.set_key, row.topic_key)
        if key in seen:
            out.errors.append(
                RowError(line, who, Reason.duplicate_topic, f"also on line {seen[key]}")
            )
            continue
        seen[key] = line
        if row.set_name_ja or row.set_name_en:
            earlier = names.get(row.set_key)
            if earlier is None:
                names[row.set_key] = (line, row.set_name_ja, row.set_name_en)
            elif earlier[1:] != (row.set_name_ja, row.set_name_en):
                detail = f"the set's names differ from line {earlier[0]}"
                out.errors.append(RowError(line, who, Reason.set_name_conflict, detail))
                continue
        out.rows.append(row)
    return out


def _db_errors(rows: list[TopicRow], sets: dict[str, TopicSet]) -> list[RowError]:
    errors: list[RowError] = []
    named = {r.set_key for r in rows if r.set_name_ja and r.set_name_en}
    for row in rows:
        if row.set_key in sets:
            continue
        who = f"{row.set_key}/{row.topic_key}"
        if reserved_set_key(row.set_key):
            detail = (
                f"{row.set_key}: names starting dept: or program: (and common) are the product's"
            )
            errors.append(RowError(row.line, who, Reason.reserved_key, detail))
        elif row.set_key not in named:
            detail = f"{row.set_key} is a new set: give set_name_ja and set_name_en"
            errors.append(RowError(row.line, who, Reason.missing_set_name, detail))
    return errors


async def _write(
    session: AsyncSession, rows: list[TopicRow], sets: dict[str, TopicSet]
) -> TopicImportReport:
    report = TopicImportReport()
    renamed: set[str] = set()
    for row in rows:
        topic_set = sets.get(row.set_key)
        if topic_set is None:
            topic_set = TopicSet(
                key=row.set_key,
                kind="org",
                name_ja=row.set_name_ja,
                name_en=row.set_name_en,
                builtin=False,
            )
            session.add(topic_set)
            await session.flush()
            sets[row.set_key] = topic_set
            report.sets_created += 1
        elif row.set_name_ja and row.set_name_en and row.set_key not in renamed:
            if set_changes(topic_set, name_ja=row.set_name_ja, name_en=row.set_name_en):
                session.add(topic_set)
                report.sets_updated += 1
            renamed.add(row.set_key)
        assert topic_set.id is not None
        topic = (
            await session.exec(
                select(Topic).where(Topic.topic_set_id == topic_set.id, Topic.key == row.topic_key)
            )
        ).first()
        if topic is None:
            session.add(
                Topic(
                    topic_set_id=topic_set.id,
                    key=row.topic_key,
                    label_ja=row.label_ja,
                    label_en=row.label_en,
                    continuing=row.continuing,
                    active=not row.hidden,
                    shipped=False,
                    position=await next_position(session, topic_set.id),
                )
            )
            await session.flush()
            report.topics_created += 1
        elif topic_changes(
            row.set_key,
            topic,
            label_ja=row.label_ja,
            label_en=row.label_en,
            continuing=row.continuing,
            active=not row.hidden,
        ):
            session.add(topic)
            report.topics_updated += 1
        else:
            report.topics_unchanged += 1
    return report


async def import_topics(db: Database, text: str) -> TopicImportReport:
    """Create or update the sets and topics of a topics file, all or nothing.

    - Sets are matched on their key, topics on (set, topic key): a re-import never
      duplicates, and an identical file changes nothing.
    - A new set needs both names and a key the product does not reserve (`common`, `dept:...`,
      `program:...`); a set's names may be left empty on rows of a set that exists.
    - `hidden` true takes a topic out of the pickers; picks already made keep it.
    - A change to a shipped topic is the organisation's: later releases leave it alone.

    Raises TopicImportError listing every problem before anything is written.
    """
    parsed = _parse(text)
    async with db.write() as session:
        sets = {s.key: s for s in await all_sets(session)}
        if not any(e.reason == Reason.missing_column for e in parsed.errors):
            parsed.errors += _db_errors(parsed.rows, sets)
        if parsed.errors:
            raise TopicImportError(parsed.errors)
        return await _write(session, parsed.rows, sets)


async def import_topics_file(db: Database, path: Path) -> TopicImportReport:
    """`import_topics` on a file (UTF-8, with or without a BOM)."""
    data = await asyncio.to_thread(path.read_bytes)
    return await import_topics(db, decode_csv(data, TopicImportError))


async def export_topics(db: Database) -> str:
    """Every set and topic, hidden ones too, as a topics file that imports back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    async with db.read() as session:
        for topic_set in await all_sets(session):
            assert topic_set.id is not None
            for topic in await topics_of(session, topic_set.id):
                writer.writerow(
                    (
                        topic_set.key,
                        topic_set.name_ja,
                        topic_set.name_en,
                        topic.key,
                        topic.label_ja,
                        topic.label_en,
                        "true" if topic.continuing else "false",
                        "false" if topic.active else "true",
                    )
                )
    return out.getvalue()


async def export_topics_file(db: Database, path: Path) -> int:
    """Write the topics file (UTF-8 with a BOM, so Excel reads the Japanese); its rows."""
    text = await export_topics(db)
    await asyncio.to_thread(path.write_text, "\ufeff" + text, encoding="utf-8")
    return text.count("\n") - 1
