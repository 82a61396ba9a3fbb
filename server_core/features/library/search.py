"""Searching pages: one library (`POST /library/{id}/search`), every library the caller reads
(`POST /library/search`), and what the index holds of a library (`…/search/metrics`).

Results are live pages, best first, each with a snippet of its body as HTML (the text escaped,
the words found in `<mark>…</mark>`).

Semantic search (`useVector`, one library) needs an embedding engine (`embedding_engine`: an
OpenAI-compatible endpoint, `embedder.py`); without one it answers 400
`vector_search_unavailable`. With one, the query is embedded on the request path (one call,
`embedding_timeout_seconds`; an engine that does not answer is 503 `embedding_unavailable`),
and the pages nearest it (the vectors the embedding pass keeps, `embedding_pass.py`) are fused
with the full-text ranking by reciprocal rank fusion (`semantic.py`). Pages are embedded in the
background only, never while a request waits.
"""

from __future__ import annotations

import logging
from functools import partial

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features.library import fulltext, semantic
from server_core.features.library.access import access_library, role_of
from server_core.features.library.embedder import EmbedderFailed, embedder_for
from server_core.features.library.errors import EmbeddingUnavailable, VectorSearchUnavailable
from server_core.features.library.knowledge_schemas import (
    FederatedResult,
    FederatedResults,
    FederatedSearchRequest,
    SearchMetrics,
    SearchRequest,
    SearchResult,
    SearchResults,
)
from server_core.features.library.tables import libraries, library_page_embeddings, library_pages
from server_core.features.tasks.fulltext import words_of
from server_core.features.tasks.search import marked
from server_core.kernel.auth import Caller
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)


def _result(found: fulltext.Found) -> SearchResult:
    return SearchResult(
        page_id=found.page_id,
        path=found.path,
        title=found.title,
        collection=found.collection,
        snippet=marked(found.snippet),
        score=found.score,
    )


async def search_library(
    platform: Platform, *, caller: Caller, library_id: str, request: SearchRequest
) -> SearchResults:
    if not request.use_vector:
        return await platform.store.read(
            partial(_search_text, caller=caller, library_id=library_id, request=request)
        )
    found = await platform.store.read(
        lambda conn: access_library(conn, caller, library_id, "read").id
    )
    embedder = embedder_for(platform.settings)
    if embedder is None:
        raise VectorSearchUnavailable()
    try:
        [query] = await embedder.embed([request.query])
    except EmbedderFailed as error:
        log.warning("embedding a library search query: %s", error)
        raise EmbeddingUnavailable() from error
    return await platform.store.read(
        partial(
            semantic.hybrid_search,
            library_id=found,
            request=request,
            query=query,
            model=embedder.model,
        )
    )


def _search_text(
    conn: Connection, *, caller: Caller, library_id: str, request: SearchRequest
) -> SearchResults:
    access = access_library(conn, caller, library_id, "read")
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
    found = fulltext.find_each(
        conn,
        words_of(request.query),
        library_ids=[library["id"] for library in readable],
        limit=request.per_library_limit,
    )
    merged: list[FederatedResult] = []
    total = 0
    for library in readable:
        hits, count = found[library["id"]]
        total += count
        merged.extend(
            FederatedResult(
                **_result(hit).model_dump(),
                library_id=library["id"],
                library_slug=library["slug"],
                library_name=library["name"],
            )
            for hit in hits
        )
    merged.sort(key=lambda hit: (-hit.score, hit.library_name, hit.path))
    return FederatedResults(
        results=merged[: request.limit], total=total, libraries_searched=len(readable)
    )


def search_metrics(
    conn: Connection, *, caller: Caller, library_id: str, settings: Settings
) -> SearchMetrics:
    access = access_library(conn, caller, library_id, "read")
    held = fulltext.metrics(conn, access.id)
    embedder = embedder_for(settings)
    return SearchMetrics(
        engine="postgresql" if conn.dialect.name == "postgresql" else "sqlite",
        document_count=held.documents,
        indexed_bytes=held.size,
        last_indexed_at=held.last_indexed_at,
        vector=embedder is not None,
        embedded_count=None if embedder is None else _embedded(conn, access.id, embedder.model),
    )


def _embedded(conn: Connection, library_id: str, model: str) -> int:
    """Live pages of the library with an embedding of `model` (current or not yet redone)."""
    embeddings, pages = library_page_embeddings, library_pages
    count = conn.execute(
        sa.select(sa.func.count())
        .select_from(embeddings.join(pages, pages.c.id == embeddings.c.page_id))
        .where(
            embeddings.c.library_id == library_id,
            pages.c.deleted_at.is_(None),
            pages.c.binary_file_id.is_(None),
            embeddings.c.model == model,
            embeddings.c.dims > 0,
        )
    ).scalar()
    return int(count or 0)
