"""Who is acting: map a chat user id to a Person, learning what the platform knows."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.i18n import normalize_locale
from bot.ports import Directory
from storage.db import Database
from storage.models import Person, utcnow

logger = logging.getLogger("oneonone.people")

PERSON_CACHE_SECONDS = 30.0
PERSON_CACHE_MAX = 50_000


PERSON_COLUMNS = tuple(c.name for c in Person.__table__.columns)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Party:
    """One person of a pair, as the hot read paths return them: a plain value rather than a
    Person instance (building a SQLModel table instance costs about 0.1 ms, and every `/1on1`
    needs two)."""

    id: int
    name: str
    department: str
    slack_id: str | None
    locale: str | None
    timezone: str | None


# The Person columns a Party is read from, in field order.
PARTY_COLUMNS = tuple(Party.__dataclass_fields__)


def person_from_row(values: Sequence[Any]) -> Person:
    """A Person from a row of all its columns (in table order), as read by a plain statement.

    A full instance (not `model_construct`): callers may set attributes on it, which needs
    SQLAlchemy's instance state.
    """
    return Person(**dict(zip(PERSON_COLUMNS, values, strict=True)))


@cache
def _by_slack_id_statement() -> sa.Select[Any]:
    person = Person.__table__  # type: ignore[attr-defined]
    return sa.select(*person.c).where(
        person.c.slack_id == sa.bindparam("slack_id"), person.c.active.is_(True)
    )


class PeopleService:
    def __init__(self, db: Database, *, default_locale: str, default_timezone: str) -> None:
        self._db = db
        self.default_locale = default_locale
        self.default_timezone = default_timezone
        self._background: set[asyncio.Task[None]] = set()
        self._cache: dict[str, tuple[float, Person]] = {}

    def locale_of(self, person: Person | Party | None) -> str:
        return normalize_locale(person.locale if person else None, self.default_locale)

    def timezone_of(self, person: Person | Party | None) -> str:
        return (person.timezone if person else None) or self.default_timezone

    async def by_slack_id(self, slack_id: str) -> Person | None:
        """Every request starts here, so found people are kept for a short while.

        The copy lives PERSON_CACHE_SECONDS at most, so an org import run elsewhere (another
        replica, the CLI) shows within that time; nobody unknown is cached.
        """
        cached = self._cache.get(slack_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < PERSON_CACHE_SECONDS:
            return cached[1]
        rows = await self._db.fetch(_by_slack_id_statement(), {"slack_id": slack_id})
        person = person_from_row(rows[0]) if rows else None
        if person is not None:
            if len(self._cache) >= PERSON_CACHE_MAX:
                self._cache.clear()
            self._cache[slack_id] = (now, person)
        else:
            self._cache.pop(slack_id, None)
        return person

    def forget(self, slack_id: str | None = None) -> None:
        """Drop cached people (all, or one) after this process changed them."""
        if slack_id is None:
            self._cache.clear()
        else:
            self._cache.pop(slack_id, None)

    async def resolve_slack_user(self, slack_id: str, directory: Directory) -> Person | None:
        """The Person behind a Slack user, or None when the org data does not know them.

        A person imported by email without a Slack id is linked on first contact. Locale and
        time zone the CSV left empty are taken from Slack's profile once and remembered, so
        the platform is asked at most once per person. Remembering happens in the background:
        a first `/1on1` must open its modal before the 3-second trigger id dies, and on SQLite
        a write would queue behind every other writer.
        """
        person = await self.by_slack_id(slack_id)
        if person is not None and person.locale and person.timezone:
            return person
        entry = await directory.lookup(slack_id)
        if entry is None or entry.deleted:
            return person
        if person is None:
            if not entry.email:
                return None
            person = await self._by_unlinked_email(entry.email)
            if person is None:
                return None
        learned = {
            "slack_id": slack_id,
            "locale": person.locale or normalize_locale(entry.locale, self.default_locale),
            "timezone": person.timezone or entry.timezone,
        }
        for field, value in learned.items():
            setattr(person, field, value)
        self._remember(person.id, learned)
        return person

    async def _by_unlinked_email(self, email: str) -> Person | None:
        async with self._db.read() as session:
            return (
                await session.exec(
                    select(Person).where(
                        Person.email == email.lower(),
                        col(Person.slack_id).is_(None),
                        col(Person.active).is_(True),
                    )
                )
            ).first()

    def _remember(self, person_id: int | None, learned: dict[str, str | None]) -> None:
        task = asyncio.create_task(self._write_learned(person_id, learned))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _write_learned(self, person_id: int | None, learned: dict[str, str | None]) -> None:
        try:
            async with self._db.write() as session:
                person = await session.get(Person, person_id)
                if person is None:
                    return
                for field, value in learned.items():
                    # Only fill blanks: the CSV or an admin may have set a value meanwhile.
                    if value and (field == "slack_id" or not getattr(person, field)):
                        setattr(person, field, value)
                person.updated_at = utcnow()
                session.add(person)
            self.forget(learned.get("slack_id"))
        except IntegrityError:
            logger.warning("person %s: slack id already linked to someone else", person_id)
        except Exception:
            logger.exception("person %s: could not remember the Slack profile", person_id)

    async def drain(self) -> None:
        """Wait for background writes (shutdown, tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
