"""Folders: each principal's own, nested by `parentId`, never under themselves, deleted only
when empty (no live files, no subfolders)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.drive.errors import FolderCycle, FolderNotEmpty
from server_core.features.drive.schemas import (
    CreateFolderRequest,
    Folder,
    ListFoldersQuery,
    UpdateFolderRequest,
)
from server_core.features.drive.tables import drive_files, drive_folders
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id

ROOT = "root"
MAX_DEPTH = 64


def access_folder(conn: Connection, caller: Caller, folder_id: str) -> RowMapping:
    canonical = parse_id(folder_id)
    row = (
        conn.execute(
            sa.select(drive_folders).where(
                drive_folders.c.id == canonical,
                drive_folders.c.workspace_id == caller.workspace_id,
                drive_folders.c.owner_id == caller.principal_id,
            )
        )
        .mappings()
        .first()
    )
    if canonical is None or row is None:
        raise NotFound(f"No folder with id '{folder_id}' in your drive")
    return row


def check_own_folder(conn: Connection, caller: Caller, folder_id: str | None) -> str | None:
    """The canonical id of one of the caller's folders (None stays None: no folder)."""
    return None if folder_id is None else str(access_folder(conn, caller, folder_id)["id"])


def list_folders(conn: Connection, *, caller: Caller, query: ListFoldersQuery) -> list[Folder]:
    select = sa.select(drive_folders).where(
        drive_folders.c.workspace_id == caller.workspace_id,
        drive_folders.c.owner_id == caller.principal_id,
    )
    if query.parent_id == ROOT:
        select = select.where(drive_folders.c.parent_id.is_(None))
    elif query.parent_id is not None:
        parent = access_folder(conn, caller, query.parent_id)
        select = select.where(drive_folders.c.parent_id == parent["id"])
    rows = conn.execute(select.order_by(drive_folders.c.name, drive_folders.c.id)).mappings()
    return [Folder.model_validate(dict(row)) for row in rows]


def do_create_folder(
    conn: Connection, events: list[Event], *, caller: Caller, request: CreateFolderRequest
) -> Folder:
    now = utcnow()
    values = {
        "id": new_id(),
        "workspace_id": caller.workspace_id,
        "owner_id": caller.principal_id,
        "parent_id": check_own_folder(conn, caller, request.parent_id),
        "name": request.name,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(sa.insert(drive_folders).values(**values))
    return Folder.model_validate(values)


def check_no_cycle(conn: Connection, folder_id: str, new_parent_id: str) -> None:
    """Walk up from the new parent: meeting the folder itself means a cycle."""
    current: str | None = new_parent_id
    for _ in range(MAX_DEPTH + 1):
        if current is None:
            return
        if current == folder_id:
            raise FolderCycle()
        current = conn.scalar(
            sa.select(drive_folders.c.parent_id).where(drive_folders.c.id == current)
        )
    raise FolderCycle(f"Folders nest at most {MAX_DEPTH} deep")


def do_update_folder(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    folder_id: str,
    request: UpdateFolderRequest,
) -> Folder:
    row = access_folder(conn, caller, folder_id)
    changes: dict[str, object] = {}
    if request.name is not None:
        changes["name"] = request.name
    if "parent_id" in request.model_fields_set:
        parent_id = check_own_folder(conn, caller, request.parent_id)
        if parent_id is not None:
            check_no_cycle(conn, row["id"], parent_id)
        changes["parent_id"] = parent_id
    if changes:
        changes["updated_at"] = utcnow()
        conn.execute(
            sa.update(drive_folders).where(drive_folders.c.id == row["id"]).values(**changes)
        )
    return Folder.model_validate({**row, **changes})


def do_delete_folder(
    conn: Connection, events: list[Event], *, caller: Caller, folder_id: str
) -> Folder:
    row = access_folder(conn, caller, folder_id)
    live = conn.scalar(
        sa.select(sa.func.count())
        .select_from(drive_files)
        .where(drive_files.c.folder_id == row["id"], drive_files.c.is_deleted.is_(False))
    )
    children = conn.scalar(
        sa.select(sa.func.count())
        .select_from(drive_folders)
        .where(drive_folders.c.parent_id == row["id"])
    )
    if live or children:
        raise FolderNotEmpty(
            f"The folder holds {live} file(s) and {children} folder(s); move or delete them first"
        )
    # Deleted files keep no folder, so the folder row can go.
    conn.execute(
        sa.update(drive_files).where(drive_files.c.folder_id == row["id"]).values(folder_id=None)
    )
    conn.execute(sa.delete(drive_folders).where(drive_folders.c.id == row["id"]))
    return Folder.model_validate(dict(row))
