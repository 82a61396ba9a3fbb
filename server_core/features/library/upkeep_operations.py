"""`/library/{id}/sync/…` and `/library/{id}/lint…`: the sync protocol (pull the changes after
a clock value, push a batch of page operations) and lint (a page or a text, a batch of pages,
the library's health). Declared apart from `operations.py` to keep it readable; `Libraries`
takes them in, so they are `client.library.sync_pull` etc. like the rest."""

from __future__ import annotations

from server_core.features.library.errors import (
    InvalidLintRequest,
    InvalidPagePath,
    InvalidSyncCursor,
    ReservedPagePath,
    TooManySyncOperations,
)
from server_core.features.library.lint_schemas import (
    BatchLintRequest,
    BatchLintResult,
    LintHealth,
    LintRequest,
    LintResult,
)
from server_core.features.library.sync_schemas import (
    SyncPullRequest,
    SyncPullResult,
    SyncPushRequest,
    SyncPushResult,
)
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam

LIBRARY = PathParam("id", "library_id", "Library id, or its slug in your workspace", 100)


class LibraryUpkeep(Operations):
    """Sync and lint of a library's pages."""

    area = "library"

    sync_pull = Operation(
        "POST",
        "/library/{id}/sync/pull",
        params=[LIBRARY],
        body=SyncPullRequest,
        response=SyncPullResult,
        idempotent=True,
        transaction="read",
        errors=[NotFound, InvalidSyncCursor],
        summary="The pages written after `syncClock` (all live pages without it), each once as "
        "it is now, scoped and paged",
    )
    sync_push = Operation(
        "POST",
        "/library/{id}/sync/push",
        params=[LIBRARY],
        body=SyncPushRequest,
        response=SyncPushResult,
        errors=[Forbidden, NotFound, TooManySyncOperations],
        summary="Apply up to 1000 page operations (upsert, rename, delete) in order, each "
        "reported; `atomic`: all or none",
    )
    lint = Operation(
        "POST",
        "/library/{id}/lint",
        params=[LIBRARY],
        body=LintRequest,
        response=LintResult,
        idempotent=True,
        transaction="read",
        errors=[NotFound, InvalidLintRequest, InvalidPagePath, ReservedPagePath],
        summary="Lint a page (`path`) or markdown (`body`) against the library's conventions "
        "and entities; `autoFix` answers `fixedBody`",
    )
    lint_batch = Operation(
        "POST",
        "/library/{id}/lint/batch",
        params=[LIBRARY],
        body=BatchLintRequest,
        response=BatchLintResult,
        idempotent=True,
        transaction="read",
        errors=[NotFound, InvalidLintRequest, InvalidPagePath, ReservedPagePath],
        summary="Lint a collection's pages (paged) or up to 200 paths",
    )
    lint_health = Operation(
        "GET",
        "/library/{id}/lint/health",
        params=[LIBRARY],
        response=LintHealth,
        errors=[NotFound],
        summary="Every live page linted: findings counted by rule and severity",
    )
