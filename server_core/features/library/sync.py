"""The sync protocol: `POST …/sync/pull` and `POST …/sync/push`.

Every page write takes the library's next clock value and records it on its revision
(`revisions.py`), so the change feed is the revisions after a clock value, in clock order: one
query over the `(library_id, clock)` index. A pull keeps only each page's latest revision
(joined on the page's current version), so a page comes once, as it is now; one written again
while a client pages through comes back later, at its new clock. The pull reads the library's
clock first and stops there: every write up to it has committed (writes take the clock while
holding the library's row), so nothing behind the answered `syncClock` can appear later.

A push runs its operations in order through the page services a single write uses
(`pages.py`): each in a savepoint, so one that fails leaves nothing behind and is reported
with its error; `atomic` stops at the first failure and undoes them all.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.library import lint
from server_core.features.library.access import LibraryAccess, access_library
from server_core.features.library.binary import binary_content, drive_rows
from server_core.features.library.content import Content
from server_core.features.library.errors import (
    InvalidSyncCursor,
    InvalidSyncOperation,
    LintFailed,
    ParentShaMismatch,
    TooManySyncOperations,
)
from server_core.features.library.pages import (
    do_delete_page,
    do_put_binary_page,
    do_put_page,
    do_rename_page,
    find_page,
)
from server_core.features.library.paths import normalise_path
from server_core.features.library.revisions import check_sha
from server_core.features.library.schemas import (
    LibraryPage,
    PutPageRequest,
    RenamePageRequest,
)
from server_core.features.library.sync_schemas import (
    MAX_PUSH_OPERATIONS,
    PulledOperation,
    PushFinding,
    PushOperation,
    PushResult,
    SyncPullRequest,
    SyncPullResult,
    SyncPushRequest,
    SyncPushResult,
    SyncScope,
)
from server_core.features.library.tables import (
    libraries,
    library_page_revisions,
    library_pages,
)
from server_core.kernel.auth import Caller
from server_core.kernel.errors import ApiError, Conflict
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring

_CURSOR = re.compile(r"[0-9]{1,18}")


def library_clock(conn: Connection, library_id: str) -> int:
    clock: int = conn.execute(
        sa.select(libraries.c.clock).where(libraries.c.id == library_id)
    ).scalar_one()
    return clock


def _since(request: SyncPullRequest) -> int:
    if request.cursor is None:
        return request.sync_clock
    if not _CURSOR.fullmatch(request.cursor):
        raise InvalidSyncCursor()
    return int(request.cursor)


def _in_scope(scope: SyncScope, revision: RowMapping) -> bool:
    path: str = revision["path"]
    if scope.collections is not None and revision["collection"] not in scope.collections:
        return False
    if scope.paths is not None and not any(path.startswith(p) for p in scope.paths):
        return False
    return not any(path.startswith(p) for p in scope.exclude_paths)


def sync_pull(
    conn: Connection,
    *,
    caller: Caller,
    keyring: Keyring,
    settings: Settings,
    library_id: str,
    request: SyncPullRequest,
) -> SyncPullResult:
    """The pages written after the clock value (or all live pages), as operations."""
    access = access_library(conn, caller, library_id, "read")
    # A cursor continues the pull it came from, full (syncClock 0) or not.
    since, full = _since(request), request.sync_clock == 0
    upto = library_clock(conn, access.id)
    revisions, pages = library_page_revisions, library_pages
    rows = (
        conn.execute(
            sa.select(revisions, pages.c.deleted_at, pages.c.size_bytes)
            .join(
                pages,
                sa.and_(pages.c.id == revisions.c.page_id, pages.c.version == revisions.c.version),
            )
            .where(
                revisions.c.library_id == access.id,
                revisions.c.clock > since,
                revisions.c.clock <= upto,
            )
            .order_by(revisions.c.clock)
            .limit(request.limit + 1)
        )
        .mappings()
        .all()
    )
    has_more = len(rows) > request.limit
    rows = rows[: request.limit]
    operations = [op for row in rows if (op := _pulled(row, request, full=full)) is not None]
    operations = _with_files(
        conn, access.library["workspace_id"], operations, keyring=keyring, settings=settings
    )
    last = rows[-1]["clock"] if rows else since
    clock = last if has_more else max(upto, since)
    cursor = str(last) if has_more else None
    return SyncPullResult(operations=operations, sync_clock=clock, cursor=cursor, has_more=has_more)


def _pulled(row: RowMapping, request: SyncPullRequest, *, full: bool) -> PulledOperation | None:
    """The operation a page's latest revision stands for, unless the request leaves it out."""
    held = request.vector.get(row["page_id"])
    deleted = row["deleted_at"] is not None
    if not _in_scope(request.scope, row):
        return None
    if deleted and full and held is None:
        return None  # a full pull lists live pages, and the deletions of pages the client holds
    if not deleted and held is not None and held.lower() == row["sha"]:
        return None
    max_size = request.scope.max_page_size
    if row["binary_file_id"] is not None and not deleted:
        if not request.scope.include_binary:
            return None
        if max_size is not None and row["size_bytes"] > max_size:
            return None
        return PulledOperation(
            kind="binaryUpsert", page_id=row["page_id"], path=row["path"], collection=None,
            sha=row["sha"], version=row["version"], clock=row["clock"],
            size_bytes=0, raw=None, file_id=row["binary_file_id"],
        )  # fmt: skip
    size = int(row["size_bytes"])  # the page's, stored by the write of this revision
    if not deleted and max_size is not None and size > max_size:
        return None
    content = Content(row["title"], row["collection"], dict(row["frontmatter"]), row["body"])
    return PulledOperation(
        kind="delete" if deleted else "upsert",
        page_id=row["page_id"],
        path=row["path"],
        collection=row["collection"],
        sha=row["sha"],
        version=row["version"],
        clock=row["clock"],
        size_bytes=size,
        raw=None if deleted else content.raw(),
    )


def _with_files(
    conn: Connection,
    workspace_id: str,
    operations: list[PulledOperation],
    *,
    keyring: Keyring,
    settings: Settings,
) -> list[PulledOperation]:
    """The binaryUpserts completed from the drive: type, size and a signed download link."""
    ids = [op.file_id for op in operations if op.file_id is not None]
    rows = drive_rows(conn, workspace_id, ids)
    if not rows:
        return operations
    done: list[PulledOperation] = []
    for op in operations:
        if op.kind == "binaryUpsert" and op.file_id is not None:
            file = binary_content(
                op.file_id, rows.get(op.file_id), keyring=keyring, settings=settings
            )
            op = op.model_copy(
                update={
                    "content_type": file.content_type,
                    "size_bytes": file.size_bytes or 0,
                    "download_url": file.download_url,
                }
            )
        done.append(op)
    return done


# --- push ---------------------------------------------------------------------------------


def do_sync_push(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    request: SyncPushRequest,
) -> SyncPushResult:
    if len(request.operations) > MAX_PUSH_OPERATIONS:
        raise TooManySyncOperations(
            f"A push holds at most {MAX_PUSH_OPERATIONS} operations, not "
            f"{len(request.operations)}: split it",
            details={"max": MAX_PUSH_OPERATIONS, "given": len(request.operations)},
        )
    # Held to the end: the push's writes come one after the other, and 403 refuses it whole.
    access = access_library(conn, caller, library_id, "write", lock=True)
    if request.atomic:
        results = _push_atomic(conn, events, caller, access, request)
    else:
        results = [
            _push_one(conn, events, caller, access, index, op, request.lint_mode)
            for index, op in enumerate(request.operations)
        ]
    applied = sum(1 for result in results if result.status == "ok")
    return SyncPushResult(
        results=results, applied=applied, sync_clock=library_clock(conn, access.id)
    )


def _push_atomic(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    access: LibraryAccess,
    request: SyncPushRequest,
) -> list[PushResult]:
    published = len(events)
    results: list[PushResult] = []
    savepoint = conn.begin_nested()
    for index, op in enumerate(request.operations):
        result = _push_one(conn, events, caller, access, index, op, request.lint_mode)
        results.append(result)
        if result.status != "ok":
            break
    failed = any(result.status != "ok" for result in results)
    if not failed:
        savepoint.commit()
        return results
    savepoint.rollback()
    del events[published:]
    undone = [
        result.model_copy(update={"status": "aborted", "sha": None, "version": None})
        if result.status == "ok"
        else result
        for result in results
    ]
    rest = [
        _result(index, op, status="aborted")
        for index, op in enumerate(request.operations)
        if index >= len(results)
    ]
    return undone + rest


def _result(index: int, op: PushOperation, **fields: Any) -> PushResult:
    return PushResult(index=index, client_op_id=op.client_op_id, kind=op.kind, **fields)


def _push_one(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    access: LibraryAccess,
    index: int,
    op: PushOperation,
    lint_mode: str,
) -> PushResult:
    """Apply one operation in a savepoint; its result, failures included."""
    published = len(events)
    findings: list[PushFinding] | None = None
    try:
        with conn.begin_nested():
            if op.kind == "upsert" and lint_mode != "off":
                findings = _lint_upsert(conn, access, op, strict=lint_mode == "strict")
            page, changed = _apply(conn, events, caller, access, op)
    except ApiError as error:
        del events[published:]
        status = "conflict" if isinstance(error, Conflict) else "error"
        return _result(
            index, op, status=status, code=error.code, error=error.message,
            details=error.details, path=op.path, page_id=op.page_id, findings=findings,
        )  # fmt: skip
    return _result(
        index, op, status="ok", page_id=page.id, path=page.path, sha=page.sha,
        version=page.version, changed=changed, findings=findings,
    )  # fmt: skip


def _target(conn: Connection, access: LibraryAccess, op: PushOperation) -> RowMapping | None:
    """The page the operation names by `pageId` or `path` (None: no page at that path)."""
    if op.page_id is not None:
        page = (
            conn.execute(
                sa.select(library_pages).where(
                    library_pages.c.library_id == access.id,
                    library_pages.c.id == op.page_id.strip(),
                )
            )
            .mappings()
            .first()
        )
        if page is None:
            raise InvalidSyncOperation(f"No page with id '{op.page_id}' in this library")
        if op.path is not None and normalise_path(op.path) != page["path"]:
            raise InvalidSyncOperation(
                f"pageId names the page at '{page['path']}', not '{op.path}': rename it first"
            )
        return page
    if op.path is None:
        raise InvalidSyncOperation(f"A {op.kind} needs a `path` or a `pageId`")
    return find_page(conn, access.id, normalise_path(op.path))


def _check_expected(page: RowMapping | None, op: PushOperation, conn: Connection) -> None:
    check_sha(page, op.expected_sha)
    if op.expected_parent_sha is None:
        return
    parent = None
    if page is not None:
        parent = conn.execute(
            sa.select(library_page_revisions.c.parent_sha).where(
                library_page_revisions.c.page_id == page["id"],
                library_page_revisions.c.version == page["version"],
            )
        ).scalar()
    if parent != op.expected_parent_sha.lower():
        raise ParentShaMismatch(details={"currentParentSha": parent})


def _apply(
    conn: Connection,
    events: list[Event],
    caller: Caller,
    access: LibraryAccess,
    op: PushOperation,
) -> tuple[LibraryPage, bool]:
    page = _target(conn, access, op)
    _check_expected(page, op, conn)
    path = page["path"] if page is not None else normalise_path(op.path or "")
    if op.kind == "binaryUpsert":
        if op.file_id is None:
            raise InvalidSyncOperation("A binaryUpsert needs `fileId`: the page's drive file")
        put = do_put_binary_page(
            conn, events, caller=caller, library_id=access.id, path=path, file_id=op.file_id
        )
        return put.data, page is None or put.data.version != page["version"]
    if op.kind == "upsert":
        if op.raw is None:
            raise InvalidSyncOperation("An upsert needs `raw`: the page as a file")
        put = do_put_page(
            conn, events, caller=caller, library_id=access.id, path=path,
            request=PutPageRequest(raw=op.raw),
        )  # fmt: skip
        return put.data, page is None or put.data.version != page["version"]
    if page is None or page["deleted_at"] is not None:
        state = "deleted" if page is not None else "not found"
        if op.kind == "delete" and page is not None:
            return _view(conn, page), False  # deleted already: nothing to do
        raise InvalidSyncOperation(f"No live page at '{path}' to {op.kind} ({state})")
    if op.kind == "delete":
        return do_delete_page(conn, events, caller=caller, library_id=access.id, path=path), True
    if op.new_path is None:
        raise InvalidSyncOperation("A rename needs `newPath`")
    renamed = do_rename_page(
        conn, events, caller=caller, library_id=access.id, path=path,
        request=RenamePageRequest(new_path=op.new_path),
    )  # fmt: skip
    return renamed, renamed.version != page["version"]


def _view(conn: Connection, page: RowMapping) -> LibraryPage:
    return LibraryPage.model_validate(dict(page))


def _lint_upsert(
    conn: Connection, access: LibraryAccess, op: PushOperation, *, strict: bool
) -> list[PushFinding]:
    if op.raw is None:
        return []
    found = lint.lint_text(conn, access, op.raw)
    findings = [
        PushFinding(rule=f.rule, severity=f.severity, message=f.message, line=f.line) for f in found
    ]
    errors = [f for f in findings if f.severity == "error"]
    if strict and errors:
        raise LintFailed(
            f"The page has {len(errors)} lint error(s): {errors[0].message}",
            details={"findings": [f.model_dump(mode="json", by_alias=True) for f in errors]},
        )
    return findings
