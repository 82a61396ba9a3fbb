"""The full-text index of library pages, on each engine (migration 0020 builds it and the
database keeps it in step with every page write): which live pages of a library match some
words, how well, and a snippet of each.

A page is its title (weight A) and the first `INDEXED_BODY_CHARS` characters of its body (B).
Queries are built from words only, each quoted, so nothing a user types is read as query
syntax; all words must match, the last one also as a prefix (the tasks' index does the same:
`features.tasks.fulltext`).

- SQLite: FTS5 over `search_library_documents`, ranked by bm25 with weights 1 and 0.4 (as
  PostgreSQL weighs A and B), negated so that higher is better.
- PostgreSQL: the `search_document` tsvector of `library_pages` (english), ranked by ts_rank.

Snippets come with the words found between `OPEN` and `CLOSE`; `search.marked` makes HTML of
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.tables import library_pages
from server_core.features.tasks.fulltext import CLOSE, OPEN, SNIPPET_WORDS, fts5_query, tsquery

INDEXED_BODY_CHARS = 100_000  # as migration 0020 indexes
_LESS_THAN = "\ue002"

# The index is matched first, on its own (MATERIALIZED): joined to the library's documents,
# SQLite's planner may walk those instead and run the match once per row, which is far slower
# for a library of many pages.
_SQLITE_HITS = """
    WITH hits AS MATERIALIZED (
        SELECT rowid AS doc, -bm25(search_library_fts, 1.0, 0.4) AS score
        FROM search_library_fts WHERE search_library_fts MATCH :query
    )
"""
_SQLITE_LIVE = """
    FROM hits
    JOIN search_library_documents AS d ON d.id = hits.doc
    JOIN library_pages AS p ON p.id = d.page_id
    WHERE d.library_id = :library AND p.deleted_at IS NULL AND p.binary_file_id IS NULL
"""
_SQLITE_FIND = sa.text(
    _SQLITE_HITS
    + "SELECT hits.doc, p.id AS page_id, p.path, p.title, p.collection, hits.score"
    + _SQLITE_LIVE
    + "ORDER BY hits.score DESC, p.path LIMIT :limit OFFSET :offset"
)
_SQLITE_COUNT = sa.text(_SQLITE_HITS + "SELECT count(*)" + _SQLITE_LIVE)
# Snippets for the page of results only, read in one pass over the matches (see the tasks'
# index for why the rowid range and `+rowid IN`).
_SQLITE_SNIPPETS = sa.text("""
    SELECT rowid AS doc, snippet(search_library_fts, 1, :open, :close, '…', :words) AS snippet
    FROM search_library_fts
    WHERE search_library_fts MATCH :query AND rowid BETWEEN :first AND :last AND +rowid IN :docs
""").bindparams(sa.bindparam("docs", expanding=True))
_SQLITE_IDS = sa.text(_SQLITE_HITS + "SELECT p.id" + _SQLITE_LIVE)
_SQLITE_METRICS = sa.text("""
    SELECT count(*) AS documents,
        coalesce(sum(length(CAST(title AS BLOB)) + length(CAST(body AS BLOB))), 0) AS size
    FROM search_library_documents WHERE library_id = :library
""")

_POSTGRES_FIND = sa.text("""
    SELECT hits.page_id, hits.path, hits.title, hits.collection, hits.score,
        ts_headline('english', replace(left(p.body, :chars), '<', :lt),
            to_tsquery('english', :query), :options) AS snippet
    FROM (
        SELECT p.id AS page_id, p.path, p.title, p.collection,
            ts_rank(p.search_document, to_tsquery('english', :query)) AS score
        FROM library_pages AS p
        WHERE p.library_id = :library AND p.deleted_at IS NULL AND p.binary_file_id IS NULL
            AND p.search_document @@ to_tsquery('english', :query)
        ORDER BY score DESC, p.path
        LIMIT :limit OFFSET :offset
    ) AS hits
    JOIN library_pages AS p ON p.id = hits.page_id
    ORDER BY hits.score DESC, hits.path
""")
_POSTGRES_COUNT = sa.text("""
    SELECT count(*)
    FROM library_pages AS p
    WHERE p.library_id = :library AND p.deleted_at IS NULL AND p.binary_file_id IS NULL
        AND p.search_document @@ to_tsquery('english', :query)
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
    def of(cls, row: RowMapping, snippet: str | None) -> Found:
        return cls(
            row["page_id"],
            row["path"],
            row["title"],
            row["collection"],
            float(row["score"]),
            snippet,
        )


@dataclass(frozen=True)
class Metrics:
    documents: int
    size: int
    last_indexed_at: datetime | None


def find(
    conn: Connection, words: Sequence[str], *, library_id: str, limit: int, offset: int
) -> tuple[list[Found], int]:
    """The live pages of the library matching all `words`, best first (`limit` of them after
    `offset`), and how many match in all."""
    if not words:
        return [], 0
    where: dict[str, str | int] = {"library": library_id, "limit": limit, "offset": offset}
    if conn.dialect.name == "postgresql":
        return _find_postgres(conn, tsquery(words), where)
    return _find_sqlite(conn, fts5_query(words, "all"), where)


def matching(conn: Connection, words: Sequence[str], *, library_id: str) -> set[str]:
    """The ids of every live page of the library matching all `words` (what `find` counts)."""
    if not words:
        return set()
    if conn.dialect.name == "postgresql":
        statement, query = _POSTGRES_IDS, tsquery(words)
    else:
        statement, query = _SQLITE_IDS, fts5_query(words, "all")
    return {row[0] for row in conn.execute(statement, {"query": query, "library": library_id})}


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


def _find_sqlite(
    conn: Connection, query: str, where: dict[str, str | int]
) -> tuple[list[Found], int]:
    ranked = conn.execute(_SQLITE_FIND, {"query": query, **where}).mappings().all()
    total = conn.execute(_SQLITE_COUNT, {"query": query, "library": where["library"]}).scalar()
    if not ranked:
        return [], int(total or 0)
    docs = [row["doc"] for row in ranked]
    marks = {"open": OPEN, "close": CLOSE, "words": SNIPPET_WORDS}
    rows = conn.execute(
        _SQLITE_SNIPPETS,
        {"query": query, "docs": docs, "first": min(docs), "last": max(docs), **marks},
    ).mappings()
    snippets = {row["doc"]: row["snippet"] for row in rows}
    return [Found.of(row, snippets.get(row["doc"])) for row in ranked], int(total or 0)


def _find_postgres(
    conn: Connection, query: str, where: dict[str, str | int]
) -> tuple[list[Found], int]:
    given = {"query": query, "chars": INDEXED_BODY_CHARS, "lt": _LESS_THAN, "options": _HEADLINE}
    ranked = conn.execute(_POSTGRES_FIND, {**given, **where}).mappings().all()
    total = conn.execute(_POSTGRES_COUNT, {"query": query, "library": where["library"]}).scalar()
    found = [
        Found.of(row, row["snippet"].replace(_LESS_THAN, "<") if row["snippet"] else None)
        for row in ranked
    ]
    return found, int(total or 0)
