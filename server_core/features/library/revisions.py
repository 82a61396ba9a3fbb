"""Writing a page: every write takes the library's next clock value, checks the version it
read is still the current one (a conditional update), records a revision with its parent sha,
refreshes the page's wikilinks and announces the change once the transaction commits."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.access import LibraryAccess
from server_core.features.library.binary import BinaryFile
from server_core.features.library.content import Content, wikilink_targets
from server_core.features.library.errors import ShaMismatch
from server_core.features.library.events import PageAction, PageChanged, readers_of
from server_core.features.library.schemas import LibraryPage, Operation, PageSummary
from server_core.features.library.tables import (
    libraries,
    library_page_links,
    library_page_revisions,
    library_pages,
)
from server_core.kernel.auth import Caller
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id

_ACTIONS: dict[Operation, PageAction] = {
    "create": "created",
    "edit": "updated",
    "append": "appended",
    "rename": "renamed",
    "delete": "deleted",
    "restore": "restored",
}


_KEEPS_BINARY: frozenset[Operation] = frozenset({"delete", "restore", "rename"})


def binary_of(page: RowMapping | None) -> BinaryFile | None:
    """The drive file a binary page names (None for a text page)."""
    if page is None or page["binary_file_id"] is None:
        return None
    return BinaryFile(page["binary_file_id"], page["size_bytes"], page["sha"])


def content_of(page: RowMapping) -> Content:
    return Content(page["title"], page["collection"], dict(page["frontmatter"]), page["body"])


def page_view(page: RowMapping) -> LibraryPage:
    return LibraryPage.model_validate(dict(page))


def summary_view(page: RowMapping) -> PageSummary:
    return PageSummary.model_validate(dict(page))


def check_sha(page: RowMapping | None, if_match_sha: str | None) -> None:
    """409 unless the page's current sha is the one the writer read."""
    if if_match_sha is None:
        return
    current = page["sha"] if page is not None else None
    if current != if_match_sha.lower():
        raise ShaMismatch(
            "The page has changed since that sha: read it again and retry"
            if current is not None
            else "There is no page at that path to match the sha against",
            details={"currentSha": current, "currentVersion": page and page["version"]},
        )


def unchanged(page: RowMapping | None, path: str, content: Content) -> bool:
    """Whether writing `content` at `path` would change nothing (a live page stays as is)."""
    return (
        page is not None
        and page["deleted_at"] is None
        and page["path"] == path
        and page["sha"] == content.sha()
    )


def next_clock(conn: Connection, library_id: str) -> int:
    clock: int = conn.execute(
        libraries.update()
        .where(libraries.c.id == library_id)
        .values(clock=libraries.c.clock + 1)
        .returning(libraries.c.clock)
    ).scalar_one()
    return clock


def save_page(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    access: LibraryAccess,
    before: RowMapping | None,
    path: str,
    content: Content,
    operation: Operation,
    previous_path: str | None = None,
    binary: BinaryFile | None = None,
) -> RowMapping:
    """Write the page (new when `before` is None) and its revision; the page as written.

    With `binary` the page becomes a binary page naming that drive file; a delete, restore or
    rename of a binary page keeps its file; any other write makes it a text page."""
    now = utcnow()
    clock = next_clock(conn, access.id)
    if binary is None and operation in _KEEPS_BINARY:
        binary = binary_of(before)
    sha = binary.sha if binary is not None else content.sha()
    size = binary.size_bytes if binary is not None else content.size_bytes()
    file_id = binary.file_id if binary is not None else None
    values = {
        "path": path,
        "title": content.title,
        "collection": content.collection,
        "frontmatter": content.frontmatter,
        "body": content.body,
        "sha": sha,
        "size_bytes": size,
        "binary_file_id": file_id,
        "updated_by": caller.principal_id,
        "updated_at": now,
        "deleted_at": now if operation == "delete" else None,
    }
    if before is None:
        page_id, version = new_id(), 1
        conn.execute(
            library_pages.insert().values(
                id=page_id,
                library_id=access.id,
                version=version,
                created_by=caller.principal_id,
                created_at=now,
                **values,
            )
        )
    else:
        page_id, version = before["id"], before["version"] + 1
        written = conn.execute(
            library_pages.update()
            .where(library_pages.c.id == page_id, library_pages.c.version == before["version"])
            .values(version=version, **values)
        ).rowcount
        if written != 1:
            raise ShaMismatch("The page changed while this write was made: read it and retry")
    conn.execute(
        library_page_revisions.insert().values(
            id=new_id(),
            library_id=access.id,
            page_id=page_id,
            clock=clock,
            version=version,
            sha=sha,
            parent_sha=before["sha"] if before is not None else None,
            operation=operation,
            path=path,
            title=content.title,
            collection=content.collection,
            frontmatter=content.frontmatter,
            body=content.body,
            binary_file_id=file_id,
            author_id=caller.principal_id,
            created_at=now,
        )
    )
    if before is None or before["body"] != content.body:
        _set_links(conn, access.id, page_id, content.body)
    page = conn.execute(sa.select(library_pages).where(library_pages.c.id == page_id)).mappings()
    written_page = page.one()
    events.append(
        PageChanged(
            route=readers_of(conn, access.library),
            workspace_id=access.library["workspace_id"],
            library_id=access.id,
            action=_ACTIONS[operation],
            page=summary_view(written_page),
            previous_path=previous_path,
            clock=clock,
        )
    )
    return written_page


def _set_links(conn: Connection, library_id: str, page_id: str, body: str) -> None:
    conn.execute(library_page_links.delete().where(library_page_links.c.page_id == page_id))
    targets = sorted(wikilink_targets(body))
    if targets:
        conn.execute(
            library_page_links.insert(),
            [{"page_id": page_id, "target": t, "library_id": library_id} for t in targets],
        )
