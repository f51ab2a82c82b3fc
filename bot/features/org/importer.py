"""The org import: `oneonone org import FILE.csv` (DESIGN.md "Contracts", Org CSV).

The file is the HR system's view of who reports to whom. Importing it creates or updates
People (matched by e-mail) and keeps exactly one active manager Pair per person who has a
manager in the file. It is all-or-nothing: every problem in the file is collected and
reported at once, and nothing is written while any remains.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import io
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from bot.i18n import SUPPORTED_LOCALES
from storage.db import Database
from storage.models import PairKind, Role, utcnow

COLUMNS: tuple[str, ...] = (
    "email",
    "name",
    "department",
    "manager_email",
    "slack_id",
    "teams_id",
    "role",
    "locale",
    "timezone",
)

# Column sizes in storage.models.Person; checked up front so PostgreSQL never rejects a row
# half-way through the transaction.
_MAX_LENGTH = {"email": 254, "name": 200, "department": 200, "slack_id": 32, "teams_id": 200}

# Rows written between progress reports and between database round trips.
BATCH_SIZE = 200
# SQLite allows 999 bound parameters in old builds; IN lists stay well below that.
_IN_CHUNK = 500
# Long cycles are abbreviated in the message; the people on them are still all reported.
_CYCLE_SHOWN = 6

_EMAIL = re.compile(r"^[^@\s,;:<>()\[\]\"]+@[^@\s,;:<>()\[\]\"]+\.[^@\s,;:<>()\[\]\"]+$")
_LOCALE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.IGNORECASE)

_PERSON = SQLModel.metadata.tables["person"]
_PAIR = SQLModel.metadata.tables["pair"]


class Reason(StrEnum):
    """Why a row was refused; stable codes, safe to match on."""

    missing_column = "missing_column"
    not_utf8 = "not_utf8"
    bad_csv = "bad_csv"
    missing_email = "missing_email"
    invalid_email = "invalid_email"
    missing_name = "missing_name"
    too_long = "too_long"
    duplicate_email = "duplicate_email"
    no_chat_id = "no_chat_id"
    duplicate_slack_id = "duplicate_slack_id"
    duplicate_teams_id = "duplicate_teams_id"
    slack_id_taken = "slack_id_taken"
    teams_id_taken = "teams_id_taken"
    unknown_manager = "unknown_manager"
    self_manager = "self_manager"
    manager_cycle = "manager_cycle"
    bad_timezone = "bad_timezone"
    bad_role = "bad_role"
    bad_locale = "bad_locale"


@dataclass(frozen=True)
class OrgRow:
    """One valid person row. Empty optional cells are None ("the file does not say")."""

    line: int
    email: str
    name: str
    department: str
    manager_email: str | None
    slack_id: str | None
    teams_id: str | None
    role: Role
    locale: str | None
    timezone: str | None


@dataclass(frozen=True)
class RowError:
    """One problem: where (physical line, header = 1), whose (e-mail as written), why."""

    line: int
    email: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        who = f" ({self.email})" if self.email else ""
        text = f"line {self.line}{who}: {self.reason}"
        return f"{text} — {self.detail}" if self.detail else text


class FileRefused(Exception):
    """A CSV file was refused; `errors` lists every problem found, in file order. Each import
    names its file (`WHAT`) in the message."""

    SHOWN = 20
    WHAT = "file"

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors: list[RowError] = sorted(errors, key=lambda e: e.line)
        lines = [str(e) for e in self.errors[: self.SHOWN]]
        if len(self.errors) > self.SHOWN:
            lines.append(f"... and {len(self.errors) - self.SHOWN} more")
        count = len(self.errors)
        noun = "problem" if count == 1 else "problems"
        head = f"{self.WHAT} refused, nothing was imported: {count} {noun}"
        super().__init__("\n".join([head, *lines]))


class OrgImportError(FileRefused):
    WHAT = "org file"


@dataclass
class ImportReport:
    """What an import did; pairs counted here are manager pairs only."""

    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    pairs_created: int = 0
    pairs_reactivated: int = 0
    pairs_deactivated: int = 0

    def __str__(self) -> str:
        return (
            f"people: {self.people_created} created, {self.people_updated} updated, "
            f"{self.people_unchanged} unchanged; manager pairs: {self.pairs_created} created, "
            f"{self.pairs_reactivated} reactivated, {self.pairs_deactivated} deactivated"
        )


# --- parsing: checks that need nothing but the file ------------------------------------------


@dataclass
class _Parsed:
    rows: list[OrgRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows whose e-mail is valid and seen first; later duplicates are refused.
    primary: dict[str, OrgRow] = field(default_factory=dict)


@functools.cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def _timezone(value: str) -> str | None:
    """The canonical IANA name ("asia/tokyo" -> "Asia/Tokyo"), or None if unknown."""
    zones = _zones()
    if zones:
        return zones.get(value.lower())
    try:  # no zone list on this system: ask zoneinfo directly
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value


def _locale(value: str) -> str | None:
    match = _LOCALE.match(value)
    if match is None:
        return None
    short = match.group(1).lower()
    return short if short in SUPPORTED_LOCALES else None


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _records(text: str) -> Iterator[tuple[int, list[str]] | RowError]:
    """(first physical line, cells) per CSV record; a RowError if the CSV itself breaks."""
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(reader.line_num, "", Reason.bad_csv, str(exc))
            return
        start, end = end + 1, reader.line_num
        yield start, cells


@dataclass(frozen=True)
class _RowCheck:
    row: OrgRow
    email_ok: bool
    errors: list[RowError]


def _check_row(line: int, cells: list[str], index: dict[str, int]) -> _RowCheck:
    errors: list[RowError] = []
    values = {name: _cell(cells, i) for name, i in index.items()}
    raw_email = values["email"]
    email = raw_email.lower()

    def fail(reason: Reason, detail: str = "") -> None:
        errors.append(RowError(line, raw_email, reason, detail))

    if any("\n" in c or "\r" in c for c in cells):
        fail(Reason.bad_csv, "line break inside a field (unclosed quote?)")
    email_ok = False
    if not email:
        fail(Reason.missing_email)
    elif not _EMAIL.match(email):
        fail(Reason.invalid_email, raw_email)
    else:
        email_ok = True
    if not values["name"]:
        fail(Reason.missing_name)
    for column, limit in _MAX_LENGTH.items():
        if len(values[column]) > limit:
            fail(Reason.too_long, f"{column}: {len(values[column])} characters (max {limit})")
            email_ok = email_ok and column != "email"

    manager = values["manager_email"].lower() or None
    if manager is not None:
        if not _EMAIL.match(manager):
            fail(Reason.invalid_email, f"manager_email: {values['manager_email']}")
            manager = None
        elif manager == email:
            fail(Reason.self_manager, manager)
            manager = None

    slack_id = values["slack_id"] or None
    teams_id = values["teams_id"] or None
    if slack_id is None and teams_id is None:
        fail(Reason.no_chat_id, "slack_id and teams_id are both empty")

    role = Role.member
    if values["role"]:
        try:
            role = Role(values["role"].lower())
        except ValueError:
            fail(Reason.bad_role, f"{values['role']} (expected member, hr or admin)")

    locale = None
    if values["locale"]:
        locale = _locale(values["locale"])
        if locale is None:
            fail(Reason.bad_locale, f"{values['locale']} (expected ja or en)")

    timezone = None
    if values["timezone"]:
        timezone = _timezone(values["timezone"])
        if timezone is None:
            fail(Reason.bad_timezone, f"{values['timezone']} (expected e.g. Asia/Tokyo)")

    row = OrgRow(
        line=line,
        email=email,
        name=values["name"],
        department=values["department"],
        manager_email=manager,
        slack_id=slack_id,
        teams_id=teams_id,
        role=role,
        locale=locale,
        timezone=timezone,
    )
    return _RowCheck(row, email_ok, errors)


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

    first_slack: dict[str, int] = {}
    first_teams: dict[str, int] = {}
    for record in records:
        if isinstance(record, RowError):
            out.errors.append(record)
            break
        line, cells = record
        if not any(c.strip() for c in cells):
            continue  # blank lines (and Excel's trailing ",,,,") are not rows
        if len(cells) > len(header):
            # Everything after an unquoted comma is shifted; checking those cells would
            # only bury the real problem under follow-on complaints.
            email = _cell(cells, index["email"])
            detail = f"{len(cells)} fields but the header has {len(header)} (unquoted comma?)"
            out.errors.append(RowError(line, email, Reason.bad_csv, detail))
            continue
        check = _check_row(line, cells, index)
        row = check.row
        out.errors.extend(check.errors)
        out.rows.append(row)
        if check.email_ok:
            earlier = out.primary.get(row.email)
            if earlier is not None:
                out.errors.append(
                    RowError(
                        line, row.email, Reason.duplicate_email, f"also on line {earlier.line}"
                    )
                )
                continue  # its ids would only repeat the same complaint
            out.primary[row.email] = row
        for value, seen, reason in (
            (row.slack_id, first_slack, Reason.duplicate_slack_id),
            (row.teams_id, first_teams, Reason.duplicate_teams_id),
        ):
            if value is None:
                continue
            if value in seen:
                out.errors.append(
                    RowError(line, row.email, reason, f"{value} (also on line {seen[value]})")
                )
            else:
                seen[value] = line
    return out


# --- the manager graph ---------------------------------------------------------------------


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (a 10,000-deep chain must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _cycle_through(start: str, graph: dict[str, list[str]], members: set[str]) -> list[str]:
    """The shortest manager chain from `start` back to itself inside one component."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph.get(node, ()):
            if nxt not in members:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return [start, start]  # unreachable for a strongly connected component


def _show_cycle(path: list[str]) -> str:
    if len(path) <= _CYCLE_SHOWN + 1:
        return " -> ".join(path)
    hidden = len(path) - _CYCLE_SHOWN - 1
    return " -> ".join([*path[:_CYCLE_SHOWN], f"... ({hidden} more)", path[-1]])


def _cycle_errors(
    primary: dict[str, OrgRow], db_edges: dict[str, list[str]] | None = None
) -> list[RowError]:
    """A manager_cycle error for every person of the file who sits on a manager cycle.

    The graph is the state after the import: file rows say who their manager is, everyone
    else keeps the manager pairs they have. Only cycles through a file row are reported;
    one the file did not touch is older than this import.
    """
    graph: dict[str, list[str]] = dict(db_edges or {})
    for email, row in primary.items():
        graph[email] = [row.manager_email] if row.manager_email else []
    errors: list[RowError] = []
    for component in _strongly_connected(graph):
        if len(component) < 2:
            continue  # self-managers are refused as self_manager and never become edges
        members = set(component)
        in_file = sorted((primary[e] for e in component if e in primary), key=lambda r: r.line)
        if not in_file:
            continue
        loop = _cycle_through(in_file[0].email, graph, members)
        one_loop = len(loop) - 1 == len(members)
        for row in in_file:
            if one_loop:  # every member is on this loop: rotate instead of searching again
                at = loop.index(row.email)
                path = [*loop[at:-1], *loop[:at], row.email]
            else:
                path = _cycle_through(row.email, graph, members)
            errors.append(RowError(row.line, row.email, Reason.manager_cycle, _show_cycle(path)))
    return errors


def parse_org_csv(text: str) -> list[OrgRow]:
    """The rows of an org file, checked on their own (no database).

    Raises OrgImportError listing every problem in the file. Managers that are not in the
    file are not refused here: they may already be in the database, which `import_org`
    checks.
    """
    parsed = _parse(text)
    errors = parsed.errors + _cycle_errors(parsed.primary)
    if errors:
        raise OrgImportError(errors)
    return parsed.rows


# --- the database side ---------------------------------------------------------------------


@dataclass
class _Known:
    id: int
    email: str
    name: str
    department: str
    slack_id: str | None
    teams_id: str | None
    role: str
    locale: str | None
    timezone: str | None
    active: bool


@dataclass
class _ManagerPair:
    id: int
    leader_id: int
    member_id: int
    active: bool


@dataclass
class _Snapshot:
    by_email: dict[str, _Known]
    by_id: dict[int, _Known]
    by_slack: dict[str, _Known]
    by_teams: dict[str, _Known]
    pairs: list[_ManagerPair]


async def _load(conn: AsyncConnection) -> _Snapshot:
    people = [
        _Known(**row._mapping)
        for row in await conn.execute(
            sa.select(
                _PERSON.c.id,
                _PERSON.c.email,
                _PERSON.c.name,
                _PERSON.c.department,
                _PERSON.c.slack_id,
                _PERSON.c.teams_id,
                _PERSON.c.role,
                _PERSON.c.locale,
                _PERSON.c.timezone,
                _PERSON.c.active,
            )
        )
    ]
    by_email: dict[str, _Known] = {}
    for person in people:
        key = person.email.lower()
        # Should two spellings of one address exist, the lower-case one is the match.
        if key not in by_email or person.email == key:
            by_email[key] = person
    pairs = [
        _ManagerPair(**row._mapping)
        for row in await conn.execute(
            sa.select(_PAIR.c.id, _PAIR.c.leader_id, _PAIR.c.member_id, _PAIR.c.active).where(
                _PAIR.c.kind == PairKind.manager.value
            )
        )
    ]
    return _Snapshot(
        by_email=by_email,
        by_id={p.id: p for p in people},
        by_slack={p.slack_id: p for p in people if p.slack_id},
        by_teams={p.teams_id: p for p in people if p.teams_id},
        pairs=pairs,
    )


def _db_errors(parsed: _Parsed, snap: _Snapshot) -> list[RowError]:
    errors: list[RowError] = []
    for row in parsed.primary.values():
        manager = row.manager_email
        if manager is not None and manager not in parsed.primary:
            known = snap.by_email.get(manager)
            if known is None:
                errors.append(RowError(row.line, row.email, Reason.unknown_manager, manager))
            elif not known.active:
                errors.append(
                    RowError(row.line, row.email, Reason.unknown_manager, f"{manager} (inactive)")
                )
        for value, holders, column, reason in (
            (row.slack_id, snap.by_slack, "slack_id", Reason.slack_id_taken),
            (row.teams_id, snap.by_teams, "teams_id", Reason.teams_id_taken),
        ):
            holder = holders.get(value) if value else None
            if holder is None or holder.email.lower() == row.email:
                continue
            holder_row = parsed.primary.get(holder.email.lower())
            # The holder may hand the id over in this same file; an empty cell keeps it.
            if holder_row is None or getattr(holder_row, column) is None:
                errors.append(RowError(row.line, row.email, reason, f"{value} is {holder.email}'s"))
    return errors


def _db_edges(parsed: _Parsed, snap: _Snapshot) -> dict[str, list[str]]:
    """Manager edges of people the file leaves alone, by e-mail."""
    edges: dict[str, list[str]] = {}
    for pair in snap.pairs:
        if not pair.active:
            continue
        member = snap.by_id[pair.member_id].email.lower()
        if member in parsed.primary:
            continue
        edges.setdefault(member, []).append(snap.by_id[pair.leader_id].email.lower())
    return edges


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _person_values(row: OrgRow, known: _Known | None) -> dict[str, Any]:
    """The stored columns a row asks for. Empty id/locale/timezone cells keep what is there."""
    return {
        "email": row.email,
        "name": row.name,
        "department": row.department,
        "slack_id": row.slack_id or (known.slack_id if known else None),
        "teams_id": row.teams_id or (known.teams_id if known else None),
        "role": row.role.value,
        "locale": row.locale or (known.locale if known else None),
        "timezone": row.timezone or (known.timezone if known else None),
        "active": True,
    }


def _differs(values: dict[str, Any], known: _Known) -> bool:
    return any(getattr(known, key) != value for key, value in values.items())


async def _write(
    conn: AsyncConnection,
    rows: list[OrgRow],
    snap: _Snapshot,
    progress: Callable[[int, int], None] | None,
) -> ImportReport:
    report = ImportReport()
    now: datetime = utcnow()
    total = len(rows)

    plans: list[tuple[OrgRow, _Known | None, dict[str, Any]]] = []
    for row in rows:
        known = snap.by_email.get(row.email)
        plans.append((row, known, _person_values(row, known)))

    # Ids can move between people in one file (a re-issued Slack account). Clear every id
    # that changes first so the unique constraints never see two holders mid-way.
    for column in ("slack_id", "teams_id"):
        moving = [
            k.id
            for _, k, values in plans
            if k is not None
            and getattr(k, column) is not None
            and getattr(k, column) != values[column]
        ]
        for chunk in _chunks(moving, _IN_CHUNK):
            await conn.execute(
                sa.update(_PERSON).where(_PERSON.c.id.in_(chunk)).values({column: None})
            )

    ids: dict[str, int] = {email: k.id for email, k in snap.by_email.items()}
    update_stmt = sa.update(_PERSON).where(_PERSON.c.id == sa.bindparam("person_id"))
    insert_stmt = sa.insert(_PERSON).returning(_PERSON.c.id, _PERSON.c.email)
    done = 0
    for batch in _chunks(plans, BATCH_SIZE):
        updates: list[dict[str, Any]] = []
        inserts: list[dict[str, Any]] = []
        for _row, known, values in batch:
            if known is None:
                inserts.append({**values, "created_at": now, "updated_at": now})
            elif _differs(values, known):
                updates.append({**values, "person_id": known.id, "updated_at": now})
            else:
                report.people_unchanged += 1
        if updates:
            await conn.execute(update_stmt, updates)
            report.people_updated += len(updates)
        if inserts:
            result = await conn.execute(insert_stmt, inserts)
            ids.update({email: person_id for person_id, email in result})
            report.people_created += len(inserts)
        done += len(batch)
        if progress is not None and done < total:
            progress(done, total)

    await _write_pairs(conn, rows, snap, ids, now, report)
    if progress is not None:
        progress(total, total)
    return report


async def _write_pairs(
    conn: AsyncConnection,
    rows: list[OrgRow],
    snap: _Snapshot,
    ids: dict[str, int],
    now: datetime,
    report: ImportReport,
) -> None:
    existing = {(p.leader_id, p.member_id): p for p in snap.pairs}
    active_of: dict[int, list[_ManagerPair]] = {}
    for pair in snap.pairs:
        if pair.active:
            active_of.setdefault(pair.member_id, []).append(pair)

    deactivate: list[int] = []
    reactivate: list[int] = []
    create: list[dict[str, Any]] = []
    for row in rows:
        member_id = ids[row.email]
        leader_id = ids[row.manager_email] if row.manager_email else None
        for pair in active_of.get(member_id, ()):
            if pair.leader_id != leader_id:
                deactivate.append(pair.id)
        if leader_id is None:
            continue
        wanted = existing.get((leader_id, member_id))
        if wanted is None:
            create.append(
                {
                    "leader_id": leader_id,
                    "member_id": member_id,
                    "kind": PairKind.manager.value,
                    "topic_set_id": None,
                    "rrule": None,
                    "duration_minutes": 30,
                    "timezone": None,
                    "active": True,
                    "created_at": now,
                }
            )
        elif not wanted.active:
            reactivate.append(wanted.id)

    for pair_ids, active in ((deactivate, False), (reactivate, True)):
        for chunk in _chunks(pair_ids, _IN_CHUNK):
            await conn.execute(sa.update(_PAIR).where(_PAIR.c.id.in_(chunk)).values(active=active))
    for chunk in _chunks(create, BATCH_SIZE * 5):
        await conn.execute(sa.insert(_PAIR), list(chunk))
    report.pairs_deactivated = len(deactivate)
    report.pairs_reactivated = len(reactivate)
    report.pairs_created = len(create)


async def import_org(
    db: Database, text: str, *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Create or update the people of an org file and their manager pairs, all or nothing.

    - People are matched by e-mail (case-insensitive); a re-import never duplicates anyone,
      and one with identical content changes nothing and reports everyone unchanged.
    - People absent from the file are left exactly as they are (partial files, e.g. one
      department, are common); so are their pairs. Nobody is deactivated by an import.
    - Everyone in the file is active afterwards. An empty slack_id / teams_id / locale /
      timezone cell keeps what is stored (an id linked on first contact, a language learnt
      from Slack); an empty role means member.
    - Each person with a manager has exactly one active manager Pair (leader = manager).
      If the manager changed, the old pair is deactivated (its history stays) and the new
      one created or reactivated. A person with an empty manager cell loses their active
      manager pair. Mentor, peer and senior pairs are never touched.
    - `progress(done, total)` is called every BATCH_SIZE people and once with (total, total)
      when everything is written.

    Raises OrgImportError listing every problem (file and database checks together) before
    anything is written.
    """
    parsed = _parse(text)
    async with db.write() as session:
        conn = await session.connection()
        snap = await _load(conn)
        if not any(e.reason == Reason.missing_column for e in parsed.errors):
            parsed.errors += _db_errors(parsed, snap)
            parsed.errors += _cycle_errors(parsed.primary, _db_edges(parsed, snap))
        if parsed.errors:
            raise OrgImportError(parsed.errors)
        return await _write(conn, list(parsed.primary.values()), snap, progress)


def decode_csv(data: bytes, refused: type[FileRefused]) -> str:
    """A CSV file's text (UTF-8, with or without a BOM); `refused` names what is wrong."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = "save it as UTF-8 (Excel: 'CSV UTF-8 (comma delimited)')"
        try:
            data.decode("cp932")
        except UnicodeDecodeError:
            pass
        else:
            hint = f"it looks like Shift_JIS; {hint}"
        detail = f"byte 0x{data[exc.start]:02x} on line {line} is not UTF-8; {hint}"
        raise refused([RowError(1, "", Reason.not_utf8, detail)]) from None


async def import_org_file(
    db: Database, path: Path, *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """`import_org` on a file (UTF-8, with or without a BOM); see there for the rules."""
    data = await asyncio.to_thread(path.read_bytes)
    return await import_org(db, decode_csv(data, OrgImportError), progress=progress)
