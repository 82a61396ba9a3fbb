"""Collections: list, read with schema, create or update, soft delete, their pages, and the
typed query over their pages' front matter."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.access import LibraryAccess, access_library
from server_core.features.library.conformance import check_schema
from server_core.features.library.errors import InvalidCollectionSchema
from server_core.features.library.pages import list_pages
from server_core.features.library.query import conditions, cursor_at, offset_of, ordering
from server_core.features.library.revisions import summary_view
from server_core.features.library.schemas import (
    Collection,
    CollectionQuery,
    FieldSpec,
    PageListQuery,
    PageSummary,
    PutCollectionRequest,
    QueryResult,
)
from server_core.features.library.tables import library_collections, library_pages
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.operations import Created
from server_core.kernel.wire import Page


def _find(conn: Connection, library_id: str, slug: str) -> RowMapping | None:
    return (
        conn.execute(
            sa.select(library_collections).where(
                library_collections.c.library_id == library_id,
                library_collections.c.slug == slug.strip().lower(),
            )
        )
        .mappings()
        .first()
    )


def access_collection(conn: Connection, access: LibraryAccess, slug: str) -> RowMapping:
    found = _find(conn, access.id, slug)
    if found is None or found["deleted_at"] is not None:
        raise NotFound(f"No collection '{slug}' in this library")
    return found


def _page_counts(conn: Connection, library_id: str) -> dict[str, int]:
    rows = conn.execute(
        sa.select(library_pages.c.collection, sa.func.count())
        .where(library_pages.c.library_id == library_id, library_pages.c.deleted_at.is_(None))
        .group_by(library_pages.c.collection)
    ).all()
    return {row[0]: int(row[1]) for row in rows if row[0] is not None}


def _view(row: RowMapping, page_count: int) -> Collection:
    return Collection.model_validate({**row, "page_count": page_count})


def schema_of(row: RowMapping) -> dict[str, FieldSpec]:
    return {name: FieldSpec.model_validate(spec) for name, spec in (row["schema"] or {}).items()}


def list_collections(conn: Connection, *, caller: Caller, library_id: str) -> list[Collection]:
    access = access_library(conn, caller, library_id, "read")
    rows = conn.execute(
        sa.select(library_collections)
        .where(
            library_collections.c.library_id == access.id,
            library_collections.c.deleted_at.is_(None),
        )
        .order_by(library_collections.c.slug)
    ).mappings()
    counts = _page_counts(conn, access.id)
    return [_view(row, counts.get(row["slug"], 0)) for row in rows]


def get_collection(conn: Connection, *, caller: Caller, library_id: str, slug: str) -> Collection:
    access = access_library(conn, caller, library_id, "read")
    row = access_collection(conn, access, slug)
    return _view(row, _page_counts(conn, access.id).get(row["slug"], 0))


def do_put_collection(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    slug: str,
    request: PutCollectionRequest,
) -> Created[Collection]:
    """Create (201) or replace (200) a collection; a deleted one with that slug comes back.
    Pages already in it are checked on their next write."""
    access = access_library(conn, caller, library_id, "manage", lock=True)
    slug = _check_slug(slug)
    if request.schema_ is not None:
        check_schema(request.schema_)
    values: dict[str, Any] = {
        "name": request.name or slug,
        "description": request.description,
        "schema": (
            {name: spec.model_dump(exclude_none=True) for name, spec in request.schema_.items()}
            if request.schema_ is not None
            else None
        ),
        "views": [view.model_dump(by_alias=True) for view in request.views],
        "updated_at": utcnow(),
        "deleted_at": None,
    }
    found = _find(conn, access.id, slug)
    if found is None:
        conn.execute(
            library_collections.insert().values(
                id=new_id(), library_id=access.id, slug=slug, created_at=values["updated_at"],
                **values,
            )
        )  # fmt: skip
    else:
        conn.execute(
            library_collections.update()
            .where(library_collections.c.id == found["id"])
            .values(**values)
        )
    row = access_collection(conn, access, slug)
    created = found is None or found["deleted_at"] is not None
    return Created(_view(row, _page_counts(conn, access.id).get(slug, 0)), created=created)


def _check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not slug or len(slug) > 100 or not all(c.isalnum() or c == "-" for c in slug):
        raise InvalidCollectionSchema("A collection slug is letters, digits and dashes")
    return slug


def do_delete_collection(
    conn: Connection, events: list[Event], *, caller: Caller, library_id: str, slug: str
) -> Collection:
    """Soft delete: its pages stay, still naming it, and a PUT of the slug brings it back."""
    access = access_library(conn, caller, library_id, "manage", lock=True)
    row = access_collection(conn, access, slug)
    now = utcnow()
    conn.execute(
        library_collections.update()
        .where(library_collections.c.id == row["id"])
        .values(deleted_at=now, updated_at=now)
    )
    return _view(row, _page_counts(conn, access.id).get(row["slug"], 0))


def collection_pages(
    conn: Connection, *, caller: Caller, library_id: str, slug: str, query: PageListQuery
) -> Page[PageSummary]:
    access = access_library(conn, caller, library_id, "read")
    row = access_collection(conn, access, slug)
    scoped = query.model_copy(update={"collection": row["slug"]})
    return list_pages(conn, caller=caller, library_id=access.id, query=scoped)


def query_collection(
    conn: Connection,
    *,
    caller: Caller,
    library_id: str,
    slug: str,
    request: CollectionQuery,
) -> QueryResult:
    """Filtered, ordered and paged in SQL (never in Python)."""
    access = access_library(conn, caller, library_id, "read")
    row = access_collection(conn, access, slug)
    schema = schema_of(row)
    offset = offset_of(request.cursor)
    select = (
        sa.select(library_pages)
        .where(
            library_pages.c.library_id == access.id,
            library_pages.c.collection == row["slug"],
            library_pages.c.deleted_at.is_(None),
            *conditions(conn, request, schema),
        )
        .order_by(*ordering(conn, request, schema))
        .offset(offset)
        .limit(request.limit + 1)
    )
    found = conn.execute(select).mappings().all()
    more = len(found) > request.limit
    return QueryResult(
        pages=[summary_view(page) for page in found[: request.limit]],
        cursor=cursor_at(offset + request.limit) if more else None,
    )
