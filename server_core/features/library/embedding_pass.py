"""The embedding pass: live pages of live libraries whose embedding is missing or stale (the
page's sha or the configured model differs from the ones it was computed with) are embedded in
batches of `BATCH` texts (`embedder.page_text`: the title and the start of the body), off the
request path.

Every node runs it every `embedding_sweep_seconds` (nothing while no embedder is configured).
Nodes may embed the same page at once: the upsert is keyed on the page, and a vector is kept
only while the page still has the sha it was computed from, so the last one written is right
(a page edited meanwhile is picked up again by the next pass). An endpoint that fails is logged
and the pass stops there; the next one tries again. A page whose text the endpoint refuses
gets an empty vector (`dims` 0): never a vector hit, and not sent again until it changes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

import anyio
import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.embedder import (
    EMBEDDED_BODY_CHARS,
    Embedder,
    EmbedderFailed,
    EmbedderRefused,
    embedder_for,
    page_text,
)
from server_core.features.library.tables import libraries, library_page_embeddings, library_pages
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform

log = logging.getLogger(__name__)

BATCH = 64  # texts per request to the endpoint
MAX_BATCHES = 50  # per pass: a large backlog is spread over several sweeps


async def embed_pages_periodically(platform: Platform) -> None:
    """Run a pass every `embedding_sweep_seconds` for the platform's lifetime (return at once
    when no embedder is configured)."""
    if embedder_for(platform.settings) is None:
        return
    while True:
        try:
            count = await run_once(platform)
            if count:
                log.info("library pages embedded", extra={"count": count})
        except Exception:
            log.exception("embedding library pages failed; retrying next sweep")
        await anyio.sleep(platform.settings.embedding_sweep_seconds)


async def run_once(platform: Platform) -> int:
    """One pass: embed the pages due, at most `MAX_BATCHES` batches; how many were kept."""
    embedder = embedder_for(platform.settings)
    if embedder is None:
        return 0
    model = embedder.model
    kept = 0
    for _ in range(MAX_BATCHES):
        due = await platform.store.read(lambda conn: _due(conn, model))
        if not due:
            break
        try:
            vectors = await _embed(embedder, due)
        except EmbedderFailed as error:
            log.warning("embedding library pages: %s; retrying next sweep", error)
            break
        written = await platform.store.run_sync(
            partial(_keep, due=due, vectors=vectors, model=model)
        )
        kept += written
        if len(due) < BATCH or written == 0:
            break
    return kept


async def _embed(embedder: Embedder, due: Sequence[RowMapping]) -> list[list[float]]:
    """The pages' vectors. A batch the endpoint refuses is sent again page by page, and a page
    it refuses alone gets an empty vector: kept as a marker (no vector hit) until the page or
    the model changes, so that it does not hold up the pages after it."""
    texts = [page_text(row["title"], row["body"]) for row in due]
    try:
        return await embedder.embed(texts)
    except EmbedderRefused:
        if len(texts) == 1:
            log.warning(
                "embedding library page %s: refused; skipped until it changes", due[0]["id"]
            )
            return [[]]
    return [vector for row in due for vector in await _embed(embedder, [row])]


def _due(conn: Connection, model: str) -> Sequence[RowMapping]:
    """Up to `BATCH` live pages whose embedding is missing or stale, the least recently written
    first."""
    pages, embeddings = library_pages, library_page_embeddings
    return (
        conn.execute(
            sa.select(
                pages.c.id,
                pages.c.library_id,
                pages.c.sha,
                pages.c.title,
                sa.func.substr(pages.c.body, 1, EMBEDDED_BODY_CHARS).label("body"),
            )
            .select_from(
                pages.join(libraries, libraries.c.id == pages.c.library_id).outerjoin(
                    embeddings, embeddings.c.page_id == pages.c.id
                )
            )
            .where(
                pages.c.deleted_at.is_(None),
                pages.c.binary_file_id.is_(None),
                libraries.c.deleted_at.is_(None),
                sa.or_(
                    embeddings.c.page_id.is_(None),
                    embeddings.c.sha != pages.c.sha,
                    embeddings.c.model != model,
                ),
            )
            .order_by(pages.c.updated_at, pages.c.id)
            .limit(BATCH)
        )
        .mappings()
        .all()
    )


def _keep(
    conn: Connection, *, due: Sequence[RowMapping], vectors: list[list[float]], model: str
) -> int:
    """Upsert the vectors of the pages that still have the sha they were computed from."""
    current = dict(
        conn.execute(
            sa.select(library_pages.c.id, library_pages.c.sha).where(
                library_pages.c.id.in_([row["id"] for row in due]),
                library_pages.c.deleted_at.is_(None),
            )
        ).all()
    )
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    now = utcnow()
    written = 0
    for row, vector in zip(due, vectors, strict=True):
        if current.get(row["id"]) != row["sha"]:
            continue
        values = {
            "library_id": row["library_id"],
            "sha": row["sha"],
            "model": model,
            "dims": len(vector),
            "vector": np.asarray(vector, dtype="<f4").tobytes(),
            "updated_at": now,
        }
        conn.execute(
            insert(library_page_embeddings)
            .values(page_id=row["id"], **values)
            .on_conflict_do_update(index_elements=["page_id"], set_=values)
        )
        written += 1
    return written
