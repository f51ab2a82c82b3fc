"""Engine and session factory.

People write `sqlite:///file.db` or `postgresql://...`; we pick the async driver for them.
SQLite runs in WAL mode with a busy timeout, and write transactions begin IMMEDIATE so two
writers queue for the lock up front instead of failing half-way with "database is locked".

`Database.fetch_all` is the hot-path read: Core statements in, plain tuples out. On SQLite
every step of an ordinary execute (cursor, execute, fetch, close, the pool's reset) is a trip
to aiosqlite's worker thread and back, each one a GIL hand-over. A hot-path read itself takes
tens of microseconds, ten times less than one such trip, so `fetch_all` runs its statements
right on the calling thread, on a read-only connection that never waits for a lock. When
SQLite answers busy (rare in WAL mode: recovery, a checkpoint holding the WAL index) the read
goes to a reader thread that may wait; a statement that ever takes longer than
SYNC_READ_BUDGET_S goes there from then on, so the event loop is never held up by a slow read.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

_WRITE_OPTION = "oneonone_write"
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_POOL_SIZE = 15
SYNC_READ_BUDGET_S = 0.003
SLOW_READS_TO_MOVE = 3

logger = logging.getLogger("oneonone.db")


def async_url(url: str) -> URL:
    """Map the URL people write to the async driver we ship."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the driver so we can choose DEFERRED or IMMEDIATE ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Reads run in autocommit: in WAL mode each statement sees a consistent snapshot,
        # and skipping BEGIN saves a round trip to aiosqlite's thread on the hot path.
        if conn.get_execution_options().get(_WRITE_OPTION, False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


Processor = Callable[[Any], Any] | None
Query = tuple[sa.Select[Any], Mapping[str, Any]]
_REQUIRED = object()


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled once for the SQLite reader: SQL text, how to bind, how to read."""

    sql: str
    # (parameter key, value when the caller gives none, bind processor) in placeholder order
    binds: tuple[tuple[str, Any, Processor], ...]
    results: tuple[Processor, ...]


def _bind_values(prepared: _Prepared, params: Mapping[str, Any]) -> list[Any]:
    values = []
    for key, default, process in prepared.binds:
        value = params.get(key, default)
        if value is _REQUIRED:
            raise sa.exc.ArgumentError(f"a value is required for bind parameter {key!r}")
        values.append(process(value) if process is not None else value)
    return values


def _prepare(statement: sa.Select[Any], dialect: Dialect) -> _Prepared | None:
    """None when the statement needs per-call rendering (expanding IN and the like)."""
    compiled = statement.compile(dialect=dialect)
    if compiled.positiontup is None or compiled.post_compile_params:
        return None
    binds = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        if bind.callable is not None:
            return None
        default = _REQUIRED if bind.required else bind.value
        binds.append((bind.key, default, bind.type.dialect_impl(dialect).bind_processor(dialect)))
    # The same conversions SQLAlchemy applies to bound values and to result columns.
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.selected_columns
    )
    return _Prepared(compiled.string, tuple(binds), results)


def _open_reader(path: str, busy_timeout_ms: int) -> sqlite3.Connection:
    # check_same_thread off only so dispose() may close it; each connection is used by the
    # one thread that opened it (see Database._local_reader).
    reader = sqlite3.connect(
        path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    reader.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    # These connections only ever read; make SQLite refuse anything else.
    reader.execute("PRAGMA query_only=ON")
    return reader


def _execute_reads(
    conn: sqlite3.Connection, jobs: list[tuple[_Prepared, list[Any]]]
) -> list[list[tuple[Any, ...]]]:
    """Run the statements and convert what they return as SQLAlchemy would."""
    results = []
    for prepared, values in jobs:
        rows = conn.execute(prepared.sql, values).fetchall()
        processors = prepared.results
        if any(processors):
            rows = [
                tuple(
                    value if process is None or value is None else process(value)
                    for process, value in zip(processors, row, strict=True)
                )
                for row in rows
            ]
        results.append(rows)
    return results


def _is_busy(error: sqlite3.OperationalError) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(error)


_PING = sa.select(sa.literal(1))

# INSERT ... ON CONFLICT as the two backends spell it; both offer on_conflict_do_nothing()
# and on_conflict_do_update() with the same keywords.
Insert = postgresql.Insert | sqlite.Insert


def _insert(backend: str, table: Any) -> Insert:
    return postgresql.insert(table) if backend == "postgresql" else sqlite.insert(table)


def insert_in(session: AsyncSession, table: Any) -> Insert:
    """`Database.insert` for code that holds only a session (e.g. a helper called inside a
    feature's transaction)."""
    bind = session.bind
    return _insert(bind.dialect.name if bind is not None else "sqlite", table)


class Database:
    """One engine per process; `read()` and `write()` hand out sessions, `fetch()` rows."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = async_url(url)
        # Parameters can be memo text: keep them out of errors and logs.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        file_db = self.is_sqlite and self.url.database not in (None, "", ":memory:")
        if self.is_sqlite:
            # A file cannot drop the connection under us, so no pre-ping round trip.
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        if file_db:
            # Every aiosqlite connection is a thread of its own, and overflow connections are
            # closed on return: with more requests in flight than the pool holds, most of them
            # would start and stop a thread and reopen the file. Keep every connection instead,
            # and no more of them than before, so writers still queue here, in order, rather
            # than in SQLite's busy handler.
            kwargs["pool_size"] = SQLITE_POOL_SIZE
            kwargs["max_overflow"] = 0
        elif not self.is_sqlite:
            # A server can restart; pre-ping turns a stale pooled connection into a fresh one.
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = pool_size
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _install_sqlite_hooks(self.engine)
        self._read = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        self._write = async_sessionmaker(
            self.engine.execution_options(**{_WRITE_OPTION: True}),
            class_=AsyncSession,
            expire_on_commit=False,
        )
        self._prepared: dict[sa.Select[Any], _Prepared | None] = {}
        # Reads on the calling thread: one connection per thread, never waiting for a lock.
        self._local = threading.local()
        self._local_readers: list[sqlite3.Connection] = []
        # Statements found slow on the calling thread: how many times in a row, and those
        # moved to the reader thread for good after SLOW_READS_TO_MOVE.
        self._slow_runs: dict[str, int] = {}
        self._slow: set[str] = set()
        # The fallback: used only on the reader thread, created there on its first read.
        self._reader: sqlite3.Connection | None = None
        self._reader_pool: ThreadPoolExecutor | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    def insert(self, table: Any) -> Insert:
        """An INSERT into `table` that can say what to do ON CONFLICT, on this backend."""
        return _insert(self.url.get_backend_name(), table)

    def greatest(self, *values: Any) -> sa.ColumnElement[Any]:
        """The largest of the values in one row (SQLite's max() of several arguments)."""
        return sa.func.greatest(*values) if self.is_postgresql else sa.func.max(*values)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits on success and rolls back on any exception."""
        async with self._write() as session, session.begin():
            yield session

    async def fetch(
        self, statement: sa.Select[Any], params: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Rows of one read-only statement as plain tuples (see `fetch_all`)."""
        return (await self.fetch_all((statement, params or {})))[0]

    async def fetch_all(self, *queries: Query) -> list[list[tuple[Any, ...]]]:
        """Rows of each read-only (statement, params) as plain tuples, values converted as
        SQLAlchemy converts them; on SQLite right here, or else in one trip to the reader
        thread (see the module docstring).

        Build each statement once and reuse it (with bind parameters): on SQLite it is compiled
        on first use and kept. A SQLite read sees every transaction committed before the call
        (WAL; each statement reads the latest snapshot), so nothing written here is stale.
        """
        batch = [(self._sqlite_prepared(stmt), params) for stmt, params in queries]
        if not batch or any(prepared is None for prepared, _ in batch):
            async with self.engine.connect() as conn:
                return [
                    [tuple(row) for row in await conn.execute(stmt, dict(params))]
                    for stmt, params in queries
                ]
        jobs = [
            (prepared, _bind_values(prepared, params)) for prepared, params in batch if prepared
        ]
        if not any(prepared.sql in self._slow for prepared, _ in jobs):
            reader = self._local_reader()
            started = time.perf_counter()
            try:
                rows = _execute_reads(reader, jobs)
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
            else:
                self._note_duration(jobs, time.perf_counter() - started)
                return rows
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader_thread(), self._run_reads, jobs)

    def _note_duration(self, jobs: list[tuple[_Prepared, list[Any]]], seconds: float) -> None:
        """Several slow runs in a row (not one hiccup) send these statements to the reader
        thread for good."""
        for prepared, _ in jobs:
            if seconds <= SYNC_READ_BUDGET_S:
                self._slow_runs.pop(prepared.sql, None)
                continue
            runs = self._slow_runs.get(prepared.sql, 0) + 1
            self._slow_runs[prepared.sql] = runs
            if runs >= SLOW_READS_TO_MOVE:
                self._slow.add(prepared.sql)
                logger.warning("a hot-path read was slow; it runs on the reader thread now")

    def _local_reader(self) -> sqlite3.Connection:
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if reader is None:
            assert self.url.database is not None
            reader = _open_reader(self.url.database, busy_timeout_ms=0)
            self._local.reader = reader
            self._local_readers.append(reader)
        return reader

    def _sqlite_prepared(self, statement: sa.Select[Any]) -> _Prepared | None:
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            # An in-memory database exists only inside the engine's own connection.
            return None
        if statement not in self._prepared:
            self._prepared[statement] = _prepare(statement, self.engine.dialect)
        return self._prepared[statement]

    def _reader_thread(self) -> ThreadPoolExecutor:
        if self._reader_pool is None:
            # One thread and one connection: a read takes microseconds, so more threads
            # would only contend for the GIL.
            self._reader_pool = ThreadPoolExecutor(1, thread_name_prefix="sqlite-reader")
        return self._reader_pool

    def _run_reads(self, jobs: list[tuple[_Prepared, list[Any]]]) -> list[list[tuple[Any, ...]]]:
        """On the reader thread, which may wait for a lock."""
        if self._reader is None:
            assert self.url.database is not None
            self._reader = _open_reader(self.url.database, SQLITE_BUSY_TIMEOUT_MS)
        return _execute_reads(self._reader, jobs)

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    async def ping(self) -> None:
        """Raise when the database cannot answer a trivial read.

        A SQLite file is read on a connection of its own, outside the pool: while another
        process holds the write lock, queued writers can hold every pooled connection, yet the
        database is up (WAL readers never wait for the lock)."""
        if self._sqlite_prepared(_PING) is not None:
            await self.fetch(_PING)
            return
        async with self.engine.connect() as conn:
            await conn.execute(_PING)

    async def dispose(self) -> None:
        for reader in self._local_readers:
            reader.close()
        self._local_readers.clear()
        self._local = threading.local()
        if self._reader_pool is not None:
            pool, self._reader_pool = self._reader_pool, None
            await asyncio.get_running_loop().run_in_executor(pool, self._close_reader)
            pool.shutdown(wait=False)
        await self.engine.dispose()
