"""Entities: the people, tags, projects, teams, places and concepts a library's pages speak of,
each with a canonical name and aliases. A name (canonical or alias, case-folded) belongs to one
entity per library, so resolving a term finds at most one. Readers list and resolve; editors
create, change and delete."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.access import LibraryAccess, access_library
from server_core.features.library.errors import (
    EntityNameTaken,
    InvalidQuery,
    UnknownEntityPrincipal,
)
from server_core.features.library.knowledge_schemas import (
    CreateEntityRequest,
    Entity,
    EntityListQuery,
    Resolved,
    ResolvedEntity,
    ResolveRequest,
    UpdateEntityRequest,
)
from server_core.features.library.tables import library_entities, library_entity_names
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.store.tables import principals
from server_core.kernel.wire import Page


def name_key(name: str) -> str:
    """How names compare: surrounding and repeated spaces aside, case-folded."""
    return " ".join(name.split()).casefold()


def _view(row: RowMapping) -> Entity:
    return Entity.model_validate(dict(row))


def _aliases(canonical: str, aliases: Iterable[str]) -> list[str]:
    """The aliases as written, without repeats or the canonical name (case aside)."""
    seen = {name_key(canonical)}
    kept: list[str] = []
    for alias in aliases:
        if (key := name_key(alias)) not in seen:
            seen.add(key)
            kept.append(alias)
    return kept


def _access_entity(conn: Connection, access: LibraryAccess, entity_id: str) -> RowMapping:
    row = (
        conn.execute(
            sa.select(library_entities).where(
                library_entities.c.library_id == access.id,
                library_entities.c.id == entity_id.strip(),
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"No entity '{entity_id}' in this library")
    return row


def _check_principal(conn: Connection, access: LibraryAccess, principal_id: str | None) -> None:
    if principal_id is None:
        return
    found = conn.execute(
        sa.select(principals.c.id).where(
            principals.c.id == principal_id,
            principals.c.workspace_id == access.library["workspace_id"],
        )
    ).first()
    if found is None:
        raise UnknownEntityPrincipal(f"No principal '{principal_id}' in this workspace")


def _claim_names(
    conn: Connection, library_id: str, entity_id: str, canonical: str, aliases: list[str]
) -> None:
    """Give the entity its names, or 409 if another entity of the library holds one."""
    names = {name_key(name): name for name in [canonical, *aliases]}
    held = conn.execute(
        sa.select(library_entity_names.c.name_key, library_entity_names.c.entity_id).where(
            library_entity_names.c.library_id == library_id,
            library_entity_names.c.name_key.in_(list(names)),
            library_entity_names.c.entity_id != entity_id,
        )
    ).first()
    if held is not None:
        raise EntityNameTaken(
            f"'{names[held[0]]}' already names another entity of this library",
            details={"name": names[held[0]], "entityId": held[1]},
        )
    conn.execute(library_entity_names.delete().where(library_entity_names.c.entity_id == entity_id))
    conn.execute(
        library_entity_names.insert(),
        [{"library_id": library_id, "name_key": key, "entity_id": entity_id} for key in names],
    )


def list_entities(
    conn: Connection, *, caller: Caller, library_id: str, query: EntityListQuery
) -> Page[Entity]:
    """By canonical name (case aside), then id."""
    access = access_library(conn, caller, library_id, "read")
    entities = library_entities
    select = sa.select(entities).where(entities.c.library_id == access.id)
    if query.kind is not None:
        select = select.where(entities.c.kind == query.kind)
    if query.cursor is not None:
        after = _cursor_entity(conn, access, query.cursor)
        select = select.where(
            sa.or_(
                entities.c.canonical_key > after["canonical_key"],
                sa.and_(
                    entities.c.canonical_key == after["canonical_key"],
                    entities.c.id > after["id"],
                ),
            )
        )
    rows = conn.execute(
        select.order_by(entities.c.canonical_key, entities.c.id).limit(query.limit + 1)
    ).mappings()
    found = rows.all()
    kept = found[: query.limit]
    has_more = len(found) > query.limit
    return Page([_view(row) for row in kept], kept[-1]["id"] if has_more else None, has_more)


def _cursor_entity(conn: Connection, access: LibraryAccess, cursor: str) -> RowMapping:
    try:
        return _access_entity(conn, access, cursor)
    except NotFound:
        raise InvalidQuery("The cursor is not an entity of this library") from None


def do_create_entity(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    request: CreateEntityRequest,
) -> Entity:
    access = access_library(conn, caller, library_id, "write", lock=True)
    _check_principal(conn, access, request.principal_id)
    entity_id, now = new_id(), utcnow()
    aliases = _aliases(request.canonical_name, request.aliases)
    conn.execute(
        library_entities.insert().values(
            id=entity_id,
            library_id=access.id,
            kind=request.kind,
            canonical_name=request.canonical_name,
            canonical_key=name_key(request.canonical_name),
            aliases=aliases,
            principal_id=request.principal_id,
            handle=request.handle,
            metadata=request.metadata,
            created_by=caller.principal_id,
            created_at=now,
            updated_at=now,
        )
    )
    _claim_names(conn, access.id, entity_id, request.canonical_name, aliases)
    return _view(_access_entity(conn, access, entity_id))


def do_update_entity(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    entity_id: str,
    request: UpdateEntityRequest,
) -> Entity:
    access = access_library(conn, caller, library_id, "write", lock=True)
    before = _access_entity(conn, access, entity_id)
    given = request.model_fields_set
    changes: dict[str, Any] = {}
    for field in ("kind", "canonical_name", "metadata"):
        if field in given and getattr(request, field) is not None:
            changes[field] = getattr(request, field)
    for field in ("principal_id", "handle"):
        if field in given:
            changes[field] = getattr(request, field)
    if "principal_id" in changes:
        _check_principal(conn, access, changes["principal_id"])
    canonical = changes.get("canonical_name", before["canonical_name"])
    given_aliases = request.aliases if request.aliases is not None else before["aliases"]
    aliases = _aliases(canonical, given_aliases)
    changes |= {"canonical_key": name_key(canonical), "aliases": aliases}
    _claim_names(conn, access.id, before["id"], canonical, aliases)
    conn.execute(
        library_entities.update()
        .where(library_entities.c.id == before["id"])
        .values(**changes, updated_at=utcnow())
    )
    return _view(_access_entity(conn, access, before["id"]))


def do_delete_entity(
    conn: Connection, events: list[Event], *, caller: Caller, library_id: str, entity_id: str
) -> Entity:
    access = access_library(conn, caller, library_id, "write", lock=True)
    before = _access_entity(conn, access, entity_id)
    conn.execute(
        library_entity_names.delete().where(library_entity_names.c.entity_id == before["id"])
    )
    conn.execute(library_entities.delete().where(library_entities.c.id == before["id"]))
    return _view(before)


def resolve_entities(
    conn: Connection, *, caller: Caller, library_id: str, request: ResolveRequest
) -> Resolved:
    access = access_library(conn, caller, library_id, "read")
    keys = {term: name_key(term) for term in request.terms}
    rows = conn.execute(
        sa.select(
            library_entity_names.c.name_key,
            library_entities.c.id,
            library_entities.c.canonical_name,
            library_entities.c.kind,
        )
        .join(library_entities, library_entities.c.id == library_entity_names.c.entity_id)
        .where(
            library_entity_names.c.library_id == access.id,
            library_entity_names.c.name_key.in_([key for key in keys.values() if key]),
        )
    ).all()
    by_key = {
        row[0]: ResolvedEntity(entity_id=row[1], canonical_name=row[2], kind=row[3]) for row in rows
    }
    return Resolved(resolved={term: by_key.get(key) for term, key in keys.items()})
