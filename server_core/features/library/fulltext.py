"""The full-text index of library pages, on each engine (migrations 0020 and 0028 build it and
the database keeps it in step with every page write): which live pages of a library match some
words, how well, and a snippet of each.

A page is its title (weight A) and the first `INDEXED_BODY_CHARS` characters of its body (B).
Queries are built from words only, each quoted, so nothing a user types is read as query
syntax; all words must match, the last one also as a prefix (the tasks' index does the same:
`features.tasks.fulltext`).

- SQLite: FTS5 over `search_library_documents`, ranked by bm25 with weights 1 and 0.4 (as
  PostgreSQL weighs A and B), negated so that higher is better. Each library is a rowid range
  of the index, its most recently written pages last; a search reads the matches of its
  libraries only, newest first, and scores at most `SCORED_MATCHES` of each.
- PostgreSQL: the `search_document` tsvector of `library_pages` (english), ranked by ts_rank.

Snippets come with the words found between `OPEN` and `CLOSE`; `search.marked` makes HTML of
them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.tables import library_pages
from server_core.features.tasks.fulltext import CLOSE, OPEN, SNIPPET_WORDS, fts5_query, tsquery

INDEXED_BODY_CHARS = 100_000  # as migration 0020 indexes
SCORED_MATCHES = 1_000
COUNTED_MATCHES = 10_000
_LIBRARY_RANGE = 2**32  # rowids per library (migration 0028)
_LESS_THAN = "\ue002"

# SQLite: a library's documents are a rowid range of the index, the most recently written
# last. bm25 is computed for the rows a statement returns only, but it first reads the whole
# doclist of every word (its idf), so each statement scores once, over a bounded window.
_SQLITE_KEYS = sa.text(
    "SELECT library_id, key FROM search_library_keys WHERE library_id IN :libraries"
).bindparams(sa.bindparam("libraries", expanding=True))
_SQLITE_SCORED = sa.text("""
    SELECT rowid AS doc, -bm25(search_library_fts, 1.0, 0.4) AS score
    FROM search_library_fts
    WHERE search_library_fts MATCH :query AND rowid BETWEEN :low AND :high
    ORDER BY rowid DESC LIMIT :window
""")
_SQLITE_WINDOW = sa.text("""
    SELECT rowid AS doc
    FROM search_library_fts
    WHERE search_library_fts MATCH :query AND rowid BETWEEN :low AND :high
    ORDER BY rowid DESC LIMIT :window
""")
_SQLITE_COUNT = sa.text("""
    SELECT count(*) FROM (
        SELECT 1 FROM search_library_fts
        WHERE search_library_fts MATCH :query AND rowid BETWEEN :low AND :high LIMIT :cap
    )
""")
# One statement scores the windows of several libraries: one idf pass, not one per library.
_SQLITE_SCORE_DOCS = sa.text("""
    SELECT rowid AS doc, -bm25(search_library_fts, 1.0, 0.4) AS score
    FROM search_library_fts
    WHERE search_library_fts MATCH :query AND rowid BETWEEN :low AND :high
        AND +rowid IN (SELECT value FROM json_each(:docs))
""")
# The best of one library's window, ranked in SQL, with how many the window holds.
_SQLITE_RANKED = sa.text("""
    WITH scored AS MATERIALIZED (
        SELECT rowid AS doc, -bm25(search_library_fts, 1.0, 0.4) AS score
        FROM search_library_fts
        WHERE search_library_fts MATCH :query AND rowid BETWEEN :low AND :high
        ORDER BY rowid DESC LIMIT :window
    )
    SELECT doc, score, (SELECT count(*) FROM scored) AS seen
    FROM scored ORDER BY score DESC, doc DESC LIMIT :limit OFFSET :offset
""")
# The pages and snippets of the results only, in one pass over the matches of their span (see
# the tasks' index for why the rowid range and `+rowid IN`).
_SQLITE_DESCRIBED = sa.text("""
    SELECT search_library_fts.rowid AS doc,
        snippet(search_library_fts, 1, :open, :close, '…', :words) AS snippet,
        p.id AS page_id, p.path, p.title, p.collection
    FROM search_library_fts
    JOIN search_library_documents AS d ON d.id = search_library_fts.rowid
    JOIN library_pages AS p ON p.id = d.page_id
    WHERE search_library_fts MATCH :query
        AND search_library_fts.rowid BETWEEN :low AND :high
        AND +search_library_fts.rowid IN (SELECT value FROM json_each(:docs))
""")
_SQLITE_IDS = sa.text("""
    SELECT d.page_id FROM search_library_fts AS f
    JOIN search_library_documents AS d ON d.id = f.rowid
    WHERE search_library_fts MATCH :query AND f.rowid BETWEEN :low AND :high LIMIT :cap
""")
_SQLITE_METRICS = sa.text("""
    SELECT count(*) AS documents,
        coalesce(sum(length(CAST(title AS BLOB)) + length(CAST(body AS BLOB))), 0) AS size
    FROM search_library_documents WHERE library_id = :library
""")

# PostgreSQL: the window is the library's most recently written matches too.
_POSTGRES_FIND = sa.text("""
    SELECT hits.page_id, hits.path, hits.title, hits.collection, hits.score, hits.window_size,
        ts_headline('english', replace(left(p.body, :chars), '<', :lt),
            to_tsquery('english', :query), :options) AS snippet
    FROM (
        SELECT w.id AS page_id, w.path, w.title, w.collection, w.updated_at,
            count(*) OVER () AS window_size,
            ts_rank(w.search_document, to_tsquery('english', :query)) AS score
        FROM (
            SELECT p.id, p.path, p.title, p.collection, p.updated_at, p.search_document
            FROM library_pages AS p
            WHERE p.library_id = :library AND p.deleted_at IS NULL
                AND p.binary_file_id IS NULL
                AND p.search_document @@ to_tsquery('english', :query)
            ORDER BY p.updated_at DESC, p.id DESC
            LIMIT :window
        ) AS w
        ORDER BY score DESC, w.updated_at DESC, w.id DESC
        LIMIT :limit OFFSET :offset
    ) AS hits
    JOIN library_pages AS p ON p.id = hits.page_id
    ORDER BY hits.score DESC, hits.updated_at DESC, hits.page_id DESC
""")
_POSTGRES_COUNT = sa.text("""
    SELECT count(*) FROM (
        SELECT 1 FROM library_pages AS p
        WHERE p.library_id = :library AND p.deleted_at IS NULL AND p.binary_file_id IS NULL
            AND p.search_document @@ to_tsquery('english', :query)
        LIMIT :cap
    ) AS matches
""")
_POSTGRES_IDS = sa.text("""
    SELECT p.id
    FROM library_pages AS p
    WHERE p.library_id = :library AND p.deleted_at IS NULL AND p.binary_file_id IS NULL
        AND p.search_document @@ to_tsquery('english', :query)
""")
_POSTGRES_METRICS = sa.text("""
    SELECT count(*) AS documents,
        coalesce(sum(octet_length(title) + octet_length(left(body, :chars))), 0) AS size
    FROM library_pages
    WHERE library_id = :library AND deleted_at IS NULL AND search_document IS NOT NULL
""")
# Statements run often are prepared by the driver, and PostgreSQL may then plan them once for
# any parameters: a plan that does not know how common the words are (it intersected the
# library's whole index with the matches, 100 times slower for common words). Search plans
# each query for its own words.
_CUSTOM_PLANS = sa.text("SET LOCAL plan_cache_mode = force_custom_plan")
_HEADLINE = (
    f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}"
)


@dataclass(frozen=True)
class Found:
    page_id: str
    path: str
    title: str
    collection: str | None
    score: float
    snippet: str | None

    @classmethod
    def of(cls, row: RowMapping, score: float, snippet: str | None) -> Found:
        return cls(row["page_id"], row["path"], row["title"], row["collection"], score, snippet)


@dataclass(frozen=True)
class Metrics:
    documents: int
    size: int
    last_indexed_at: datetime | None


def find(
    conn: Connection, words: Sequence[str], *, library_id: str, limit: int, offset: int
) -> tuple[list[Found], int]:
    """The live pages of the library matching all `words`, best first (`limit` of them after
    `offset`), and how many match (counted up to `COUNTED_MATCHES`).

    When more than `SCORED_MATCHES` pages match, the most recently written of them are
    ranked (at least `offset + limit`): the work of a search stays bounded however common its
    words are."""
    return find_each(conn, words, library_ids=[library_id], limit=limit, offset=offset)[library_id]


def find_each(
    conn: Connection,
    words: Sequence[str],
    *,
    library_ids: Sequence[str],
    limit: int,
    offset: int = 0,
) -> dict[str, tuple[list[Found], int]]:
    """`find` in each of several libraries at once, scored alike (one ranking pass)."""
    none: dict[str, tuple[list[Found], int]] = {library: ([], 0) for library in library_ids}
    if not words or not library_ids:
        return none
    if conn.dialect.name == "postgresql":
        query = tsquery(words)
        conn.execute(_CUSTOM_PLANS)
        return {
            library: _find_postgres(conn, query, library, limit, offset) for library in library_ids
        }
    query = fts5_query(words, "all")
    if len(library_ids) == 1:
        [library] = library_ids
        return {library: _find_sqlite_one(conn, query, library, limit, offset)}
    return none | _find_sqlite(conn, query, library_ids, limit, offset)


def matching(conn: Connection, words: Sequence[str], *, library_id: str) -> set[str]:
    """The ids of the live pages of the library matching all `words` (what `find` counts)."""
    if not words:
        return set()
    if conn.dialect.name == "postgresql":
        conn.execute(_CUSTOM_PLANS)
        rows = conn.execute(_POSTGRES_IDS, {"query": tsquery(words), "library": library_id})
        return {row[0] for row in rows}
    bounds = _ranges(conn, [library_id]).get(library_id)
    if bounds is None:
        return set()
    given = {"query": fts5_query(words, "all"), "cap": COUNTED_MATCHES, **bounds}
    return {row[0] for row in conn.execute(_SQLITE_IDS, given)}


def metrics(conn: Connection, library_id: str) -> Metrics:
    """What the index holds of a library."""
    if conn.dialect.name == "postgresql":
        statement = _POSTGRES_METRICS.bindparams(chars=INDEXED_BODY_CHARS)
    else:
        statement = _SQLITE_METRICS
    row = conn.execute(statement, {"library": library_id}).mappings().one()
    last = conn.execute(
        sa.select(sa.func.max(library_pages.c.updated_at)).where(
            library_pages.c.library_id == library_id
        )
    ).scalar()
    return Metrics(int(row["documents"]), int(row["size"]), last)


def _ranges(conn: Connection, library_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """The rowid range of each library's documents (none for a library never indexed)."""
    rows = conn.execute(_SQLITE_KEYS, {"libraries": list(library_ids)})
    return {
        library: {"low": key * _LIBRARY_RANGE, "high": (key + 1) * _LIBRARY_RANGE - 1}
        for library, key in rows
    }


def _find_sqlite_one(
    conn: Connection, query: str, library_id: str, limit: int, offset: int
) -> tuple[list[Found], int]:
    bounds = _ranges(conn, [library_id]).get(library_id)
    if bounds is None:
        return [], 0
    window = max(SCORED_MATCHES, offset + limit)
    given = {"query": query, "window": window, "limit": limit, "offset": offset, **bounds}
    ranked = conn.execute(_SQLITE_RANKED, given).all()
    seen = ranked[0].seen if ranked else (0 if offset == 0 else None)
    total = seen if seen is not None and seen < window else _count(conn, query, bounds)
    scores = {row.doc: row.score for row in ranked}
    described = _described(conn, query, list(scores), scores)
    return [described[row.doc] for row in ranked], total


def _find_sqlite(
    conn: Connection, query: str, library_ids: Sequence[str], limit: int, offset: int
) -> dict[str, tuple[list[Found], int]]:
    window = max(SCORED_MATCHES, offset + limit)
    ranges = _ranges(conn, library_ids)
    if not ranges:
        return {}
    # One pass scores the newest matches over the span of every library asked (others' rows
    # in that span are dropped); when it saw them all, it is the whole answer.
    cap = window if len(ranges) == 1 else 2 * window
    span = {
        "low": min(bounds["low"] for bounds in ranges.values()),
        "high": max(bounds["high"] for bounds in ranges.values()),
    }
    scored = conn.execute(_SQLITE_SCORED, {"query": query, "window": cap, **span}).all()
    library_of = {bounds["low"] // _LIBRARY_RANGE: library for library, bounds in ranges.items()}
    windows: dict[str, list[int]] = {library: [] for library in ranges}
    scores: dict[int, float] = {}
    for doc, score in scored:
        library = library_of.get(doc // _LIBRARY_RANGE)
        if library is not None:
            windows[library].append(doc)
            scores[doc] = score
    if len(scored) < cap:
        totals = {library: len(docs) for library, docs in windows.items()}
    elif len(ranges) == 1:
        totals = {library: _count(conn, query, ranges[library]) for library in windows}
    else:  # too many to score them all: each library's newest, scored in one pass
        windows, totals = {}, {}
        for library, bounds in ranges.items():
            given = {"query": query, "window": window, **bounds}
            docs = list(conn.execute(_SQLITE_WINDOW, given).scalars())
            windows[library] = docs
            totals[library] = len(docs) if len(docs) < window else _count(conn, query, bounds)
        scores = _scores(conn, query, [doc for docs in windows.values() for doc in docs])
    best = {
        library: sorted(docs[:window], key=lambda doc: (-scores[doc], -doc))[
            offset : offset + limit
        ]
        for library, docs in windows.items()
    }
    described = _described(conn, query, [doc for docs in best.values() for doc in docs], scores)
    return {
        library: ([described[doc] for doc in docs], totals[library])
        for library, docs in best.items()
    }


def _count(conn: Connection, query: str, bounds: dict[str, int]) -> int:
    given = {"query": query, "cap": COUNTED_MATCHES, **bounds}
    return int(conn.execute(_SQLITE_COUNT, given).scalar_one())


def _scores(conn: Connection, query: str, docs: list[int]) -> dict[int, float]:
    if not docs:
        return {}
    given = {"query": query, "low": min(docs), "high": max(docs), "docs": json.dumps(docs)}
    return {doc: score for doc, score in conn.execute(_SQLITE_SCORE_DOCS, given)}


def _described(
    conn: Connection, query: str, docs: list[int], scores: dict[int, float]
) -> dict[int, Found]:
    """The page and snippet of each document chosen."""
    if not docs:
        return {}
    given = {"query": query, "low": min(docs), "high": max(docs), "docs": json.dumps(docs)}
    marks = {"open": OPEN, "close": CLOSE, "words": SNIPPET_WORDS}
    rows = conn.execute(_SQLITE_DESCRIBED, {**given, **marks}).mappings()
    return {row["doc"]: Found.of(row, scores[row["doc"]], row["snippet"]) for row in rows}


def _find_postgres(
    conn: Connection, query: str, library_id: str, limit: int, offset: int
) -> tuple[list[Found], int]:
    window = max(SCORED_MATCHES, offset + limit)
    given = {"query": query, "chars": INDEXED_BODY_CHARS, "lt": _LESS_THAN, "options": _HEADLINE}
    where = {"library": library_id, "limit": limit, "offset": offset, "window": window}
    ranked = conn.execute(_POSTGRES_FIND, {**given, **where}).mappings().all()
    found = [
        Found.of(
            row,
            float(row["score"]),
            row["snippet"].replace(_LESS_THAN, "<") if row["snippet"] else None,
        )
        for row in ranked
    ]
    if ranked and ranked[0]["window_size"] < window:
        return found, int(ranked[0]["window_size"])
    if not ranked and offset == 0:
        return found, 0
    count = {"query": query, "library": library_id, "cap": COUNTED_MATCHES}
    return found, int(conn.execute(_POSTGRES_COUNT, count).scalar_one())
