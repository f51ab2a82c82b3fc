"""Once a week: the most helpful new tips to the managers' channel, and each author's thanks.

Both are Delivery rows under a key per ISO week ("tips_weekly:2026-W47",
"tips_thanks:2026-W47:<person id>"), so however many replicas run the tick, each goes out
once. The moment is an admin's choice (weekday, time, time zone); the week covered is the
seven days before it. Producers only enqueue when there is something to say, and senders look
again at send time, so a tip deleted in between is not announced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col, select

from bot.core.delivery import enqueue, payload_of
from bot.features.org import PeopleService
from bot.features.tips.service import TipsConfig, TipsService, TipsWeekly, TipThanks
from bot.ports import DeliveryFailed, Messenger
from storage.db import Database
from storage.models import Delivery, Person, Tip, TipHelpful

KIND_WEEKLY = "tips_weekly"
KIND_THANKS = "tips_thanks"
WEEKLY_TIPS = 5


@dataclass(frozen=True)
class Week:
    key: str  # "2026-W47": the ISO week of the moment
    since: datetime
    until: datetime  # the moment itself


def latest_week(now: datetime, config: TipsConfig) -> Week:
    """The latest weekly moment at or before `now`, and the seven days it covers.

    Computed on the local calendar, so a DST change shifts nothing: the digest goes out at
    17:00 local time on both sides of it.
    """
    zone = ZoneInfo(config.timezone)
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - config.weekday) % 7)
    until = datetime.combine(day, config.time, tzinfo=zone)
    if until > local:
        day -= timedelta(days=7)
        until = datetime.combine(day, config.time, tzinfo=zone)
    since = datetime.combine(day - timedelta(days=7), config.time, tzinfo=zone)
    year, week, _ = day.isocalendar()
    return Week(f"{year}-W{week:02d}", since, until)


def _week_of(delivery: Delivery) -> Week | None:
    data = payload_of(delivery)
    try:
        return Week(
            str(data["week"]),
            datetime.fromisoformat(str(data["since"])),
            datetime.fromisoformat(str(data["until"])),
        )
    except (KeyError, ValueError):
        return None


def _payload(week: Week) -> dict[str, str]:
    return {"week": week.key, "since": week.since.isoformat(), "until": week.until.isoformat()}


async def _new_tips(db: Database, week: Week, limit: int) -> list[int]:
    """The week's new tips (not starters, not deleted), most helpful first."""
    async with db.read() as session:
        rows = await session.exec(
            select(Tip.id)
            .where(
                col(Tip.created_at) >= week.since,
                col(Tip.created_at) < week.until,
                col(Tip.deleted_at).is_(None),
                col(Tip.starter).is_(False),
            )
            .order_by(col(Tip.helpful_count).desc(), col(Tip.created_at), col(Tip.id))
            .limit(limit)
        )
        return [i for i in rows.all() if i is not None]


async def _thanks(
    db: Database, week: Week, author_id: int | None = None
) -> list[tuple[int, str, int]]:
    """(author id, tip title, marks) for the week's helpful marks on live tips."""
    async with db.read() as session:
        stmt = (
            select(Tip.author_id, Tip.title, sa.func.count())
            .join(TipHelpful, col(TipHelpful.tip_id) == Tip.id)
            .where(
                col(TipHelpful.created_at) >= week.since,
                col(TipHelpful.created_at) < week.until,
                col(Tip.deleted_at).is_(None),
                col(Tip.author_id).is_not(None),
            )
            .group_by(col(Tip.author_id), col(Tip.id), col(Tip.title))
            .order_by(sa.func.count().desc(), col(Tip.id))
        )
        if author_id is not None:
            stmt = stmt.where(Tip.author_id == author_id)
        rows = (await session.exec(stmt)).all()
    return [(int(a), str(t), int(n)) for a, t, n in rows if a is not None]


async def _missing(db: Database, keys: list[str]) -> set[str]:
    """Keys not enqueued yet: checked in a read, so a quiet tick takes no write lock."""
    if not keys:
        return set()
    async with db.read() as session:
        rows = await session.exec(select(Delivery.key).where(col(Delivery.key).in_(keys)))
        return set(keys) - set(rows.all())


class TipsWeeklyProducer:
    """Enqueues the week's digest for the managers' channel once its moment has come."""

    def __init__(self, db: Database, tips: TipsService) -> None:
        self._db = db
        self._tips = tips

    async def enqueue_due(self, now: datetime) -> int:
        config = await self._tips.current_config()
        if not config.channel:
            return 0
        week = latest_week(now, config)
        key = f"{KIND_WEEKLY}:{week.key}"
        if not await _missing(self._db, [key]):
            return 0
        top = await _new_tips(self._db, week, 1)
        if not top:
            return 0
        async with self._db.write() as session:
            tip = await session.get(Tip, top[0])
            if tip is None or tip.author_id is None:
                return 0
            # The ledger names a person for every row; a channel post has none, so it names
            # the author of the week's top tip, which is what the post is about.
            added = await enqueue(
                session,
                key=key,
                kind=KIND_WEEKLY,
                person_id=tip.author_id,
                due_at=week.until,
                payload=_payload(week),
            )
        return int(added)


class TipThanksProducer:
    """Enqueues each author's weekly note of thanks once the weekly moment has come."""

    def __init__(self, db: Database, tips: TipsService) -> None:
        self._db = db
        self._tips = tips

    async def enqueue_due(self, now: datetime) -> int:
        config = await self._tips.current_config()
        week = latest_week(now, config)
        authors = sorted({author for author, _, _ in await _thanks(self._db, week)})
        keys = {f"{KIND_THANKS}:{week.key}:{a}": a for a in authors}
        missing = await _missing(self._db, list(keys))
        if not missing:
            return 0
        added = 0
        async with self._db.write() as session:
            for key in sorted(missing):
                added += await enqueue(
                    session,
                    key=key,
                    kind=KIND_THANKS,
                    person_id=keys[key],
                    due_at=week.until,
                    payload=_payload(week),
                )
        return added


class TipsWeeklySender:
    def __init__(
        self, db: Database, tips: TipsService, messenger: Messenger, people: PeopleService
    ) -> None:
        self._db = db
        self._tips = tips
        self._messenger = messenger
        self._people = people

    async def send(self, delivery: Delivery, now: datetime) -> None:
        week = _week_of(delivery)
        if week is None:
            raise DeliveryFailed("bad_payload", permanent=True)
        config = await self._tips.current_config()
        if not config.channel:
            raise DeliveryFailed("no_channel", permanent=True)
        cards = await self._tips.live_cards(await _new_tips(self._db, week, WEEKLY_TIPS))
        if not cards:
            return  # all deleted since: nothing to announce
        await self._messenger.post(
            config.channel,
            TipsWeekly(week.since, week.until, config.timezone, tuple(cards)),
            locale=self._people.default_locale,
        )


class TipThanksSender:
    def __init__(self, db: Database, messenger: Messenger) -> None:
        self._db = db
        self._messenger = messenger

    async def send(self, delivery: Delivery, now: datetime) -> None:
        week = _week_of(delivery)
        if week is None:
            raise DeliveryFailed("bad_payload", permanent=True)
        items = [(title, n) for _, title, n in await _thanks(self._db, week, delivery.person_id)]
        if not items:
            return  # the marks were taken back
        async with self._db.read() as session:
            person = await session.get(Person, delivery.person_id)
        if person is None or not person.active:
            raise DeliveryFailed("person_gone", permanent=True)
        await self._messenger.send(
            person,
            TipThanks(week.since, week.until, sum(n for _, n in items), tuple(items)),
        )
