"""Wire models of a library's sync protocol: pulling the changes after a clock value, and
pushing a batch of page operations."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.features.library.schemas import PagePath, Raw, Sha
from server_core.kernel.wire import RequestModel, WireModel, no_nul

DEFAULT_PULL_LIMIT = 500
MAX_PULL_LIMIT = 5000
MAX_PUSH_OPERATIONS = 1000
MAX_VECTOR_ENTRIES = 100_000
MAX_SCOPE_ENTRIES = 100
MAX_CLOCK = 2**63 - 1  # a BIGINT

Prefix = Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(no_nul)]
CollectionSlug = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ClientOpId = Annotated[str, StringConstraints(max_length=200), AfterValidator(no_nul)]
PullKind = Literal["upsert", "delete", "binaryUpsert"]
PushKind = Literal["upsert", "rename", "delete", "binaryUpsert"]
PushStatus = Literal["ok", "conflict", "error", "aborted"]
LintMode = Literal["off", "report", "strict"]


class SyncScope(RequestModel):
    collections: list[CollectionSlug] | None = Field(
        default=None, max_length=MAX_SCOPE_ENTRIES, description="Only pages in these collections"
    )
    paths: list[Prefix] | None = Field(
        default=None,
        max_length=MAX_SCOPE_ENTRIES,
        description="Only pages whose path starts with one of these",
    )
    exclude_paths: list[Prefix] = Field(
        default_factory=list,
        max_length=MAX_SCOPE_ENTRIES,
        description="Leave out pages whose path starts with one of these",
    )
    max_page_size: int | None = Field(
        default=None,
        ge=1,
        description="Leave out pages larger than this (bytes of `raw`, or of a binary page's file)",
    )
    include_binary: bool = Field(
        default=False,
        description="Include binary pages (their content a drive file) as `binaryUpsert` "
        "operations with a signed `downloadUrl`; without it they are left out (their deletions "
        "still come)",
    )


class SyncPullRequest(RequestModel):
    """Without `syncClock` (or 0) the pull lists every live page; with it, the pages written
    after that clock value, deletions included. Either way each page comes once, as it is now."""

    scope: SyncScope = Field(default_factory=SyncScope)
    vector: dict[Annotated[str, StringConstraints(max_length=64)], Sha] = Field(
        default_factory=dict,
        max_length=MAX_VECTOR_ENTRIES,
        description="pageId → sha the client holds: pages it holds at that sha are left out, "
        "and a full pull also reports the deletion of pages it holds",
    )
    sync_clock: int = Field(
        default=0, ge=0, le=MAX_CLOCK, description="The `syncClock` of your last pull"
    )
    cursor: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="The `cursor` of the previous answer, for the next part"
    )
    limit: int = Field(default=DEFAULT_PULL_LIMIT, ge=1, le=MAX_PULL_LIMIT)


class PulledOperation(WireModel):
    kind: PullKind
    page_id: str
    path: str
    collection: str | None
    sha: str
    version: int
    clock: int = Field(description="The library's clock value of this page's latest write")
    size_bytes: int
    raw: str | None = Field(
        description="Front matter and body as a file; null for a delete and a binaryUpsert"
    )
    file_id: str | None = Field(default=None, description="binaryUpsert: the page's drive file")
    content_type: str | None = Field(default=None, description="binaryUpsert: the file's type")
    download_url: str | None = Field(
        default=None,
        description="binaryUpsert: a signed link to the file's bytes (null once the drive "
        "deleted the file)",
    )


class SyncPullResult(WireModel):
    operations: list[PulledOperation]
    sync_clock: int = Field(description="Pass it as `syncClock` next time")
    cursor: str | None = Field(description="Set when there is more: pass it to get the rest")
    has_more: bool


class PushOperation(RequestModel):
    """One page operation. `upsert`: `raw` at `path` (or at the page `pageId` names);
    `rename`: the page at `path` or `pageId` to `newPath`; `delete`: the page at `path` or
    `pageId`; `binaryUpsert`: the page at `path` (or `pageId`) made a binary page whose content
    is the drive file `fileId` (one you may read in the drive)."""

    kind: PushKind
    path: PagePath | None = None
    page_id: Annotated[str, StringConstraints(max_length=64), AfterValidator(no_nul)] | None = None
    raw: Raw | None = None
    new_path: PagePath | None = None
    file_id: Annotated[str, StringConstraints(max_length=64), AfterValidator(no_nul)] | None = (
        Field(default=None, description="binaryUpsert: the drive file the page's content is")
    )
    expected_sha: Sha | None = Field(
        default=None, description="Refused (conflict) unless the page's current sha is this"
    )
    expected_parent_sha: Sha | None = Field(
        default=None,
        description="Refused (conflict) unless the page's current revision has this parentSha",
    )
    client_op_id: ClientOpId | None = Field(default=None, description="Echoed in its result")


class SyncPushRequest(RequestModel):
    operations: list[PushOperation] = Field(
        min_length=1, description=f"At most {MAX_PUSH_OPERATIONS}, applied in order"
    )
    atomic: bool = Field(default=False, description="All of them or none")
    lint_mode: LintMode = Field(
        default="off",
        description="`report`: upserts' lint findings in their results; `strict`: an upsert "
        "with an error-severity finding is refused (lint_failed)",
    )


class PushFinding(WireModel):
    rule: str
    severity: str
    message: str
    line: int | None = None


class PushResult(WireModel):
    index: int
    client_op_id: str | None
    kind: PushKind
    status: PushStatus = Field(
        description="`conflict`: a sha or path did not match; `aborted`: not applied because "
        "another operation of an atomic push failed"
    )
    page_id: str | None = None
    path: str | None = None
    sha: str | None = None
    version: int | None = None
    changed: bool | None = Field(default=None, description="False: the page held it already")
    code: str | None = None
    error: str | None = None
    details: Any = None
    findings: list[PushFinding] | None = None


class SyncPushResult(WireModel):
    results: list[PushResult]
    applied: int = Field(description="How many operations took effect")
    sync_clock: int = Field(description="The library's clock after the push")
