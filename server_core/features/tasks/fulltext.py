"""The full-text index of tasks and their activity, on each engine (migration 0008 builds it and
the database keeps it): which documents match some words, how well, and their snippets.

A document is a task (title A; description, context background and notes B; context decisions,
constraints and acceptance C) or an activity entry (message B). Queries are built from words
only (`words_of`), each quoted, so nothing a user types is read as query syntax; all words
must match, the last one also as a prefix.

- SQLite: FTS5 over `search_task_documents`, ranked by bm25 with those column weights (1, 0.4,
  0.4, 0.2, 0.4, as PostgreSQL weighs A, B and C), negated so that higher is better.
- PostgreSQL: `search_document` tsvectors (english), ranked by ts_rank.

Snippets come with the words found between `OPEN` and `CLOSE` (characters of Unicode's
private use area) and are otherwise raw text: `search.marked` makes HTML of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.tasks.schemas import SearchScope

OPEN, CLOSE = "\ue000", "\ue001"
# PostgreSQL's parser reads `<` as the start of an HTML tag and skips what follows `<script>`;
# the index reads it as a space, and snippets are made with this stand-in for it.
_LESS_THAN = "\ue002"
SNIPPET_WORDS = 24
# The fields a document's snippets are taken from, in FTS5's column order.
FIELDS = ("title", "description", "context_b", "context_c", "message")
_WORD = re.compile(r"[^\W_]+")
_FTS5_COLUMNS: dict[SearchScope, str] = {
    "all": "",
    "context": "{title description context_b context_c} : ",
    "activity": "message : ",
}
_HEADLINE = f"StartSel={OPEN}, StopSel={CLOSE}"
_HEADLINE_ALL = _HEADLINE + ", HighlightAll=true"
_HEADLINE_SOME = _HEADLINE + f", MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}"

# The statements, written out whole. `:project` null: any project.
_SQLITE_RANKED_TASKS = sa.text("""
    SELECT d.task_id AS task_id, -bm25(search_task_fts, 1.0, 0.4, 0.4, 0.2, 0.4) AS rank
    FROM search_task_fts JOIN search_task_documents AS d ON d.id = search_task_fts.rowid
    WHERE search_task_fts MATCH :query
""")
# The best matches of the workspace (and project), then what a hit shows of their tasks and
# activity entries.
_SQLITE_FIND = sa.text("""
    SELECT hits.doc, hits.score, t.id AS task_id, t.number, t.title, t.status, t.priority,
        t.project_id, a.id AS activity_id, a.type AS activity_type, a.created_at
    FROM (
        SELECT search_task_fts.rowid AS doc, d.task_id, d.activity_id,
            -bm25(search_task_fts, 1.0, 0.4, 0.4, 0.2, 0.4) AS score
        FROM search_task_fts JOIN search_task_documents AS d ON d.id = search_task_fts.rowid
        WHERE search_task_fts MATCH :query AND d.workspace_id = :workspace
            AND (:project IS NULL OR EXISTS (
                SELECT 1 FROM tasks WHERE tasks.id = d.task_id AND tasks.project_id = :project))
        ORDER BY score DESC, doc
        LIMIT :limit
    ) AS hits
    JOIN tasks AS t ON t.id = hits.task_id
    LEFT JOIN task_activity AS a ON a.id = hits.activity_id
    ORDER BY hits.score DESC, hits.doc
""").columns(created_at=sa.DateTime(timezone=True))
# Snippets for a page of documents only: made in the ranking statement, they would be made
# for every match before the sort. The documents are read in one pass over the matches (the
# rowid range) and picked by the `+rowid IN` filter: as a lookup per rowid, FTS5 would
# evaluate the query (expanding its prefix) again for each.
_SQLITE_SNIPPETS = sa.text("""
    SELECT rowid AS doc,
        highlight(search_task_fts, 0, :open, :close) AS title,
        snippet(search_task_fts, 1, :open, :close, '…', :words) AS description,
        snippet(search_task_fts, 2, :open, :close, '…', :words) AS context_b,
        snippet(search_task_fts, 3, :open, :close, '…', :words) AS context_c,
        snippet(search_task_fts, 4, :open, :close, '…', :words) AS message
    FROM search_task_fts
    WHERE search_task_fts MATCH :query AND rowid BETWEEN :first AND :last AND +rowid IN :docs
""").bindparams(sa.bindparam("docs", expanding=True))
_POSTGRES_RANKED_TASKS = sa.text("""
    SELECT id AS task_id, ts_rank(search_document, to_tsquery('english', :query)) AS rank
    FROM tasks
    WHERE search_document @@ to_tsquery('english', :query)
""")
_POSTGRES_FIND = sa.text("""
    SELECT hits.score, t.id AS task_id, t.number, t.title, t.status, t.priority, t.project_id,
        t.description, t.context, a.id AS activity_id, a.type AS activity_type, a.created_at,
        a.message
    FROM (
        SELECT t.id AS task_id, NULL::varchar AS activity_id,
            ts_rank(t.search_document, to_tsquery('english', :query)) AS score
        FROM tasks AS t
        WHERE :scope != 'activity' AND t.search_document @@ to_tsquery('english', :query)
            AND t.workspace_id = :workspace
            AND (CAST(:project AS varchar) IS NULL OR t.project_id = :project)
        UNION ALL
        SELECT a.task_id, a.id, ts_rank(a.search_document, to_tsquery('english', :query))
        FROM task_activity AS a JOIN tasks AS t ON t.id = a.task_id
        WHERE :scope != 'context' AND a.search_document @@ to_tsquery('english', :query)
            AND t.workspace_id = :workspace
            AND (CAST(:project AS varchar) IS NULL OR t.project_id = :project)
        ORDER BY score DESC, task_id, activity_id NULLS FIRST
        LIMIT :limit
    ) AS hits
    JOIN tasks AS t ON t.id = hits.task_id
    LEFT JOIN task_activity AS a ON a.id = hits.activity_id
    ORDER BY hits.score DESC, hits.task_id, hits.activity_id NULLS FIRST
""")
_POSTGRES_HEADLINES = sa.text("""
    SELECT ts_headline('english', text, to_tsquery('english', :query), options)
    FROM unnest(CAST(:texts AS text[]), CAST(:options AS text[]))
        WITH ORDINALITY AS given(text, options, n)
    ORDER BY n
""")


@dataclass(frozen=True)
class Found:
    """A matching document: a task (`activity_id` None) or one of its activity entries, with
    what a hit shows of them."""

    task_id: str
    task_number: int
    title: str
    status: str
    priority: str
    project_id: str | None
    activity_id: str | None
    activity_type: str | None
    created_at: datetime | None
    rank: float
    snippets: dict[str, str | None]

    @classmethod
    def of(cls, row: RowMapping, snippets: dict[str, str | None]) -> Found:
        return cls(
            row["task_id"],
            row["number"],
            row["title"],
            row["status"],
            row["priority"],
            row["project_id"],
            row["activity_id"],
            row["activity_type"],
            row["created_at"],
            float(row["score"]),
            snippets,
        )


def words_of(text: str) -> list[str]:
    """The words of what a user typed (letters and digits; the rest separates them)."""
    return _WORD.findall(text)


def find(
    conn: Connection,
    words: Sequence[str],
    *,
    workspace_id: str,
    project_id: str | None,
    scope: SearchScope,
    limit: int,
) -> list[Found]:
    """The best `limit` documents of the workspace (and project) matching all `words`, best
    first, with their snippets."""
    if not words:
        return []
    where = {"workspace": workspace_id, "project": project_id, "limit": limit}
    if conn.dialect.name == "postgresql":
        return _find_postgres(conn, tsquery(words), scope, where)
    return _find_sqlite(conn, fts5_query(words, scope), where)


def ranked_tasks(conn: Connection, words: Sequence[str]) -> sa.Subquery:
    """`(task_id, rank)` of every task whose own text matches all `words` (for lists)."""
    if conn.dialect.name == "postgresql":
        statement, query = _POSTGRES_RANKED_TASKS, tsquery(words)
    else:
        statement, query = _SQLITE_RANKED_TASKS, fts5_query(words, "context")
    return (
        statement.bindparams(query=query)
        .columns(task_id=sa.String, rank=sa.Float)
        .subquery("ranked")
    )


def fts5_query(words: Sequence[str], scope: SearchScope) -> str:
    """An FTS5 query: every word quoted (a phrase, never an operator), the last a prefix."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return f"{_FTS5_COLUMNS[scope]}({' '.join(quoted)})"


def tsquery(words: Sequence[str]) -> str:
    """A to_tsquery text: every word quoted as a lexeme, all required, the last a prefix."""
    quoted = ["'" + word.replace("'", "''") + "'" for word in words]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def _find_sqlite(conn: Connection, query: str, where: dict[str, Any]) -> list[Found]:
    ranked = conn.execute(_SQLITE_FIND, {"query": query, **where}).mappings().all()
    if not ranked:
        return []
    docs = [row["doc"] for row in ranked]
    marks = {"open": OPEN, "close": CLOSE, "words": SNIPPET_WORDS}
    rows = conn.execute(
        _SQLITE_SNIPPETS,
        {"query": query, "docs": docs, "first": min(docs), "last": max(docs), **marks},
    ).mappings()
    by_doc = {row["doc"]: {name: row[name] for name in FIELDS} for row in rows}
    return [Found.of(row, by_doc.get(row["doc"], {})) for row in ranked]


def _find_postgres(
    conn: Connection, query: str, scope: SearchScope, where: dict[str, Any]
) -> list[Found]:
    ranked = conn.execute(_POSTGRES_FIND, {"query": query, "scope": scope, **where}).mappings()
    found = [(row, _texts(row)) for row in ranked]
    if not found:
        return []
    texts = [
        text.replace("<", _LESS_THAN) if text is not None else None
        for _, by_field in found
        for text in by_field.values()
    ]
    options = [
        _HEADLINE_ALL if name == "title" else _HEADLINE_SOME
        for _, by_field in found
        for name in by_field
    ]
    headlines = iter(
        conn.execute(
            _POSTGRES_HEADLINES, {"query": query, "texts": texts, "options": options}
        ).scalars()
    )
    return [
        Found.of(row, {name: _restored(next(headlines)) for name in by_field})
        for row, by_field in found
    ]


def _restored(headline: str | None) -> str | None:
    return headline.replace(_LESS_THAN, "<") if headline is not None else None


def _texts(row: RowMapping) -> dict[str, str | None]:
    """A document's fields as the index reads them (the same fields as SQLite's documents)."""
    if row["activity_id"] is not None:
        return {"message": row["message"]}
    context = row["context"] if isinstance(row["context"], dict) else {}
    background = [context.get(name) for name in ("background", "notes")]
    lists = [
        item
        for name in ("decisions", "constraints", "acceptance")
        for item in (context.get(name) or [])
        if isinstance(item, str)
    ]
    return {
        "title": row["title"],
        "description": row["description"],
        "context_b": "\n".join(text for text in background if text) or None,
        "context_c": "\n".join(lists) or None,
    }
