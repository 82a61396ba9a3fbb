"""Searching pages: one library (`POST /library/{id}/search`), every library the caller reads
(`POST /library/search`), and what the index holds of a library (`…/search/metrics`).

Results are live pages, best first, each with a snippet of its body as HTML (the text escaped,
the words found in `<mark>…</mark>`). Semantic search (`useVector`) needs an embedding model
this server does not run: asking for it answers 400 `vector_search_unavailable`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.library import fulltext
from server_core.features.library.access import access_library, role_of
from server_core.features.library.errors import VectorSearchUnavailable
from server_core.features.library.knowledge_schemas import (
    FederatedResult,
    FederatedResults,
    FederatedSearchRequest,
    SearchMetrics,
    SearchRequest,
    SearchResult,
    SearchResults,
)
from server_core.features.library.tables import libraries
from server_core.features.tasks.fulltext import words_of
from server_core.features.tasks.search import marked
from server_core.kernel.auth import Caller


def _result(found: fulltext.Found) -> SearchResult:
    return SearchResult(
        page_id=found.page_id,
        path=found.path,
        title=found.title,
        collection=found.collection,
        snippet=marked(found.snippet),
        score=found.score,
    )


def search_library(
    conn: Connection, *, caller: Caller, library_id: str, request: SearchRequest
) -> SearchResults:
    access = access_library(conn, caller, library_id, "read")
    if request.use_vector:
        raise VectorSearchUnavailable()
    found, total = fulltext.find(
        conn,
        words_of(request.query),
        library_id=access.id,
        limit=request.limit,
        offset=request.offset,
    )
    return SearchResults(results=[_result(hit) for hit in found], total=total)


def search_libraries(
    conn: Connection, *, caller: Caller, request: FederatedSearchRequest
) -> FederatedResults:
    """The best `perLibraryLimit` pages of each live library of the caller's workspace it may
    read, merged best first and cut to `limit`."""
    rows = (
        conn.execute(
            sa.select(libraries)
            .where(
                libraries.c.workspace_id == caller.workspace_id,
                libraries.c.deleted_at.is_(None),
            )
            .order_by(libraries.c.name, libraries.c.id)
        )
        .mappings()
        .all()
    )
    readable = [row for row in rows if role_of(conn, caller, row) is not None]
    words = words_of(request.query)
    merged: list[FederatedResult] = []
    total = 0
    for library in readable:
        found, count = fulltext.find(
            conn, words, library_id=library["id"], limit=request.per_library_limit, offset=0
        )
        total += count
        merged.extend(
            FederatedResult(
                **_result(hit).model_dump(),
                library_id=library["id"],
                library_slug=library["slug"],
                library_name=library["name"],
            )
            for hit in found
        )
    merged.sort(key=lambda hit: (-hit.score, hit.library_name, hit.path))
    return FederatedResults(
        results=merged[: request.limit], total=total, libraries_searched=len(readable)
    )


def search_metrics(conn: Connection, *, caller: Caller, library_id: str) -> SearchMetrics:
    access = access_library(conn, caller, library_id, "read")
    held = fulltext.metrics(conn, access.id)
    return SearchMetrics(
        engine="postgresql" if conn.dialect.name == "postgresql" else "sqlite",
        document_count=held.documents,
        indexed_bytes=held.size,
        last_indexed_at=held.last_indexed_at,
        vector=False,
    )
