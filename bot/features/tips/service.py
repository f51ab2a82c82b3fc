"""Leaders' "this worked for me" tips: write, share in the managers' channel, find, thank.

Who may do what (ids in payloads are attacker controlled, so every entry point takes the
acting person's id and checks it here):
- leaders (people who lead at least one active pair) write tips and mark them helpful;
- leaders and admins browse them (tips hold no 1on1 content, but they are written for
  leaders, so HR and members do not browse them);
- a tip's author and admins edit or delete it; admins also remove starter tips;
- admins choose the managers' channel and when the weekly digest goes out.

The bot posts only to a channel it was invited to (no chat:write.public). When it is not
there, the tip is kept and its author is told how to invite the bot; it can be posted again
later, and an admin's channel change posts what is waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog import Expectation
from bot.core.errors import FieldError, NotAllowed, NotFound
from bot.core.errors import InvalidInput as CoreInvalidInput
from bot.features.org import PeopleService
from bot.features.tips.catalog import known_topic, topic_label
from bot.features.tips.search import PAGE_SIZE, SearchFilters, TipSearch, store_index
from bot.ports import DeliveryFailed, MessageRef, Messenger, Notice, message_ref
from storage.db import Database
from storage.models import Pair, Person, Role, Setting, Tip, TipHelpful
from storage.queries import DigestTip

__all__ = ["NotAllowed"]  # re-exported: listeners catch it from here

logger = logging.getLogger("oneonone.tips")

TITLE_MAX = 80
BODY_MAX = 1500
FREE_TOPIC_MAX = 40
DIGEST_TIPS = 2
# When an admin fixes the channel, tips that could not be posted recently go out then.
PENDING_WINDOW = timedelta(days=30)
PENDING_MAX = 20
# A post claimed this long ago by a process that never finished may be tried again.
POST_CLAIM = timedelta(minutes=2)
POSTING = "posting"

# Run-time settings live in the `setting` table under "tips.*" (built from the prefix so they
# are not mistaken for message keys).
SETTING_PREFIX = "tips."
SETTING_CHANNEL = f"{SETTING_PREFIX}channel"
SETTING_WEEKDAY = f"{SETTING_PREFIX}weekly_weekday"
SETTING_TIME = f"{SETTING_PREFIX}weekly_time"
SETTING_TIMEZONE = f"{SETTING_PREFIX}timezone"
DEFAULT_WEEKDAY = 4  # Friday
DEFAULT_TIME = time(17, 0)


class TipNotFound(NotFound):
    """No such tip, or it was deleted."""


class OwnTip(NotAllowed):
    """Authors do not mark their own tip helpful."""


@dataclass(frozen=True)
class TipFieldError(FieldError):
    """`field` is "topic" | "free_topic" | "expectation" | "title" | "body" | "weekday" | ...;
    `code` is "required" | "too_long" | "unknown" | "invalid"."""


class InvalidInput(CoreInvalidInput):
    errors: list[TipFieldError]

    def __init__(self, errors: list[TipFieldError]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class TipDraft:
    """A tip as the form submitted it; values are still untrusted here."""

    topic_key: str | None
    free_topic: str | None
    expectation: str | None
    title: str
    body: str


@dataclass(frozen=True)
class TipCard:
    """A tip as every surface shows it."""

    tip_id: int
    title: str
    body: str
    topic_key: str | None
    free_topic: str | None
    expectation: str | None
    helpful_count: int
    author_id: int | None
    author_name: str | None
    starter: bool
    created_at: datetime
    # Its post in the managers' channel, once posted.
    posted: MessageRef | None = None

    def topic(self, locale: str) -> str | None:
        return self.free_topic or topic_label(self.topic_key, locale)


class ShareOutcome(StrEnum):
    posted = "posted"
    not_in_channel = "not_in_channel"
    # Slack says this for a private channel the bot was not invited to, too.
    channel_not_found = "channel_not_found"
    no_channel = "no_channel"
    failed = "failed"
    busy = "busy"


@dataclass(frozen=True)
class TipsConfig:
    channel: str | None
    # True when the channel comes from ONEONONE_TIPS_CHANNEL, not from an admin's choice.
    channel_from_env: bool
    weekday: int  # 0 = Monday
    time: time
    timezone: str


@dataclass(frozen=True)
class ConfigChange:
    before: TipsConfig
    after: TipsConfig


@dataclass(frozen=True)
class ConfigInput:
    channel: str | None
    weekday: str | None
    time: str | None
    timezone: str | None


# --- notices (rendered by each chat surface) -----------------------------------------------------


@dataclass(frozen=True)
class TipPost(Notice):
    """The tip's message in the managers' channel: tags, helpful count, its buttons."""

    card: TipCard


@dataclass(frozen=True)
class TipGone(Notice):
    """Replaces a deleted tip's message when the message itself cannot be deleted."""

    title: str


@dataclass(frozen=True)
class TipShared(Notice):
    """Tells the author whether the tip reached the channel, and what to do if not."""

    tip_id: int
    title: str
    outcome: ShareOutcome
    channel: str | None


@dataclass(frozen=True)
class TipsWelcome(Notice):
    """The first message in a newly chosen managers' channel."""

    config: TipsConfig


@dataclass(frozen=True)
class TipsConfigSaved(Notice):
    """Tells the admin what was saved and whether the bot can post in the channel."""

    config: TipsConfig
    channel_check: ShareOutcome | None
    pending_posted: int = 0


@dataclass(frozen=True)
class TipsWeekly(Notice):
    """The most helpful new tips of the week, for the managers' channel."""

    since: datetime
    until: datetime
    timezone: str
    cards: tuple[TipCard, ...]


@dataclass(frozen=True)
class TipThanks(Notice):
    """An author's weekly note: how many leaders found their tips helpful."""

    since: datetime
    until: datetime
    total: int
    items: tuple[tuple[str, int], ...]  # (title, new helpful marks this week)


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    person_id: int
    leader: bool
    admin: bool

    @property
    def can_browse(self) -> bool:
        return self.leader or self.admin


@dataclass(frozen=True)
class HelpfulResult:
    card: TipCard
    marked: bool


@dataclass(frozen=True)
class TipQuery:
    words: str = ""
    topic_key: str | None = None
    expectation: str | None = None
    page: int = 0


@dataclass(frozen=True)
class SearchPage:
    query: TipQuery
    cards: list[TipCard]
    total: int | None
    has_next: bool
    capped: bool
    # Tips the viewer may edit or delete, and tips the viewer marked helpful.
    manageable: frozenset[int] = field(default_factory=frozenset)
    marked: frozenset[int] = field(default_factory=frozenset)
    can_mark: bool = False
    page_size: int = PAGE_SIZE


def _clean(text: str | None) -> str:
    return (text or "").strip()


def validate_draft(draft: TipDraft) -> TipDraft:
    """Check every field, report every problem at once, return the cleaned draft."""
    errors: list[TipFieldError] = []
    topic = _clean(draft.topic_key) or None
    if topic is not None and not known_topic(topic):
        errors.append(TipFieldError("topic", "unknown"))
    free = _clean(draft.free_topic) or None
    if free is not None and len(free) > FREE_TOPIC_MAX:
        errors.append(TipFieldError("free_topic", "too_long"))
    expectation = _clean(draft.expectation)
    if not expectation:
        errors.append(TipFieldError("expectation", "required"))
    elif expectation not in {e.value for e in Expectation}:
        errors.append(TipFieldError("expectation", "unknown"))
    title, body = _clean(draft.title), _clean(draft.body)
    for name, value, limit in (("title", title, TITLE_MAX), ("body", body, BODY_MAX)):
        if not value:
            errors.append(TipFieldError(name, "required"))
        elif len(value) > limit:
            errors.append(TipFieldError(name, "too_long"))
    if errors:
        raise InvalidInput(errors)
    return TipDraft(topic, free, expectation, title, body)


def _outcome_of(code: str) -> ShareOutcome:
    if code == "not_in_channel":
        return ShareOutcome.not_in_channel
    if code in ("channel_not_found", "is_archived"):
        return ShareOutcome.channel_not_found
    return ShareOutcome.failed


class TipsService:
    def __init__(
        self,
        db: Database,
        messenger: Messenger,
        people: PeopleService,
        *,
        default_channel: str = "",
    ) -> None:
        self._db = db
        self._messenger = messenger
        self._people = people
        self._default_channel = default_channel.strip()
        self._search = TipSearch(postgres=db.is_postgresql)

    # --- who may do what ---------------------------------------------------------------------

    async def access(self, person_id: int) -> Access:
        async with self._db.read() as session:
            return await self._access(session, person_id)

    async def _access(self, session: AsyncSession, person_id: int) -> Access:
        return (await self._viewer(session, person_id))[1]

    async def _viewer(self, session: AsyncSession, person_id: int) -> tuple[Person | None, Access]:
        """The acting person and what they may do, in one query."""
        member = aliased(Person)
        leads = sa.exists(
            select(Pair.id)
            .join(member, col(member.id) == Pair.member_id)
            .where(
                col(Pair.leader_id) == col(Person.id),
                col(Pair.active).is_(True),
                col(member.active).is_(True),
            )
        )
        row = (await session.exec(select(Person, leads).where(Person.id == person_id))).first()
        if row is None or not row[0].active:
            return None, Access(person_id, leader=False, admin=False)
        person, leader = row
        return person, Access(person_id, leader=bool(leader), admin=person.role == Role.admin)

    # --- writing -----------------------------------------------------------------------------

    async def create(self, actor_id: int, draft: TipDraft, *, now: datetime) -> int:
        """Store a new tip (not yet posted: `share` does that, after the form is answered)."""
        clean = validate_draft(draft)
        async with self._db.write() as session:
            if not (await self._access(session, actor_id)).leader:
                raise NotAllowed
            author = await session.get(Person, actor_id)
            tip = Tip(
                author_id=actor_id,
                topic_key=clean.topic_key,
                free_topic=clean.free_topic,
                expectation=clean.expectation,
                title=clean.title,
                body=clean.body,
                locale=self._people.locale_of(author),
                created_at=now,
                updated_at=now,
            )
            session.add(tip)
            await session.flush()
            await store_index(session, tip, postgres=self._db.is_postgresql)
            assert tip.id is not None
            return tip.id

    async def editable(self, actor_id: int, tip_id: int) -> TipCard:
        """The tip for its edit form; only its author or an admin may open it."""
        async with self._db.read() as session:
            tip = await self._live_tip(session, tip_id)
            await self._require_manager(session, actor_id, tip)
            return (await self._cards(session, [tip_id]))[0]

    async def update(
        self, actor_id: int, tip_id: int, draft: TipDraft, *, now: datetime
    ) -> TipCard:
        clean = validate_draft(draft)
        async with self._db.write() as session:
            tip = await self._live_tip(session, tip_id, for_update=True)
            await self._require_manager(session, actor_id, tip)
            tip.topic_key = clean.topic_key
            tip.free_topic = clean.free_topic
            tip.expectation = clean.expectation
            tip.title = clean.title
            tip.body = clean.body
            tip.updated_at = now
            await store_index(session, tip, postgres=self._db.is_postgresql)
            await session.flush()
            return (await self._cards(session, [tip_id]))[0]

    async def delete(self, actor_id: int, tip_id: int, *, now: datetime) -> list[TipCard]:
        """Delete a tip: it leaves the search at once; `remove_messages` then takes its
        channel message away (apart, so a form can be answered before Slack is called).

        Removing a starter tip removes its twin in the other language too: an admin who
        takes one out means the advice, not one translation of it.
        """
        async with self._db.write() as session:
            tip = await self._live_tip(session, tip_id, for_update=True)
            await self._require_manager(session, actor_id, tip)
            tips = [tip]
            if tip.starter and tip.starter_key:
                base = tip.starter_key.rsplit(":", 1)[0]
                twins = await session.exec(
                    select(Tip).where(
                        col(Tip.starter_key).startswith(f"{base}:", autoescape=True),
                        col(Tip.id) != tip.id,
                        col(Tip.deleted_at).is_(None),
                    )
                )
                tips += list(twins.all())
            removed = await self._cards(session, [t.id for t in tips if t.id is not None])
            for each in tips:
                each.deleted_at = now
                each.updated_at = now
                await store_index(session, each, postgres=self._db.is_postgresql)
        return removed

    async def toggle_helpful(self, actor_id: int, tip_id: int, *, now: datetime) -> HelpfulResult:
        """One mark per leader; pressing again takes it back. The channel message follows."""
        async with self._db.write() as session:
            if not (await self._access(session, actor_id)).leader:
                raise NotAllowed
            # The row lock makes a double click two toggles in turn, not two inserts.
            tip = await self._live_tip(session, tip_id, for_update=True)
            if tip.author_id == actor_id:
                raise OwnTip
            mark = await session.get(TipHelpful, (tip_id, actor_id))
            if mark is None:
                session.add(TipHelpful(tip_id=tip_id, person_id=actor_id, created_at=now))
            else:
                await session.delete(mark)
            await session.flush()
            count = (
                await session.exec(
                    select(sa.func.count())
                    .select_from(TipHelpful)
                    .where(TipHelpful.tip_id == tip_id)
                )
            ).one()
            tip.helpful_count = int(count)
            session.add(tip)
            await session.flush()
            card = (await self._cards(session, [tip_id]))[0]
        await self.refresh_message(card)
        return HelpfulResult(card=card, marked=mark is None)

    # --- sharing -----------------------------------------------------------------------------

    async def share(
        self,
        tip_id: int,
        *,
        now: datetime,
        notify: bool = True,
        reply_to: MessageRef | None = None,
    ) -> ShareOutcome:
        """Post a tip to the managers' channel once, and tell its author how it went.

        `reply_to` is the author's earlier notice, updated in place rather than joined by a
        new message when the author asks to post again.
        """
        config = await self.current_config()
        async with self._db.write() as session:
            tip = await self._live_tip(session, tip_id, for_update=True)
            if message_ref(tip.platform, tip.conversation, tip.message_id) is not None:
                outcome: ShareOutcome | None = ShareOutcome.posted
            elif not config.channel:
                tip.post_error = ShareOutcome.no_channel.value
                outcome = ShareOutcome.no_channel
            elif tip.post_error == POSTING and tip.updated_at > now - POST_CLAIM:
                outcome = ShareOutcome.busy
            else:
                # Claimed, so a double click or a second replica does not post it twice.
                tip.post_error = POSTING
                tip.updated_at = now
                outcome = None
            session.add(tip)
            card = (await self._cards(session, [tip_id]))[0]
        if outcome is None:
            assert config.channel is not None
            outcome, ref, error = await self._post(config.channel, card)
            async with self._db.write() as session:
                tip = await self._live_tip(session, tip_id, for_update=True)
                if ref is not None:
                    tip.platform, tip.conversation, tip.message_id = (
                        ref.platform,
                        ref.conversation,
                        ref.message_id,
                    )
                    tip.post_error = None
                else:
                    tip.post_error = error[:64]
                session.add(tip)
        if notify and outcome is not ShareOutcome.busy:
            await self._tell_author(card, outcome, config.channel, reply_to)
        return outcome

    async def share_again(
        self, actor_id: int, tip_id: int, *, now: datetime, reply_to: MessageRef | None = None
    ) -> ShareOutcome:
        async with self._db.read() as session:
            tip = await self._live_tip(session, tip_id)
            await self._require_manager(session, actor_id, tip)
        return await self.share(tip_id, now=now, reply_to=reply_to)

    async def share_pending(self, *, now: datetime) -> int:
        """Post the recent tips that are still waiting for a channel; how many went out."""
        async with self._db.read() as session:
            ids = (
                await session.exec(
                    select(Tip.id)
                    .where(
                        col(Tip.message_id).is_(None),
                        col(Tip.deleted_at).is_(None),
                        col(Tip.starter).is_(False),
                        col(Tip.created_at) >= now - PENDING_WINDOW,
                    )
                    .order_by(col(Tip.created_at), col(Tip.id))
                    .limit(PENDING_MAX)
                )
            ).all()
        posted = 0
        for tip_id in ids:
            if tip_id is None:
                continue
            outcome = await self.share(tip_id, now=now)
            if outcome is ShareOutcome.posted:
                posted += 1
            elif outcome in (ShareOutcome.not_in_channel, ShareOutcome.channel_not_found):
                break  # the rest would fail the same way
        return posted

    async def _post(
        self, channel: str, card: TipCard
    ) -> tuple[ShareOutcome, MessageRef | None, str]:
        """The outcome, where the message landed, and the platform's error code if any."""
        try:
            ref = await self._messenger.post(
                channel, TipPost(card), locale=self._people.default_locale
            )
        except DeliveryFailed as error:
            logger.warning("tip %s not posted: %s", card.tip_id, error.code)
            return _outcome_of(error.code), None, error.code
        return ShareOutcome.posted, ref, ""

    async def _tell_author(
        self,
        card: TipCard,
        outcome: ShareOutcome,
        channel: str | None,
        reply_to: MessageRef | None,
    ) -> None:
        if card.author_id is None:
            return
        async with self._db.read() as session:
            author = await session.get(Person, card.author_id)
        if author is None or not author.active:
            return
        notice = TipShared(card.tip_id, card.title, outcome, channel)
        try:
            if reply_to is not None:
                await self._messenger.update(
                    reply_to,
                    notice,
                    locale=self._people.locale_of(author),
                    timezone=self._people.timezone_of(author),
                )
            else:
                await self._messenger.send(author, notice)
        except DeliveryFailed as error:
            logger.warning("tip %s: author not told (%s)", card.tip_id, error.code)

    async def refresh_message(self, card: TipCard) -> None:
        """Bring the tip's channel message up to date (after an edit or a helpful mark)."""
        ref = card.posted
        if ref is None:
            return
        config = await self.current_config()
        try:
            await self._messenger.update(
                ref, TipPost(card), locale=self._people.default_locale, timezone=config.timezone
            )
        except DeliveryFailed as error:
            # Someone removed the message in Slack: the tip itself is fine.
            logger.warning("tip %s message not updated: %s", card.tip_id, error.code)

    async def remove_messages(self, cards: Sequence[TipCard]) -> None:
        for card in cards:
            await self._remove_message(card)

    async def _remove_message(self, card: TipCard) -> None:
        ref = card.posted
        if ref is None:
            return
        try:
            await self._messenger.delete(ref)
            return
        except DeliveryFailed as error:
            logger.warning("tip %s message not deleted: %s", card.tip_id, error.code)
        config = await self.current_config()
        try:
            await self._messenger.update(
                ref,
                TipGone(card.title),
                locale=self._people.default_locale,
                timezone=config.timezone,
            )
        except DeliveryFailed as error:
            logger.warning("tip %s message not replaced: %s", card.tip_id, error.code)

    # --- reading -----------------------------------------------------------------------------

    async def search(self, actor_id: int, query: TipQuery) -> SearchPage:
        async with self._db.read() as session:
            viewer, access = await self._viewer(session, actor_id)
            if not access.can_browse:
                raise NotAllowed
            filters = SearchFilters(
                topic_key=query.topic_key
                if query.topic_key and known_topic(query.topic_key)
                else None,
                expectation=query.expectation
                if query.expectation in {e.value for e in Expectation}
                else None,
                locale=self._people.locale_of(viewer),
            )
            found = await self._search.find(session, query.words, filters, page=query.page)
            marked: set[int] = set()
            cards = await self._cards(session, found.tip_ids, marked_by=actor_id, marked=marked)
        manageable = frozenset(c.tip_id for c in cards if access.admin or c.author_id == actor_id)
        return SearchPage(
            query=query,
            cards=cards,
            total=found.total,
            has_next=found.has_next,
            capped=found.capped,
            manageable=manageable,
            marked=frozenset(marked),
            can_mark=access.leader,
        )

    async def live_cards(self, tip_ids: Sequence[int]) -> list[TipCard]:
        """Cards for the tips that still exist, in the order given."""
        async with self._db.read() as session:
            live = (
                await session.exec(
                    select(Tip.id).where(
                        col(Tip.id).in_(list(tip_ids)), col(Tip.deleted_at).is_(None)
                    )
                )
            ).all()
            return await self._cards(session, [i for i in tip_ids if i in set(live)])

    async def tips_for_digest(
        self, leader_id: int, picks: Sequence[tuple[str | None, str]]
    ) -> list[DigestTip]:
        """Up to two tips for a leader's pre-1on1 digest (the `TipsForDigest` provider).

        Tips for the same topic and expectation the member picked come first, then tips for
        the same expectation; never the leader's own, never deleted ones.
        """
        expectations = sorted({e for _, e in picks if e})
        if not expectations:
            return []
        exact = sorted({(t, e) for t, e in picks if t and e})
        async with self._db.read() as session:
            leader = await session.get(Person, leader_id)
            locale = self._people.locale_of(leader)
            where = [
                col(Tip.deleted_at).is_(None),
                sa.or_(col(Tip.author_id).is_(None), col(Tip.author_id) != leader_id),
                sa.or_(col(Tip.starter).is_(False), col(Tip.locale) == locale),
            ]
            order = (col(Tip.helpful_count).desc(), col(Tip.created_at).desc(), col(Tip.id).desc())
            chosen: list[Tip] = []
            if exact:
                same_topic = sa.or_(
                    *(sa.and_(col(Tip.topic_key) == t, col(Tip.expectation) == e) for t, e in exact)
                )
                rows = await session.exec(
                    select(Tip).where(*where, same_topic).order_by(*order).limit(DIGEST_TIPS)
                )
                chosen += list(rows.all())
            if len(chosen) < DIGEST_TIPS:
                taken = [t.id for t in chosen]
                rows = await session.exec(
                    select(Tip)
                    .where(
                        *where,
                        col(Tip.expectation).in_(expectations),
                        col(Tip.id).not_in(taken),
                    )
                    .order_by(*order)
                    .limit(DIGEST_TIPS - len(chosen))
                )
                chosen += list(rows.all())
        return [
            DigestTip(
                tip_id=tip.id or 0,
                title=tip.title,
                body=tip.body,
                topic_label=tip.free_topic or topic_label(tip.topic_key, locale),
                expectation=tip.expectation,
                helpful_count=tip.helpful_count,
            )
            for tip in chosen
        ]

    async def _live_tip(
        self, session: AsyncSession, tip_id: int, *, for_update: bool = False
    ) -> Tip:
        stmt = select(Tip).where(Tip.id == tip_id)
        if for_update:
            stmt = stmt.with_for_update()
        tip = (await session.exec(stmt)).first()
        if tip is None or tip.deleted_at is not None:
            raise TipNotFound
        return tip

    async def _require_manager(self, session: AsyncSession, actor_id: int, tip: Tip) -> None:
        if tip.author_id is not None and tip.author_id == actor_id:
            person = await session.get(Person, actor_id)
            if person is not None and person.active:
                return
        if not (await self._access(session, actor_id)).admin:
            raise NotAllowed

    async def _cards(
        self,
        session: AsyncSession,
        tip_ids: Sequence[int],
        *,
        marked_by: int | None = None,
        marked: set[int] | None = None,
    ) -> list[TipCard]:
        """Cards for these tips, in the order given; `marked` collects the ones `marked_by`
        found helpful (in the same query)."""
        if not tip_ids:
            return []
        mark = aliased(TipHelpful)
        stmt = (
            sa.select(
                col(Tip.id),
                col(Tip.title),
                col(Tip.body),
                col(Tip.topic_key),
                col(Tip.free_topic),
                col(Tip.expectation),
                col(Tip.helpful_count),
                col(Tip.author_id),
                col(Person.name),
                col(Tip.starter),
                col(Tip.created_at),
                col(Tip.platform),
                col(Tip.conversation),
                col(Tip.message_id),
                col(mark.person_id),
            )
            .join(Person, col(Person.id) == col(Tip.author_id), isouter=True)
            .join(
                mark,
                sa.and_(col(mark.tip_id) == col(Tip.id), col(mark.person_id) == marked_by),
                isouter=True,
            )
            .where(col(Tip.id).in_(list(tip_ids)))
        )
        by_id: dict[int, TipCard] = {}
        for row in (await (await session.connection()).execute(stmt)).all():
            values: list[Any] = list(row)  # the columns above, in TipCard's field order
            card = replace(TipCard(*values[:11]), posted=message_ref(*values[11:14]))
            by_id[card.tip_id] = card
            if marked is not None and values[14] is not None:
                marked.add(card.tip_id)
        return [by_id[i] for i in tip_ids if i in by_id]

    # --- settings ----------------------------------------------------------------------------

    async def current_config(self) -> TipsConfig:
        async with self._db.read() as session:
            rows = await session.exec(
                select(Setting).where(col(Setting.key).startswith(SETTING_PREFIX, autoescape=True))
            )
            stored = {row.key: row.value for row in rows.all()}
        return self._config_from(stored)

    def _config_from(self, stored: dict[str, str]) -> TipsConfig:
        channel = stored.get(SETTING_CHANNEL) or None
        weekday = DEFAULT_WEEKDAY
        if stored.get(SETTING_WEEKDAY, "").isdigit() and int(stored[SETTING_WEEKDAY]) < 7:
            weekday = int(stored[SETTING_WEEKDAY])
        at = _parse_time(stored.get(SETTING_TIME, "")) or DEFAULT_TIME
        zone = stored.get(SETTING_TIMEZONE) or ""
        if not _valid_zone(zone):
            zone = self._people.default_timezone
        return TipsConfig(
            channel=channel or self._default_channel or None,
            channel_from_env=channel is None and bool(self._default_channel),
            weekday=weekday,
            time=at,
            timezone=zone,
        )

    async def config_for(self, actor_id: int) -> TipsConfig:
        if not (await self.access(actor_id)).admin:
            raise NotAllowed
        return await self.current_config()

    async def save_config(self, actor_id: int, form: ConfigInput, *, now: datetime) -> ConfigChange:
        """Check and store an admin's settings; `announce_config` then acts on the change."""
        errors: list[TipFieldError] = []
        weekday = _clean(form.weekday)
        if not (weekday.isdigit() and int(weekday) < 7):
            errors.append(TipFieldError("weekday", "invalid"))
        at = _parse_time(_clean(form.time))
        if at is None:
            errors.append(TipFieldError("time", "invalid"))
        zone = _clean(form.timezone)
        if not _valid_zone(zone):
            errors.append(TipFieldError("timezone", "invalid"))
        channel = _clean(form.channel) or None
        if channel is not None and (len(channel) > 32 or not channel.isalnum()):
            errors.append(TipFieldError("channel", "invalid"))
        if errors:
            raise InvalidInput(errors)
        assert at is not None
        before = await self.config_for(actor_id)
        values = {
            SETTING_CHANNEL: channel,
            SETTING_WEEKDAY: weekday,
            SETTING_TIME: at.strftime("%H:%M"),
            SETTING_TIMEZONE: zone,
        }
        async with self._db.write() as session:
            for key, value in values.items():
                row = await session.get(Setting, key)
                if value is None:
                    if row is not None:
                        await session.delete(row)
                    continue
                row = row or Setting(key=key, value=value)
                row.value = value
                row.updated_at = now
                session.add(row)
        return ConfigChange(before, await self.current_config())

    async def announce_config(
        self, actor_id: int, change: ConfigChange, *, now: datetime
    ) -> TipsConfigSaved:
        """A new channel is greeted, which also checks that the bot was invited; then the
        tips waiting for a channel go out, and the admin hears how it went."""
        config = change.after
        check: ShareOutcome | None = None
        pending = 0
        if config.channel and config.channel != change.before.channel:
            check = await self._greet(config)
            if check is ShareOutcome.posted:
                pending = await self.share_pending(now=now)
        saved = TipsConfigSaved(config, check, pending)
        async with self._db.read() as session:
            admin = await session.get(Person, actor_id)
        if admin is not None:
            try:
                await self._messenger.send(admin, saved)
            except DeliveryFailed as error:
                logger.warning("config saved, admin not told (%s)", error.code)
        return saved

    async def _greet(self, config: TipsConfig) -> ShareOutcome:
        assert config.channel is not None
        try:
            await self._messenger.post(
                config.channel, TipsWelcome(config), locale=self._people.default_locale
            )
        except DeliveryFailed as error:
            logger.warning("tips channel not greeted: %s", error.code)
            return _outcome_of(error.code)
        return ShareOutcome.posted


def _parse_time(value: str) -> time | None:
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return time(int(hours), int(minutes))


def _valid_zone(zone: str) -> bool:
    if not zone or zone.startswith(("/", ".")):
        return False
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
