"""Libraries: create (with the well-known collections on request), list, read with stats,
update, soft delete."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.access import LibraryAccess, access_library, role_of
from server_core.features.library.defaults import WELL_KNOWN
from server_core.features.library.errors import LibrarySlugTaken, PublicReadNotAllowed
from server_core.features.library.schemas import (
    CreateLibraryRequest,
    Library,
    LibrarySettings,
    LibraryStats,
    Role,
    UpdateLibraryRequest,
)
from server_core.features.library.tables import (
    libraries,
    library_collections,
    library_members,
    library_pages,
)
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import Forbidden
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_from(name: str) -> str:
    slug = _NOT_SLUG.sub("-", name.lower()).strip("-")[:90].strip("-")
    return slug or "library"


def _slug_free(conn: Connection, workspace_id: str, slug: str, *, but: str | None = None) -> bool:
    query = sa.select(libraries.c.id).where(
        libraries.c.workspace_id == workspace_id, libraries.c.slug == slug
    )
    if but is not None:
        query = query.where(libraries.c.id != but)
    return conn.execute(query).first() is None


def _free_slug(conn: Connection, workspace_id: str, name: str) -> str:
    base = slug_from(name)
    slug, n = base, 1
    while not _slug_free(conn, workspace_id, slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def check_settings(
    caller: Caller, visibility: str, settings: LibrarySettings, before: dict[str, Any]
) -> None:
    """Turning the workspace's public-read opt-in on is a workspace admin's decision; the
    `public_read` visibility needs it."""
    if settings.allow_public_read and not before.get("allowPublicRead") and not caller.is_admin:
        raise Forbidden("Only a workspace admin may allow public read")
    if visibility == "public_read" and not settings.allow_public_read:
        raise PublicReadNotAllowed()


def stats_of(conn: Connection, library_ids: Iterable[str]) -> dict[str, LibraryStats]:
    ids = list(library_ids)
    pages = conn.execute(
        sa.select(
            library_pages.c.library_id,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(library_pages.c.size_bytes), 0),
        )
        .where(library_pages.c.library_id.in_(ids), library_pages.c.deleted_at.is_(None))
        .group_by(library_pages.c.library_id)
    ).all()
    collections = conn.execute(
        sa.select(library_collections.c.library_id, sa.func.count())
        .where(
            library_collections.c.library_id.in_(ids), library_collections.c.deleted_at.is_(None)
        )
        .group_by(library_collections.c.library_id)
    ).all()
    page_counts = {row[0]: (int(row[1]), int(row[2])) for row in pages}
    collection_counts = {row[0]: int(row[1]) for row in collections}
    return {
        library_id: LibraryStats(
            page_count=page_counts.get(library_id, (0, 0))[0],
            collection_count=collection_counts.get(library_id, 0),
            size_bytes=page_counts.get(library_id, (0, 0))[1],
        )
        for library_id in ids
    }


def library_view(row: RowMapping, role: Role, stats: LibraryStats) -> Library:
    return Library(
        id=row["id"],
        workspace_id=row["workspace_id"],
        name=row["name"],
        slug=row["slug"],
        description=row["description"],
        icon=row["icon"],
        color=row["color"],
        owner_kind=row["owner_kind"],
        owner_id=row["owner_id"],
        visibility=row["visibility"],
        settings=LibrarySettings.model_validate(row["settings"] or {}),
        stats=stats,
        role=role,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _view(conn: Connection, access: LibraryAccess) -> Library:
    return library_view(access.library, access.role, stats_of(conn, [access.id])[access.id])


def do_create_library(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateLibraryRequest
) -> Library:
    settings = request.settings or LibrarySettings()
    check_settings(caller, request.visibility, settings, {})
    if request.slug is not None:
        if not _slug_free(conn, caller.workspace_id, request.slug):
            raise LibrarySlugTaken(
                f"Another library of this workspace has the slug '{request.slug}'"
            )
        slug = request.slug
    else:
        slug = _free_slug(conn, caller.workspace_id, request.name)
    now = utcnow()
    library_id = new_id()
    conn.execute(
        libraries.insert().values(
            id=library_id,
            workspace_id=caller.workspace_id,
            name=request.name,
            slug=slug,
            description=request.description,
            icon=request.icon,
            color=request.color,
            owner_kind=request.owner_kind or ("human" if caller.is_human else "agent"),
            owner_id=caller.principal_id,
            visibility=request.visibility,
            settings=settings.model_dump(by_alias=True),
            clock=0,
            created_at=now,
            updated_at=now,
        )
    )
    conn.execute(
        library_members.insert().values(
            library_id=library_id,
            principal_id=caller.principal_id,
            role="owner",
            added_by=caller.principal_id,
            created_at=now,
            updated_at=now,
        )
    )
    if request.defaults:
        conn.execute(
            library_collections.insert(),
            [
                {
                    "id": new_id(),
                    "library_id": library_id,
                    "slug": slug_,
                    "name": spec["name"],
                    "description": spec["description"],
                    "schema": spec["schema"],
                    "views": spec["views"],
                    "created_at": now,
                    "updated_at": now,
                }
                for slug_, spec in WELL_KNOWN.items()
            ],
        )
    return _view(conn, access_library(conn, caller, library_id, "read"))


def list_libraries(conn: Connection, *, caller: Caller) -> list[Library]:
    """The live libraries of the caller's workspace it may read, by name."""
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
    readable = [(row, role) for row in rows if (role := role_of(conn, caller, row)) is not None]
    stats = stats_of(conn, [row["id"] for row, _ in readable])
    return [library_view(row, role, stats[row["id"]]) for row, role in readable]


def get_library(conn: Connection, *, caller: Caller, library_id: str) -> Library:
    return _view(conn, access_library(conn, caller, library_id, "read"))


def do_update_library(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    request: UpdateLibraryRequest,
) -> Library:
    access = access_library(conn, caller, library_id, "manage", lock=True)
    library = access.library
    given = request.model_fields_set
    changes: dict[str, Any] = {}
    for field in ("name", "description", "icon", "color"):
        if field in given and (field != "name" or request.name is not None):
            changes[field] = getattr(request, field)
    if "slug" in given and request.slug is not None and request.slug != library["slug"]:
        if not _slug_free(conn, library["workspace_id"], request.slug, but=access.id):
            raise LibrarySlugTaken(
                f"Another library of this workspace has the slug '{request.slug}'"
            )
        changes["slug"] = request.slug
    visibility = request.visibility or library["visibility"]
    before = dict(library["settings"] or {})
    settings = request.settings or LibrarySettings.model_validate(before)
    check_settings(caller, visibility, settings, before)
    changes["visibility"] = visibility
    changes["settings"] = {**before, **settings.model_dump(by_alias=True)}
    changes["updated_at"] = utcnow()
    conn.execute(libraries.update().where(libraries.c.id == access.id).values(**changes))
    return _view(conn, access_library(conn, caller, access.id, "read"))


def do_delete_library(
    conn: Connection, events: list[Event], *, caller: Caller, library_id: str
) -> Library:
    """Soft delete: the library and its pages stay stored but no longer answer; its slug is
    given up for a new library."""
    access = access_library(conn, caller, library_id, "delete", lock=True)
    shown = _view(conn, access)
    now = utcnow()
    conn.execute(
        libraries.update()
        .where(libraries.c.id == access.id)
        .values(deleted_at=now, updated_at=now, slug=None)
    )
    return shown
