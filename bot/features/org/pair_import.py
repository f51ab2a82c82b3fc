"""The pairs import: `oneonone pair import FILE.csv` (README "Pairs CSV").

One row per 1on1 relationship of any kind (manager, mentor, peer, senior), optionally in a
programme (new_hire, mid_career, mentoring) and with a first and last day. Like the org
import it is idempotent and all-or-nothing: every problem is collected and reported with its
line number, and nothing is written while any remains. Pairs are matched on (leader, member,
kind): a re-import updates them, never duplicates them. Pairs absent from the file are left
alone.

Cadences are not set here: the schedule feature gives programme pairs without a cadence
their programme's default (see bot.features.schedule.programs).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.org.importer import _EMAIL, FileRefused, RowError, _cell, _records, decode_csv
from storage.db import Database
from storage.models import PairKind

COLUMNS: tuple[str, ...] = (
    "leader_email",
    "member_email",
    "kind",
    "program",
    "topic_set",
    "starts_on",
    "ends_on",
)

# The programmes a pair can be in; each has the topic set `program:<name>` (bot.catalog).
PROGRAMS: tuple[str, ...] = ("new_hire", "mid_career", "mentoring")

_PERSON = SQLModel.metadata.tables["person"]
_PAIR = SQLModel.metadata.tables["pair"]
_TOPIC_SET = SQLModel.metadata.tables["topic_set"]


class Reason(StrEnum):
    """Why a row was refused; stable codes, safe to match on."""

    missing_column = "missing_column"
    not_utf8 = "not_utf8"
    bad_csv = "bad_csv"
    missing_email = "missing_email"
    invalid_email = "invalid_email"
    unknown_person = "unknown_person"
    self_pair = "self_pair"
    bad_kind = "bad_kind"
    bad_program = "bad_program"
    unknown_topic_set = "unknown_topic_set"
    bad_date = "bad_date"
    ends_before_start = "ends_before_start"
    duplicate_pair = "duplicate_pair"


def program_topic_set_key(program: str) -> str:
    return f"program:{program}"


@dataclass(frozen=True)
class PairCsvRow:
    """One valid pair row. Empty optional cells are None."""

    line: int
    leader_email: str
    member_email: str
    kind: PairKind
    program: str | None
    topic_set: str | None
    starts_on: date | None
    ends_on: date | None

    @property
    def topic_set_key(self) -> str | None:
        """The column if given, else the programme's set, else None (the department's)."""
        if self.topic_set:
            return self.topic_set
        return program_topic_set_key(self.program) if self.program else None


class PairImportError(FileRefused):
    WHAT = "pairs file"


@dataclass
class PairImportReport:
    """What an import did. Every row is created, updated or unchanged; `closed` counts the
    pairs this import left inactive because their last day has passed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return (
            f"pairs: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.closed} closed"
        )


# --- parsing: checks that need nothing but the file ------------------------------------------


@dataclass
class _Parsed:
    rows: list[PairCsvRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _parse(text: str) -> _Parsed:
    out = _Parsed()
    text = text.removeprefix("\ufeff")
    records = _records(text)
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

    seen: dict[tuple[str, str, PairKind], int] = {}
    for record in records:
        if isinstance(record, RowError):
            out.errors.append(record)
            break
        line, cells = record
        if not any(c.strip() for c in cells):
            continue  # blank lines (and Excel's trailing ",,,,") are not rows
        member_cell = _cell(cells, index["member_email"])
        if len(cells) > len(header):
            detail = f"{len(cells)} fields but the header has {len(header)} (unquoted comma?)"
            out.errors.append(RowError(line, member_cell, Reason.bad_csv, detail))
            continue
        errors: list[RowError] = []
        row = _row(line, cells, index, errors)
        out.errors.extend(errors)
        if row is None:
            continue
        key = (row.leader_email, row.member_email, row.kind)
        if key in seen:
            detail = f"{row.leader_email} / {row.kind.value} also on line {seen[key]}"
            out.errors.append(RowError(line, row.member_email, Reason.duplicate_pair, detail))
            continue
        seen[key] = line
        out.rows.append(row)
    return out


def _row(
    line: int, cells: list[str], index: dict[str, int], errors: list[RowError]
) -> PairCsvRow | None:
    broken = any("\n" in c or "\r" in c for c in cells)
    if broken:
        detail = "line break inside a field (unclosed quote?)"
        errors.append(RowError(line, _cell(cells, index["member_email"]), Reason.bad_csv, detail))
    row = check_pair_row(line, {name: _cell(cells, i) for name, i in index.items()}, errors)
    return None if broken else row


def check_pair_row(line: int, values: dict[str, str], errors: list[RowError]) -> PairCsvRow | None:
    """One pair as the file's columns give it (every column of COLUMNS, empty for none),
    checked on its own; its problems are added to `errors`. The admin's form in chat goes
    through here too, so both say the same about the same pair."""
    who = values["member_email"]
    known = len(errors)

    def fail(reason: Reason, detail: str = "") -> None:
        errors.append(RowError(line, who, reason, detail))

    emails: dict[str, str] = {}
    for column in ("leader_email", "member_email"):
        email = values[column].lower()
        if not email:
            fail(Reason.missing_email, column)
        elif not _EMAIL.match(email):
            fail(Reason.invalid_email, f"{column}: {values[column]}")
        else:
            emails[column] = email
    leader, member = emails.get("leader_email"), emails.get("member_email")
    if leader is not None and leader == member:
        fail(Reason.self_pair, f"{leader} cannot lead their own 1on1")

    kind: PairKind | None = None
    try:
        kind = PairKind(values["kind"].lower())
    except ValueError:
        expected = ", ".join(k.value for k in PairKind)
        fail(Reason.bad_kind, f"{values['kind'] or '(empty)'} (expected {expected})")

    program = values["program"].lower() or None
    if program is not None and program not in PROGRAMS:
        fail(Reason.bad_program, f"{values['program']} (expected {', '.join(PROGRAMS)} or empty)")

    days: dict[str, date | None] = {}
    for column in ("starts_on", "ends_on"):
        days[column] = None
        if values[column]:
            days[column] = _date(values[column])
            if days[column] is None:
                fail(Reason.bad_date, f"{column}: {values[column]} (expected YYYY-MM-DD)")
    starts_on, ends_on = days["starts_on"], days["ends_on"]
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        fail(Reason.ends_before_start, f"ends_on {ends_on} is before starts_on {starts_on}")

    if len(errors) > known or leader is None or member is None or kind is None:
        return None
    return PairCsvRow(
        line=line,
        leader_email=leader,
        member_email=member,
        kind=kind,
        program=program,
        topic_set=values["topic_set"] or None,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def parse_pairs_csv(text: str) -> list[PairCsvRow]:
    """The rows of a pairs file, checked on their own (no database).

    Raises PairImportError listing every problem in the file; people and topic sets are
    checked against the database by `import_pairs`.
    """
    parsed = _parse(text)
    if parsed.errors:
        raise PairImportError(parsed.errors)
    return parsed.rows


# --- the database side ---------------------------------------------------------------------


@dataclass
class _Stored:
    id: int
    leader_id: int
    member_id: int
    kind: str
    program: str | None
    topic_set_id: int | None
    starts_on: date | None
    ends_on: date | None
    active: bool
    rrule: str | None
    materialized_until: datetime | None


@dataclass
class _Snapshot:
    people: dict[str, tuple[int, bool]]  # e-mail -> (id, active)
    topic_sets: dict[str, int]
    pairs: dict[tuple[int, int, str], _Stored]


async def _load(conn: AsyncConnection) -> _Snapshot:
    people: dict[str, tuple[int, bool]] = {}
    for person_id, email, active in await conn.execute(
        sa.select(_PERSON.c.id, _PERSON.c.email, _PERSON.c.active)
    ):
        key = str(email).lower()
        # Should two spellings of one address exist, the lower-case one is the match.
        if key not in people or email == key:
            people[key] = (int(person_id), bool(active))
    topic_sets = {
        str(key): int(set_id)
        for set_id, key in await conn.execute(sa.select(_TOPIC_SET.c.id, _TOPIC_SET.c.key))
    }
    pairs = {
        (s.leader_id, s.member_id, s.kind): s
        for s in (
            _Stored(**row._mapping)
            for row in await conn.execute(
                sa.select(
                    _PAIR.c.id,
                    _PAIR.c.leader_id,
                    _PAIR.c.member_id,
                    _PAIR.c.kind,
                    _PAIR.c.program,
                    _PAIR.c.topic_set_id,
                    _PAIR.c.starts_on,
                    _PAIR.c.ends_on,
                    _PAIR.c.active,
                    _PAIR.c.rrule,
                    _PAIR.c.materialized_until,
                )
            )
        )
    }
    return _Snapshot(people=people, topic_sets=topic_sets, pairs=pairs)


def _db_errors(rows: list[PairCsvRow], snap: _Snapshot) -> list[RowError]:
    errors: list[RowError] = []
    for row in rows:
        for column, email in (
            ("leader_email", row.leader_email),
            ("member_email", row.member_email),
        ):
            known = snap.people.get(email)
            if known is None:
                detail = f"{column}: {email} (import them with `org import` first)"
                errors.append(RowError(row.line, row.member_email, Reason.unknown_person, detail))
            elif not known[1]:
                detail = f"{column}: {email} (inactive)"
                errors.append(RowError(row.line, row.member_email, Reason.unknown_person, detail))
        key = row.topic_set_key
        if key is not None and key not in snap.topic_sets:
            errors.append(RowError(row.line, row.member_email, Reason.unknown_topic_set, key))
    return errors


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


async def _write(
    conn: AsyncConnection, rows: list[PairCsvRow], snap: _Snapshot, now: datetime, today: date
) -> PairImportReport:
    report = PairImportReport()
    for row in rows:
        leader_id = snap.people[row.leader_email][0]
        member_id = snap.people[row.member_email][0]
        key = row.topic_set_key
        active = row.ends_on is None or row.ends_on >= today
        values: dict[str, Any] = {
            "program": row.program,
            "topic_set_id": snap.topic_sets[key] if key is not None else None,
            "starts_on": row.starts_on,
            "ends_on": row.ends_on,
            "active": active,
        }
        stored = snap.pairs.get((leader_id, member_id, row.kind.value))
        if stored is None:
            await conn.execute(
                sa.insert(_PAIR).values(
                    leader_id=leader_id,
                    member_id=member_id,
                    kind=row.kind.value,
                    rrule=None,
                    duration_minutes=30,
                    timezone=None,
                    created_at=now,
                    **values,
                )
            )
            report.created += 1
            report.closed += not active
            continue
        if all(getattr(stored, name) == value for name, value in values.items()):
            report.unchanged += 1
            continue
        if stored.rrule is not None and (stored.ends_on != row.ends_on or active > stored.active):
            # Planning stopped at the old last day: the tick plans again from now.
            values["materialized_until"] = now
        await conn.execute(sa.update(_PAIR).where(_PAIR.c.id == stored.id).values(**values))
        report.updated += 1
        report.closed += stored.active and not active
    return report


async def import_pairs(
    db: Database, text: str, *, now: datetime, timezone: str
) -> PairImportReport:
    """Create or update the pairs of a pairs file, all or nothing.

    - Pairs are matched on (leader, member, kind); a re-import never duplicates one, and an
      identical file changes nothing and reports every row unchanged. Pairs absent from the
      file are left as they are.
    - The topic set is the row's topic_set key if given, else its programme's set, else none
      (the member's department set applies).
    - A pair whose ends_on is before today (`now` in `timezone`, the org's default zone) is
      inactive afterwards, its slots and history kept; any other row's pair is active.
    - Cadences are left alone: the schedule feature gives programme pairs their default.

    Raises PairImportError listing every problem (file and database checks together) before
    anything is written.
    """
    parsed = _parse(text)
    async with db.write() as session:
        if any(e.reason == Reason.missing_column for e in parsed.errors):
            raise PairImportError(parsed.errors)
        return await write_pair_rows(
            session, parsed.rows, now=now, timezone=timezone, errors=parsed.errors
        )


async def write_pair_rows(
    session: AsyncSession,
    rows: list[PairCsvRow],
    *,
    now: datetime,
    timezone: str,
    errors: list[RowError] | None = None,
) -> PairImportReport:
    """Check `rows` against the database and write them in the caller's transaction, all or
    nothing (PairImportError with `errors` and every new problem otherwise); see
    `import_pairs`."""
    conn = await session.connection()
    snap = await _load(conn)
    problems = [*(errors or []), *_db_errors(rows, snap)]
    if problems:
        raise PairImportError(problems)
    return await _write(conn, rows, snap, now, local_today(now, timezone))


async def import_pairs_file(
    db: Database, path: Path, *, now: datetime, timezone: str
) -> PairImportReport:
    """`import_pairs` on a file (UTF-8, with or without a BOM); see there for the rules."""
    data = await asyncio.to_thread(path.read_bytes)
    return await import_pairs(db, decode_csv(data, PairImportError), now=now, timezone=timezone)
