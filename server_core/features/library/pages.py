"""Pages: read, list, create or overwrite, patch, delete, restore, rename (rewriting the links
that name the old path), history and backlinks."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.library.access import LibraryAccess, access_library
from server_core.features.library.binary import (
    access_binary_file,
    binary_content,
    drive_rows,
)
from server_core.features.library.conformance import conform
from server_core.features.library.content import Content, rewrite_links, split_raw
from server_core.features.library.errors import (
    InvalidFrontmatter,
    PageNotDeleted,
    PagePathTaken,
)
from server_core.features.library.paths import normalise_path, title_from_path
from server_core.features.library.revisions import (
    check_sha,
    content_of,
    page_view,
    save_page,
    summary_view,
    unchanged,
)
from server_core.features.library.schemas import (
    Backlink,
    HistoryQuery,
    LibraryPage,
    Operation,
    PageListQuery,
    PageSummary,
    PatchPageRequest,
    PutPageRequest,
    RenamePageRequest,
    Revision,
)
from server_core.features.library.tables import (
    library_page_links,
    library_page_revisions,
    library_pages,
)
from server_core.kernel.auth import Caller
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring
from server_core.kernel.operations import Created
from server_core.kernel.store.tables import principals
from server_core.kernel.wire import Page

PAGE_FIELDS = frozenset({"title", "collection"})
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)


def find_page(conn: Connection, library_id: str, path: str) -> RowMapping | None:
    """The page at `path`, deleted or not."""
    return (
        conn.execute(
            sa.select(library_pages).where(
                library_pages.c.library_id == library_id, library_pages.c.path == path
            )
        )
        .mappings()
        .first()
    )


def access_page(
    conn: Connection, access: LibraryAccess, path: str, *, deleted: bool = False
) -> RowMapping:
    """The live page at `path` (or, with `deleted`, the page whether deleted or not), or 404."""
    page = find_page(conn, access.id, path)
    if page is None or (page["deleted_at"] is not None and not deleted):
        hint = "; it is deleted: restore it" if page is not None else ""
        raise NotFound(f"No page '{path}' in this library{hint}")
    return page


def default_title(path: str, body: str) -> str:
    heading = _H1.search(body)
    return heading.group(1).strip()[:500] if heading else title_from_path(path)[:500]


def get_page(
    conn: Connection,
    *,
    caller: Caller,
    keyring: Keyring,
    settings: Settings,
    library_id: str,
    path: str,
) -> LibraryPage:
    """The page; a binary page with its drive file and a signed link to its bytes."""
    access = access_library(conn, caller, library_id, "read")
    page = access_page(conn, access, normalise_path(path))
    view = page_view(page)
    file_id = page["binary_file_id"]
    if file_id is None:
        return view
    row = drive_rows(conn, access.library["workspace_id"], [file_id]).get(file_id)
    binary = binary_content(file_id, row, keyring=keyring, settings=settings)
    return view.model_copy(update={"binary": binary})


def list_pages(
    conn: Connection, *, caller: Caller, library_id: str, query: PageListQuery
) -> Page[PageSummary]:
    access = access_library(conn, caller, library_id, "read")
    select = sa.select(library_pages).where(
        library_pages.c.library_id == access.id, library_pages.c.deleted_at.is_(None)
    )
    if query.collection is not None:
        select = select.where(library_pages.c.collection == query.collection)
    if query.prefix:
        # substr, not LIKE: SQLite's LIKE ignores case, and a prefix may hold % or _.
        prefix = query.prefix
        select = select.where(sa.func.substr(library_pages.c.path, 1, len(prefix)) == prefix)
    if query.cursor is not None:
        select = select.where(library_pages.c.path > query.cursor)
    rows = conn.execute(select.order_by(library_pages.c.path).limit(query.limit + 1)).mappings()
    found = rows.all()
    kept = found[: query.limit]
    has_more = len(found) > query.limit
    cursor = kept[-1]["path"] if has_more and kept else None
    return Page([summary_view(row) for row in kept], cursor, has_more)


def _put_content(request: PutPageRequest, before: RowMapping | None, path: str) -> Content:
    given = request.model_fields_set
    base: dict[str, Any] = {}
    if before is not None:
        base = {
            "title": before["title"],
            "collection": before["collection"],
            "frontmatter": dict(before["frontmatter"]),
            "body": before["body"],
        }
    if request.raw is not None:
        frontmatter, body = split_raw(request.raw)
        title, collection = frontmatter.pop("title", None), frontmatter.pop("collection", None)
        if title is not None and not (isinstance(title, str) and title.strip()):
            raise InvalidFrontmatter("Front matter `title` must be a non-empty string")
        if collection is not None and not isinstance(collection, str):
            raise InvalidFrontmatter("Front matter `collection` must be a collection slug")
        base = {"title": title, "collection": collection, "frontmatter": frontmatter, "body": body}
    for field in ("title", "collection", "frontmatter", "body"):
        if field in given and (field == "collection" or getattr(request, field) is not None):
            base[field] = getattr(request, field)
    body = base.get("body") or ""
    title = (base.get("title") or "").strip()[:500] or default_title(path, body)
    return Content(title, base.get("collection"), _own_keys(base.get("frontmatter") or {}), body)


def _own_keys(frontmatter: dict[str, Any]) -> dict[str, Any]:
    """`title` and `collection` are the page's own fields (they head its `raw` form): not kept
    twice as front matter keys."""
    return {key: value for key, value in frontmatter.items() if key not in PAGE_FIELDS}


def do_put_page(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    path: str,
    request: PutPageRequest,
) -> Created[LibraryPage]:
    """Create or overwrite. Writing what the page already holds changes nothing (no revision);
    writing the path of a deleted page brings that page back with the new content."""
    path = normalise_path(path)
    access = access_library(conn, caller, library_id, "write", lock=True)
    before = find_page(conn, access.id, path)
    check_sha(before, request.if_match_sha)
    content = _put_content(request, before, path)
    content = conform(conn, access.id, content)
    if before is not None and unchanged(before, path, content):
        return Created(page_view(before), created=False)
    operation: Operation = "create" if before is None else "edit"
    page = save_page(
        conn, events, caller=caller, access=access, before=before, path=path,
        content=content, operation=operation,
    )  # fmt: skip
    return Created(page_view(page), created=before is None)


def do_put_binary_page(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    path: str,
    file_id: str,
) -> Created[LibraryPage]:
    """Create or overwrite the page at `path` as a binary page naming the drive file `file_id`,
    which the caller must be able to read. Naming the file it names already changes nothing."""
    path = normalise_path(path)
    access = access_library(conn, caller, library_id, "write", lock=True)
    binary = access_binary_file(conn, caller, file_id)
    before = find_page(conn, access.id, path)
    if (
        before is not None
        and before["deleted_at"] is None
        and before["binary_file_id"] == binary.file_id
        and before["sha"] == binary.sha
    ):
        return Created(page_view(before), created=False)
    content = Content(title_from_path(path)[:500], None, {}, "")
    operation: Operation = "create" if before is None else "edit"
    page = save_page(
        conn, events, caller=caller, access=access, before=before, path=path,
        content=content, operation=operation, binary=binary,
    )  # fmt: skip
    return Created(page_view(page), created=before is None)


def do_patch_page(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    path: str,
    request: PatchPageRequest,
) -> LibraryPage:
    path = normalise_path(path)
    access = access_library(conn, caller, library_id, "write", lock=True)
    before = access_page(conn, access, path)
    check_sha(before, request.if_match_sha)
    current = content_of(before)
    given = request.model_fields_set
    frontmatter = dict(current.frontmatter)
    for key, value in (request.frontmatter or {}).items():
        if value is None:
            frontmatter.pop(key, None)
        else:
            frontmatter[key] = value
    content = Content(
        title=request.title if request.title is not None else current.title,
        collection=request.collection if "collection" in given else current.collection,
        frontmatter=_own_keys(frontmatter),
        body=request.body if request.body is not None else current.body,
    )
    content = conform(conn, access.id, content)
    if unchanged(before, path, content):
        return page_view(before)
    page = save_page(
        conn, events, caller=caller, access=access, before=before, path=path,
        content=content, operation="edit",
    )  # fmt: skip
    return page_view(page)


def do_delete_page(
    conn: Connection, events: list[Event], *, caller: Caller, library_id: str, path: str
) -> LibraryPage:
    path = normalise_path(path)
    access = access_library(conn, caller, library_id, "write", lock=True)
    before = access_page(conn, access, path)
    page = save_page(
        conn, events, caller=caller, access=access, before=before, path=path,
        content=content_of(before), operation="delete",
    )  # fmt: skip
    return page_view(page)


def do_restore_page(
    conn: Connection, events: list[Event], *, caller: Caller, library_id: str, path: str
) -> LibraryPage:
    path = normalise_path(path)
    access = access_library(conn, caller, library_id, "write", lock=True)
    before = access_page(conn, access, path, deleted=True)
    if before["deleted_at"] is None:
        raise PageNotDeleted(f"The page '{path}' is not deleted")
    page = save_page(
        conn, events, caller=caller, access=access, before=before, path=path,
        content=content_of(before), operation="restore",
    )  # fmt: skip
    return page_view(page)


def do_rename_page(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    path: str,
    request: RenamePageRequest,
) -> LibraryPage:
    """Move the page; its id stays. Each live page whose `[[old/path]]` links name it is
    rewritten to the new path, in a revision of its own."""
    old, new = normalise_path(path), normalise_path(request.new_path)
    access = access_library(conn, caller, library_id, "write", lock=True)
    before = access_page(conn, access, old)
    check_sha(before, request.if_match_sha)
    if new == old:
        return page_view(before)
    taken = find_page(conn, access.id, new)
    if taken is not None:
        state = "a deleted page" if taken["deleted_at"] is not None else "another page"
        raise PagePathTaken(f"'{new}' is the path of {state} of this library")
    current = content_of(before)
    moved = Content(
        current.title, current.collection, current.frontmatter,
        rewrite_links(current.body, old, new),
    )  # fmt: skip
    page = save_page(
        conn, events, caller=caller, access=access, before=before, path=new,
        content=moved, operation="rename", previous_path=old,
    )  # fmt: skip
    linking = conn.execute(
        sa.select(library_pages)
        .join(library_page_links, library_page_links.c.page_id == library_pages.c.id)
        .where(
            library_page_links.c.library_id == access.id,
            library_page_links.c.target == old,
            library_pages.c.deleted_at.is_(None),
            library_pages.c.id != before["id"],
        )
        .order_by(library_pages.c.path)
    ).mappings()
    for other in linking.all():
        text = content_of(other)
        rewritten = Content(
            text.title, text.collection, text.frontmatter, rewrite_links(text.body, old, new)
        )
        save_page(
            conn, events, caller=caller, access=access, before=other, path=other["path"],
            content=rewritten, operation="edit",
        )  # fmt: skip
    return page_view(page)


def page_history(
    conn: Connection, *, caller: Caller, library_id: str, path: str, query: HistoryQuery
) -> list[Revision]:
    access = access_library(conn, caller, library_id, "browse")
    page = access_page(conn, access, normalise_path(path), deleted=True)
    revisions = library_page_revisions
    rows = conn.execute(
        sa.select(revisions, principals.c.handle.label("author"))
        .join(principals, principals.c.id == revisions.c.author_id)
        .where(revisions.c.page_id == page["id"])
        .order_by(revisions.c.version.desc())
        .limit(query.limit)
    ).mappings()
    return [Revision.model_validate(dict(row)) for row in rows]


def page_backlinks(
    conn: Connection, *, caller: Caller, library_id: str, path: str
) -> list[Backlink]:
    """Live pages linking to the page by its path, or by its title (case aside)."""
    access = access_library(conn, caller, library_id, "read")
    page = access_page(conn, access, normalise_path(path))
    links = library_page_links
    rows = conn.execute(
        sa.select(library_pages.c.id, library_pages.c.path, library_pages.c.title)
        .distinct()
        .join(links, links.c.page_id == library_pages.c.id)
        .where(
            links.c.library_id == access.id,
            sa.or_(
                links.c.target == page["path"],
                sa.func.lower(links.c.target) == page["title"].lower(),
            ),
            library_pages.c.deleted_at.is_(None),
            library_pages.c.id != page["id"],
        )
        .order_by(library_pages.c.path)
    ).mappings()
    return [Backlink(page_id=row["id"], path=row["path"], title=row["title"]) for row in rows]
