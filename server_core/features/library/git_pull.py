"""Pulling a library from its git mirror: the plan (what the branch's files would change)
and its application.

A file `<path>.md` is read as a `PUT …/pages/<path>` with `raw` would read it (front matter
`title` and `collection`, fields, body; the collection's schema checked), so a page is
`modified` exactly when writing the file would change its sha. Live pages with no file are
`deleted`. A file that is not a valid page (its path, its front matter, its collection's
schema) stops the plan with 422 `git_invalid_file` naming it.

A plan is named by the branch's commit and the library's clock it read: both are checked
again, under the library's lock, before anything is written, and every change then goes
through the page write path (`pages.py`) in the one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.access import access_library
from server_core.features.library.conformance import conform
from server_core.features.library.content import Content, split_raw
from server_core.features.library.errors import (
    GitBranchMissing,
    GitInvalidFile,
    GitLibraryChanged,
    GitRemoteMoved,
    InvalidFrontmatter,
)
from server_core.features.library.git_mirror_schemas import (
    ApplyGitPullRequest,
    GitFileChange,
    GitPullPlan,
)
from server_core.features.library.git_remote import Fetched, Remote
from server_core.features.library.git_tree import RemoteFile, file_name, remote_files
from server_core.features.library.pages import default_title, do_delete_page, do_put_page
from server_core.features.library.paths import normalise_path
from server_core.features.library.schemas import PutPageRequest
from server_core.features.library.tables import libraries, library_pages
from server_core.kernel.auth import Caller
from server_core.kernel.errors import ApiError
from server_core.kernel.events import Event


@dataclass(frozen=True)
class Target:
    """A mirror ready to use: the library, its remote (key opened) and branch."""

    library_id: str
    slug: str
    clock: int
    remote: Remote
    branch: str


@dataclass(frozen=True)
class Planned:
    plan: GitPullPlan
    texts: dict[str, str]  # page path → the file's text, for the pages to write


def _page_content(conn: Connection, library_id: str, file: RemoteFile) -> Content:
    """The page the file makes, as the page write path would read it."""
    try:
        path = normalise_path(file.path)
        if path != file.path:
            raise InvalidFrontmatter(f"its page path would be '{path}': rename the file")
        raw = PutPageRequest.model_validate({"raw": file.text}).raw or ""
        frontmatter, body = split_raw(raw)
        title, collection = frontmatter.pop("title", None), frontmatter.pop("collection", None)
        if title is not None and not (isinstance(title, str) and title.strip()):
            raise InvalidFrontmatter("front matter `title` must be a non-empty string")
        if collection is not None and not isinstance(collection, str):
            raise InvalidFrontmatter("front matter `collection` must be a collection slug")
        title = (title or "").strip()[:500] or default_title(path, body)
        return conform(conn, library_id, Content(title, collection, frontmatter, body))
    except ApiError as error:
        reason, code = error.message, error.code
    except ValidationError as error:
        reason, code = error.errors()[0]["msg"], "validation_error"
    name = file_name(file.path)
    raise GitInvalidFile(f"{name}: {reason}", details={"file": name, "code": code})


def _live_pages(conn: Connection, library_id: str) -> dict[str, RowMapping]:
    rows = conn.execute(
        sa.select(library_pages.c.path, library_pages.c.sha).where(
            library_pages.c.library_id == library_id,
            library_pages.c.deleted_at.is_(None),
            library_pages.c.binary_file_id.is_(None),
        )
    ).mappings()
    return {row["path"]: row for row in rows}


def _change(path: str, git_sha: str | None, sha: str | None, previous: str | None) -> GitFileChange:
    return GitFileChange(
        path=path, file=file_name(path), git_sha=git_sha, sha=sha, previous_sha=previous
    )


def _plan(conn: Connection, target: Target, fetched: Fetched, clock: int) -> Planned:
    if fetched.head is None:
        raise GitBranchMissing(f"The remote has no branch {target.branch}: push to it first")
    live = _live_pages(conn, target.library_id)
    added: list[GitFileChange] = []
    modified: list[GitFileChange] = []
    texts: dict[str, str] = {}
    unchanged = 0
    for file in sorted(remote_files(fetched.repo, fetched.head), key=lambda f: f.path):
        sha = _page_content(conn, target.library_id, file).sha()
        page = live.pop(file.path, None)
        if page is not None and page["sha"] == sha:
            unchanged += 1
            continue
        texts[file.path] = file.text
        if page is None:
            added.append(_change(file.path, file.git_sha, sha, None))
        else:
            modified.append(_change(file.path, file.git_sha, sha, page["sha"]))
    deleted = [_change(path, None, None, page["sha"]) for path, page in sorted(live.items())]
    plan = GitPullPlan(
        remote_commit=fetched.head.decode(),
        library_clock=clock,
        added=added,
        modified=modified,
        deleted=deleted,
        unchanged=unchanged,
    )
    return Planned(plan, texts)


def plan_pull(conn: Connection, *, target: Target, fetched: Fetched) -> GitPullPlan:
    clock = conn.execute(
        sa.select(libraries.c.clock).where(libraries.c.id == target.library_id)
    ).scalar_one()
    return _plan(conn, target, fetched, clock).plan


def apply_pull(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    target: Target,
    fetched: Fetched,
    request: ApplyGitPullRequest,
) -> GitPullPlan:
    """Write the plan's changes, each through the page write path, once both the branch and
    the library are where the plan saw them."""
    head = fetched.head.decode() if fetched.head else None
    if head != request.remote_commit:
        raise GitRemoteMoved(
            f"The branch {target.branch} is at {head or 'nothing'} now, not at the plan's "
            f"{request.remote_commit}: plan the pull again",
            details={"remoteCommit": head},
        )
    access = access_library(conn, caller, target.library_id, "manage", lock=True)
    clock = access.library["clock"]
    if clock != request.library_clock:
        raise GitLibraryChanged(
            f"The library is at clock {clock} now, not at the plan's {request.library_clock}: "
            "plan the pull again",
            details={"libraryClock": clock},
        )
    planned = _plan(conn, target, fetched, clock)
    plan = planned.plan
    written: dict[str, Any] = {}
    for change in (*plan.added, *plan.modified):
        put = PutPageRequest.model_validate(
            {"raw": planned.texts[change.path], "ifMatchSha": change.previous_sha}
        )
        page = do_put_page(
            conn, events, caller=caller, library_id=access.id, path=change.path, request=put
        )
        written[change.path] = page.data.sha
    for change in plan.deleted:
        do_delete_page(conn, events, caller=caller, library_id=access.id, path=change.path)
    after = conn.execute(sa.select(libraries.c.clock).where(libraries.c.id == access.id))
    return plan.model_copy(
        update={
            "library_clock": after.scalar_one(),
            "added": [c.model_copy(update={"sha": written[c.path]}) for c in plan.added],
            "modified": [c.model_copy(update={"sha": written[c.path]}) for c in plan.modified],
        }
    )
