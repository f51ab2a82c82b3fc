"""Bring a database up to date with the Alembic migrations shipped in the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(db: Database, revision: str = "heads") -> None:
    # "heads": features may add migrations side by side off the same parent.
    def _upgrade(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.run_sync(_upgrade)
        return
    # SQLite's batch mode copies a table and drops the original; with foreign keys on, that
    # drop fails as soon as rows of other tables point at it. So they are off while migrating,
    # as SQLite's own guide to altering tables says, and checked once the tables are back.
    async with db.engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await conn.commit()
        try:
            async with conn.begin():
                await conn.run_sync(_upgrade)
            broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
            await conn.commit()
            if broken:
                raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")
        finally:
            await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            await conn.commit()


async def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)
