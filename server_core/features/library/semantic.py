"""Semantic search of one library: the pages nearest a query's vector, fused with the full-text
ranking.

- Nearest: the library's live pages embedded with the configured model (`embedding_pass.py`;
  a page edited since keeps its previous vector until the next pass) are scored by cosine
  similarity to the query's vector (the float32 vectors loaded into one matrix, normalised,
  one product); pages with a positive similarity are the vector hits, best first.
- Fusion: reciprocal rank fusion, `score = Σ 1 / (RRF_K + rank)` over the two rankings (the
  full-text one and the vector one, each cut to `offset + limit`), then by path. `total`
  counts the pages either ranking holds in full.

A page found only by its vector gets the start of its body as its snippet (escaped, nothing
marked).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.library import fulltext
from server_core.features.library.knowledge_schemas import (
    SearchRequest,
    SearchResult,
    SearchResults,
)
from server_core.features.library.tables import library_page_embeddings, library_pages
from server_core.features.tasks.fulltext import SNIPPET_WORDS, words_of
from server_core.features.tasks.search import marked

RRF_K = 60
_LEAD_CHARS = 1000  # of a body, read for a snippet of its first words


def nearest(
    conn: Connection, library_id: str, query: Sequence[float], model: str
) -> list[tuple[str, float]]:
    """The library's embedded live pages with a positive cosine similarity to `query`, most
    similar first (then by page id): `(page_id, similarity)`."""
    embeddings, pages = library_page_embeddings, library_pages
    rows = conn.execute(
        sa.select(embeddings.c.page_id, embeddings.c.vector)
        .select_from(embeddings.join(pages, pages.c.id == embeddings.c.page_id))
        .where(
            embeddings.c.library_id == library_id,
            pages.c.library_id == library_id,
            pages.c.deleted_at.is_(None),
            pages.c.binary_file_id.is_(None),
            embeddings.c.model == model,
            embeddings.c.dims == len(query),
        )
        .order_by(embeddings.c.page_id)
    ).all()
    wanted = np.asarray(query, dtype=np.float32)
    length = float(np.linalg.norm(wanted))
    if not rows or length == 0:
        return []
    matrix = np.frombuffer(b"".join(row.vector for row in rows), dtype="<f4").reshape(
        len(rows), len(query)
    )
    norms = np.linalg.norm(matrix, axis=1)
    norms[norms == 0] = 1.0
    similarity = (matrix / norms[:, None]) @ (wanted / length)
    order = np.argsort(-similarity, kind="stable")
    return [(rows[i].page_id, float(similarity[i])) for i in order if similarity[i] > 0]


def hybrid_search(
    conn: Connection,
    *,
    library_id: str,
    request: SearchRequest,
    query: Sequence[float],
    model: str,
) -> SearchResults:
    """The full-text and vector rankings of the library's live pages, fused."""
    depth = request.offset + request.limit
    words = words_of(request.query)
    found, _ = fulltext.find(conn, words, library_id=library_id, limit=depth, offset=0)
    similar = nearest(conn, library_id, query, model)
    total = len(fulltext.matching(conn, words, library_id=library_id) | {i for i, _ in similar})

    scores: dict[str, float] = {}
    for rank, hit in enumerate(found, start=1):
        scores[hit.page_id] = scores.get(hit.page_id, 0.0) + 1.0 / (RRF_K + rank)
    for rank, (page_id, _) in enumerate(similar[:depth], start=1):
        scores[page_id] = scores.get(page_id, 0.0) + 1.0 / (RRF_K + rank)

    results = {
        hit.page_id: SearchResult(
            page_id=hit.page_id,
            path=hit.path,
            title=hit.title,
            collection=hit.collection,
            snippet=marked(hit.snippet),
            score=scores[hit.page_id],
        )
        for hit in found
    }
    only_vector = [page_id for page_id in scores if page_id not in results]
    for row in _pages(conn, library_id, only_vector):
        results[row.id] = SearchResult(
            page_id=row.id,
            path=row.path,
            title=row.title,
            collection=row.collection,
            snippet=lead(row.lead),
            score=scores[row.id],
        )
    ranked = sorted(results.values(), key=lambda result: (-result.score, result.path))
    return SearchResults(
        results=ranked[request.offset : request.offset + request.limit], total=total
    )


def lead(body: str) -> str:
    """HTML of a body's first words, escaped, with `…` when more follow."""
    words = body.split()
    text = " ".join(words[:SNIPPET_WORDS])
    if len(words) > SNIPPET_WORDS or len(body) >= _LEAD_CHARS:
        text += "…"
    return html.escape(text)


def _pages(conn: Connection, library_id: str, ids: list[str]) -> Sequence[Any]:
    if not ids:
        return []
    pages = library_pages
    return conn.execute(
        sa.select(
            pages.c.id,
            pages.c.path,
            pages.c.title,
            pages.c.collection,
            sa.func.substr(pages.c.body, 1, _LEAD_CHARS).label("lead"),
        ).where(
            pages.c.library_id == library_id,
            pages.c.deleted_at.is_(None),
            pages.c.binary_file_id.is_(None),
            pages.c.id.in_(ids),
        )
    ).all()
