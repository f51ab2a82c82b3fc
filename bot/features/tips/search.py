"""Finding tips by words, in Japanese (which has no spaces) as well as in English.

A query is split on whitespace; every term must occur as a case-insensitive substring of a
tip's title, tags or body. Text is compared NFKC-normalised and case-folded, so full-width
"ＫＰＩ" finds "kpi" and half-width katakana finds full-width.

Substring search cannot use an ordinary index, and a scan of 50,000 tips costs 30-50 ms on
either backend, so every tip is indexed under short substrings ("codes"): character
*bigrams* wherever Japanese (or any non-ASCII) text is involved, because most Japanese words
are two characters long (傾聴, 商談, 沈黙) and a trigram index (pg_trgm) cannot look those up
at all; and *trigrams* of ASCII text, because English letter pairs are too common to narrow
anything down. The codes live on PostgreSQL in an array under a GIN index
(`tip.search_grams`), on SQLite, which has no GIN, in rows of the `tip_gram` table. Topic and
expectation are codes too, so filters are looked up in the same index.

A search then takes one of two bounded paths:

- exact: the tips holding every code of every term (GIN on PostgreSQL; on SQLite the
  postings of the rarest code, probed for the others through the primary key) are at most
  `EXACT_CAP`; each is checked for the real substrings and all matches are ranked.
- common words: more candidates than that means the words are common, so the most helpful
  tips are walked in order (`ix_tip_helpful`, or the filter's own index) until `WALK_LIMIT`
  matches are found, and those are ranked. At least `EXACT_CAP` of `N` tips match, so the
  walk stops after about `WALK_LIMIT * N / EXACT_CAP` rows. On SQLite a single word whose
  every code is common tries a short walk first, before any probing.

A query of single characters has no codes to look up and is walked (a scan at worst).

Ranking happens in the database, so only one page of ids comes back. Besides the whole
search text, each tip keeps a short head (title and tags, split by TITLE_END), and where a
term occurs in the head says whether it matched the title, the tags or (absent) the body.
"""

from __future__ import annotations

import json
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.catalog import expectation_def
from bot.features.tips.catalog import topic_labels
from storage.models import Tip, TipGram

MAX_TERMS = 5
MAX_TERM_LENGTH = 40
PAGE_SIZE = 10
# Common words: the most helpful matches that get ranked (and paged).
WALK_LIMIT = 100
# Candidates checked one by one on the exact path. Checking C candidates costs about as much
# as walking N * WALK_LIMIT / C tips, so sqrt(N * WALK_LIMIT) (about 2,000 for 50,000 tips)
# keeps the worse of the two paths cheapest.
EXACT_CAP = 2000
# SQLite: how many codes of each term are counted and probed (a term's codes mostly occur
# together, so more of them seldom drop a candidate; the ranking checks the whole words),
# and where a count stops (only the order matters: the rarest code drives the probe).
CODES_PER_TERM = 3
COUNT_CAP = 5000
# SQLite, for one word whose every code is that common: the short walk reads at most this
# many of the most helpful tips before falling back to the probe.
WALK_SCAN = 5000

# Where a term was found counts this much towards a tip's rank.
IN_TITLE, IN_TAGS, IN_BODY = 3, 2, 1
# Between title and tags, and between head and body. Python splits words on both (they count
# as whitespace), so no term can contain them, and no code spans two parts.
TITLE_END = "\x1e"
HEAD_END = "\x1f"


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def split_terms(words: str) -> list[str]:
    """The distinct terms of a query, normalised (NFKC turns the ideographic space into " ")."""
    terms: list[str] = []
    for term in normalize(words).split():
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def text_codes(text: str) -> set[int]:
    """The codes a text is indexed (or looked up) under.

    A pair of characters with at least one non-ASCII one is (first << 21) | second; three
    ASCII characters are 1 << 43 | (a << 14) | (b << 7) | c. Nothing spans whitespace.
    """
    codes: set[int] = set()
    for a, b in pairwise(text):
        if not (a.isspace() or b.isspace() or (a.isascii() and b.isascii())):
            codes.add((ord(a) << 21) | ord(b))
    for a, b, c in zip(text, text[1:], text[2:], strict=False):
        if (a + b + c).isascii() and not (a.isspace() or b.isspace() or c.isspace()):
            codes.add(_TRIGRAM_BASE | (ord(a) << 14) | (ord(b) << 7) | ord(c))
    return codes


# Bigram codes fit in 42 bits; tag and trigram codes sit above them, apart.
_TAG_BASE = 1 << 42
_TRIGRAM_BASE = 1 << 43
_TOPIC, _EXPECTATION = 1, 2


def tag_codes(topic_key: str | None, expectation: str | None) -> set[int]:
    codes: set[int] = set()
    for kind, key in ((_TOPIC, topic_key), (_EXPECTATION, expectation)):
        if key:
            codes.add(_TAG_BASE | (kind << 32) | zlib.crc32(key.encode()))
    return codes


def tag_text(topic_key: str | None, free_topic: str | None, expectation: str | None) -> str:
    """The tags in both languages, so "listen" finds tips tagged ただ聞いてほしい."""
    parts: list[str] = []
    if free_topic:
        parts.append(free_topic)
    labels = topic_labels(topic_key) if topic_key else None
    if labels is not None:
        parts.extend(labels)
    if expectation:
        try:
            exp = expectation_def(expectation)
        except KeyError:
            pass
        else:
            parts.extend((exp.ja, exp.en))
    return "\n".join(parts)


def search_fields(
    *,
    title: str,
    body: str,
    topic_key: str | None,
    free_topic: str | None,
    expectation: str | None,
) -> tuple[str, str]:
    """(head, search text): the normalised title and tags, and the head with the body."""

    def clean(part: str) -> str:
        return normalize(part.replace(TITLE_END, " ").replace(HEAD_END, " "))

    head = f"{clean(title)}{TITLE_END}{clean(tag_text(topic_key, free_topic, expectation))}"
    return head, f"{head}{HEAD_END}{clean(body)}"


def index_codes(search_text: str, topic_key: str | None, expectation: str | None) -> list[int]:
    """What a tip is indexed under: the codes of its search text and of its tags."""
    return sorted(text_codes(search_text) | tag_codes(topic_key, expectation))


async def store_index(session: AsyncSession, tip: Tip, *, postgres: bool) -> None:
    """Refresh a (flushed) tip's search text and codes; a deleted tip leaves the index."""
    assert tip.id is not None
    head, text = search_fields(
        title=tip.title,
        body=tip.body,
        topic_key=tip.topic_key,
        free_topic=tip.free_topic,
        expectation=tip.expectation,
    )
    grams = [] if tip.deleted_at is not None else index_codes(text, tip.topic_key, tip.expectation)
    tip.search_head = head
    tip.search_text = text
    if postgres:
        tip.search_grams = grams or None
        session.add(tip)
        return
    session.add(tip)
    await session.exec(sa.delete(TipGram).where(col(TipGram.tip_id) == tip.id))
    if grams:
        await session.exec(
            sa.insert(TipGram), params=[{"gram": g, "tip_id": tip.id} for g in grams]
        )


@dataclass(frozen=True)
class SearchFilters:
    topic_key: str | None = None
    expectation: str | None = None
    # Starter tips ship in Japanese and English; each reader sees the ones in their language.
    locale: str = "ja"

    def params(self) -> dict[str, Any]:
        return {"topic": self.topic_key, "expectation": self.expectation, "locale": self.locale}


@dataclass(frozen=True)
class Found:
    """One page of ranked tip ids, and how many matched (None: more than could be ranked)."""

    tip_ids: list[int]
    total: int | None
    has_next: bool
    capped: bool = False


# --- statements ----------------------------------------------------------------------------------
#
# A search runs a handful of statements whose shape depends only on the number of terms and
# which filters are set. Each shape is built once, with bind parameters for every value:
# building SQLAlchemy expressions costs more than running these queries.


def _find(postgres: bool, text: Any, part: Any) -> Any:
    """1-based position of `part` in `text`, 0 when absent (SQL's strpos / instr)."""
    return (sa.func.strpos if postgres else sa.func.instr)(text, part)


def _where(topic: bool, expectation: bool) -> list[Any]:
    clauses: list[Any] = [
        col(Tip.deleted_at).is_(None),
        sa.or_(col(Tip.starter).is_(False), col(Tip.locale) == sa.bindparam("locale")),
    ]
    if topic:
        clauses.append(col(Tip.topic_key) == sa.bindparam("topic"))
    if expectation:
        clauses.append(col(Tip.expectation) == sa.bindparam("expectation"))
    return clauses


@lru_cache(maxsize=256)
def _ranked_statement(
    postgres: bool, terms: int, topic: bool, expectation: bool, exact: bool
) -> sa.Select[Any]:
    """One page of the matches, best first, with how many there are.

    exact: the matches among the candidate ids; else the walk: the WALK_LIMIT most helpful
    matches, among the tips at or above (edge_helpful, edge_id) in helpfulness order.
    Parameters: t0..tN (terms), topic, expectation, locale, ids or walk_limit and the edge,
    offset, limit.
    """
    words = [sa.bindparam(f"t{n}", type_=sa.String()) for n in range(terms)]
    text = col(Tip.search_text)
    matches = sa.select(col(Tip.id), col(Tip.search_head), col(Tip.helpful_count)).where(
        *_where(topic, expectation), *(_find(postgres, text, w) > 0 for w in words)
    )
    if exact:
        # The ids travel as one parameter (a JSON array on SQLite, an array on PostgreSQL),
        # so the statement's text, and the database's prepared plan, stay the same.
        if postgres:
            ids = sa.bindparam("ids", type_=postgresql.ARRAY(sa.Integer()))
            matches = matches.where(col(Tip.id) == sa.any_(ids))
        else:
            listed: sa.Select[Any] = sa.select(sa.column("value")).select_from(
                sa.func.json_each(sa.bindparam("ids", type_=sa.String()))
            )
            matches = matches.where(col(Tip.id).in_(listed))
    else:
        # A range on the (filter,) helpfulness index: the walk reads no further than the edge.
        edge = sa.tuple_(sa.bindparam("edge_helpful"), sa.bindparam("edge_id"))
        matches = (
            matches.where(sa.tuple_(col(Tip.helpful_count), col(Tip.id)) >= edge)
            .order_by(col(Tip.helpful_count).desc(), col(Tip.id).desc())
            .limit(sa.bindparam("walk_limit", type_=sa.Integer()))
        )
    found = matches.subquery()
    head = found.c.search_head
    # In the head before TITLE_END: the title; after it: the tags; not in the head: the body.
    title_end = _find(postgres, head, TITLE_END)
    score = sum(
        (
            sa.case(
                (
                    sa.and_(_find(postgres, head, w) > 0, _find(postgres, head, w) < title_end),
                    IN_TITLE,
                ),
                (_find(postgres, head, w) > 0, IN_TAGS),
                else_=IN_BODY,
            )
            for w in words
        ),
        start=sa.literal(0),
    )
    return (
        sa.select(found.c.id, sa.func.count().over())
        .order_by(score.desc(), found.c.helpful_count.desc(), found.c.id.desc())
        .offset(sa.bindparam("offset", type_=sa.Integer()))
        .limit(sa.bindparam("limit", type_=sa.Integer()))
    )


@lru_cache(maxsize=16)
def _walk_edge(topic: bool, expectation: bool) -> sa.Select[int, int | None]:
    """The `scan`-th most helpful tip under the filters, from the index alone (deleted and
    starter tips still count: this only bounds how far a walk reads)."""
    where = _where(topic, expectation)[2:]
    return (
        sa.select(col(Tip.helpful_count), col(Tip.id))
        .where(*where)
        .order_by(col(Tip.helpful_count).desc(), col(Tip.id).desc())
        .offset(sa.bindparam("scan", type_=sa.Integer()))
        .limit(1)
    )


@lru_cache(maxsize=16)
def _browse_statements(topic: bool, expectation: bool) -> tuple[sa.Select[Any], sa.Select[Any]]:
    where = _where(topic, expectation)
    total = sa.select(sa.func.count()).select_from(Tip).where(*where)
    page = (
        sa.select(col(Tip.id))
        .where(*where)
        .order_by(col(Tip.helpful_count).desc(), col(Tip.id).desc())
        .offset(sa.bindparam("offset", type_=sa.Integer()))
        .limit(sa.bindparam("limit", type_=sa.Integer()))
    )
    return total, page


@lru_cache(maxsize=1)
def _gin_candidates() -> sa.Select[Any]:
    wanted = sa.bindparam("codes", type_=postgresql.ARRAY(sa.BigInteger()))
    return (
        sa.select(col(Tip.id))
        .where(col(Tip.search_grams).op("@>", is_comparison=True)(wanted))
        .limit(sa.bindparam("cap", type_=sa.Integer()))
    )


@lru_cache(maxsize=16)
def _probe_candidates(codes: int) -> sa.Select[Any]:
    """The postings of code c0 that also hold c1..cN, probed through the primary key."""
    first = aliased(TipGram)
    stmt = sa.select(col(first.tip_id)).where(col(first.gram) == sa.bindparam("c0"))
    for n in range(1, codes):
        other = aliased(TipGram)
        stmt = stmt.where(
            sa.exists().where(
                col(other.gram) == sa.bindparam(f"c{n}"), col(other.tip_id) == col(first.tip_id)
            )
        )
    return stmt.limit(sa.bindparam("cap", type_=sa.Integer()))


@lru_cache(maxsize=32)
def _count_postings(codes: int) -> sa.Select[Any]:
    """How many tips hold each of c0..cN (each count stops at `cap`)."""
    return sa.select(
        *(
            sa.select(sa.func.count())
            .select_from(
                sa.select(sa.literal(1))
                .where(col(TipGram.gram) == sa.bindparam(f"c{n}"))
                .limit(sa.bindparam("cap", type_=sa.Integer()))
                .subquery()
            )
            .scalar_subquery()
            for n in range(codes)
        )
    )


class TipSearch:
    """The query side of the tips index, on either backend."""

    def __init__(self, *, postgres: bool) -> None:
        self._postgres = postgres

    async def find(
        self, session: AsyncSession, words: str, filters: SearchFilters, *, page: int
    ) -> Found:
        terms = split_terms(words)
        page = max(page, 0)
        if not terms:
            return await self._browse(session, filters, page)
        params: dict[str, Any] = {
            **filters.params(),
            **{f"t{n}": term for n, term in enumerate(terms)},
            "offset": page * PAGE_SIZE,
            "limit": PAGE_SIZE + 1,
        }
        shape = (self._postgres, len(terms), bool(filters.topic_key), bool(filters.expectation))
        walk = _ranked_statement(*shape, exact=False)
        walk_params = {**params, "walk_limit": WALK_LIMIT}
        per_term = [text_codes(term) for term in terms]
        if any(per_term):
            tags = tag_codes(filters.topic_key, filters.expectation)
            counted: list[tuple[int, int]] = []
            if not self._postgres:
                counted = await self._rarest_first(session, _sample(per_term, tags))
                if counted[0][0] >= COUNT_CAP and len(terms) == 1 and not tags:
                    # One word whose every code is common is likely common itself: a short
                    # walk finds it cheaper than probing long postings (several words or a
                    # filter may meet rarely, and are probed). Too few there: probe after all.
                    edge = await _rows(
                        session, _walk_edge(*shape[2:]), {**params, "scan": WALK_SCAN}
                    )
                    if edge:
                        bounded = {**walk_params, "edge_helpful": edge[0][0], "edge_id": edge[0][1]}
                        short = await _page(session, walk, bounded, True)
                        if short.capped:
                            return short
            candidates = await self._candidates(session, per_term, tags, counted)
            if len(candidates) <= EXACT_CAP:
                stmt = _ranked_statement(*shape, exact=True)
                ids = candidates if self._postgres else json.dumps(candidates)
                return await _page(session, stmt, {**params, "ids": ids}, False)
        # Common words: the most helpful matches, walked in order until WALK_LIMIT are found.
        unbounded = {**walk_params, "edge_helpful": -1, "edge_id": 0}
        return await _page(session, walk, unbounded, True)

    async def _browse(self, session: AsyncSession, filters: SearchFilters, page: int) -> Found:
        total, listing = _browse_statements(bool(filters.topic_key), bool(filters.expectation))
        params = {**filters.params(), "offset": page * PAGE_SIZE, "limit": PAGE_SIZE + 1}
        count = (await _rows(session, total, params))[0][0]
        ids = [int(r[0]) for r in await _rows(session, listing, params)]
        return Found(ids[:PAGE_SIZE], int(count), len(ids) > PAGE_SIZE)

    async def _candidates(
        self,
        session: AsyncSession,
        per_term: list[set[int]],
        tags: set[int],
        counted: list[tuple[int, int]],
    ) -> list[int]:
        """Tips holding every code of the terms and tags (at most EXACT_CAP + 1 of them).

        Index work only, bounded by the driving code's postings: deleted tips hold no codes,
        and the other conditions are checked on the candidates that come back.
        """
        if self._postgres:
            codes = sorted(tags.union(*per_term))
            rows = await _rows(session, _gin_candidates(), {"codes": codes, "cap": EXACT_CAP + 1})
        else:
            counted = counted or await self._rarest_first(session, _sample(per_term, tags))
            # The rarest code drives; the others are probed rarest first, so a candidate
            # that lacks one is usually dropped at the first probe.
            rarest = [code for _, code in counted]
            params: dict[str, Any] = {f"c{n}": code for n, code in enumerate(rarest)}
            rows = await _rows(
                session, _probe_candidates(len(rarest)), {**params, "cap": EXACT_CAP + 1}
            )
        return [int(r[0]) for r in rows]

    async def _rarest_first(self, session: AsyncSession, codes: set[int]) -> list[tuple[int, int]]:
        """(postings, code) for each code, rarest first; counts stop at COUNT_CAP."""
        ordered = sorted(codes)
        params: dict[str, Any] = {f"c{n}": code for n, code in enumerate(ordered)}
        row = (await _rows(session, _count_postings(len(ordered)), {**params, "cap": COUNT_CAP}))[0]
        return sorted(zip((int(n) for n in row), ordered, strict=True))


def _sample(per_term: list[set[int]], tags: set[int]) -> set[int]:
    """A few codes of each term (spread over it) and the tags: what SQLite counts and probes.

    Counting every code of a long query costs more than it saves; candidates are checked
    for the whole terms afterwards anyway.
    """
    chosen = set(tags)
    for grams in per_term:
        ordered = sorted(grams)
        step = max(1, len(ordered) // CODES_PER_TERM)
        chosen.update(ordered[::step][:CODES_PER_TERM])
    return chosen


async def _page(
    session: AsyncSession, stmt: sa.Select[Any], params: dict[str, Any], capped: bool
) -> Found:
    rows = await _rows(session, stmt, params)
    total = int(rows[0][1]) if rows else None
    # Fewer than WALK_LIMIT walked matches means the walk saw them all.
    capped = capped and total is not None and total >= WALK_LIMIT
    ids = [int(r[0]) for r in rows]
    return Found(ids[:PAGE_SIZE], None if capped else total or 0, len(ids) > PAGE_SIZE, capped)


async def _rows(
    session: AsyncSession, stmt: sa.Executable, params: dict[str, Any] | None = None
) -> list[Any]:
    """Core statements run on the session's connection (same transaction, plain rows)."""
    conn = await session.connection()
    return list((await conn.execute(stmt, params or {})).all())
