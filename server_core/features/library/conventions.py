"""A library's conventions: one free JSON document (date format, tag case, required front
matter…), versioned. Viewers read it; admins replace it (PUT) or merge keys into it (PATCH,
a null value removing a key). A write that changes nothing keeps the version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.access import access_library
from server_core.features.library.errors import ConventionsChanged
from server_core.features.library.knowledge_schemas import (
    Conventions,
    PatchConventionsRequest,
    PutConventionsRequest,
)
from server_core.features.library.tables import library_conventions
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event


def _current(conn: Connection, library_id: str) -> RowMapping | None:
    return (
        conn.execute(
            sa.select(library_conventions).where(library_conventions.c.library_id == library_id)
        )
        .mappings()
        .first()
    )


def _view(row: RowMapping | None) -> Conventions:
    if row is None:
        return Conventions(conventions={}, version=0, updated_at=None, updated_by=None)
    return Conventions(
        conventions=dict(row["document"]),
        version=row["version"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


def get_conventions(conn: Connection, *, caller: Caller, library_id: str) -> Conventions:
    access = access_library(conn, caller, library_id, "browse")
    return _view(_current(conn, access.id))


def do_put_conventions(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    request: PutConventionsRequest,
) -> Conventions:
    return _write(conn, caller, library_id, request.if_version, lambda _: request.conventions)


def do_patch_conventions(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    request: PatchConventionsRequest,
) -> Conventions:
    def merged(before: dict[str, Any]) -> dict[str, Any]:
        document = dict(before)
        for key, value in request.conventions.items():
            if value is None:
                document.pop(key, None)
            else:
                document[key] = value
        return document

    return _write(conn, caller, library_id, request.if_version, merged)


def _write(
    conn: Connection,
    caller: Caller,
    library_id: str,
    if_version: int | None,
    change: Callable[[dict[str, Any]], dict[str, Any]],
) -> Conventions:
    """Holding the library's row (so writers take turns), check `ifVersion`, apply `change` to
    the current document and store it as the next version when it differs."""
    access = access_library(conn, caller, library_id, "manage", lock=True)
    row = _current(conn, access.id)
    version = row["version"] if row is not None else 0
    if if_version is not None and if_version != version:
        raise ConventionsChanged(details={"currentVersion": version})
    before: dict[str, Any] = dict(row["document"]) if row is not None else {}
    document = change(before)
    if document == before:
        return _view(row)
    values = {"document": document, "version": version + 1}
    values |= {"updated_by": caller.principal_id, "updated_at": utcnow()}
    if row is None:
        conn.execute(library_conventions.insert().values(library_id=access.id, **values))
    else:
        conn.execute(
            library_conventions.update()
            .where(library_conventions.c.library_id == access.id)
            .values(**values)
        )
    return _view(_current(conn, access.id))
