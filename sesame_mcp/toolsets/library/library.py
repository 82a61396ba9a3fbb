"""Toolset `library`: durable knowledge kept as markdown pages in shared libraries. Reading,
writing (with `if_match_sha` so a concurrent change is never lost), editing, appending under a
heading, renaming (links to the page follow it), deleting and restoring pages, their history
and backlinks, listing them, and the collections that type their front matter with a typed
query. Declared from the platform's `/library` operations (`sesame_mcp.derived`), except
`define_collection`, whose `schema` argument is called `fields`. A library is named by its
slug or its id; pages by their path. Page text is quoted: others wrote it."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context
from pydantic import Field, create_model

from server_core.features.library.operations import Libraries
from server_core.features.library.schemas import PutCollectionRequest
from sesame_mcp.derived import Ref, derive
from sesame_mcp.registry import ToolInput, Toolset, described_field
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.library.views import (
    AppendedOutput,
    BacklinksOutput,
    CollectionOutput,
    CollectionsOutput,
    DeletedPageOutput,
    HistoryOutput,
    LibrariesOutput,
    LibraryOutput,
    PageOutput,
    PagesOutput,
    QueryOutput,
    RenamedOutput,
    RestoredOutput,
    WrittenOutput,
)

TOOLSET = Toolset(
    "library",
    "Libraries of markdown pages: read, write, append, rename, history, backlinks, collections",
    default=False,
    next_steps={
        "not_found": "list_libraries shows the libraries you can read; list_pages a library's "
        "pages (a deleted page comes back with restore_page)",
        "forbidden": "writing needs the editor role in that library and collections the admin "
        "role (list_libraries shows your role); ask its owner",
        "sha_mismatch": "someone changed the page since you read it: read_page for its current "
        "body and sha, merge your change into it, then write again with that if_match_sha",
        "version_behind": "the page is older than if_version_at_least; read_page and retry",
        "page_path_taken": "another page has that path: read_page it, or choose another path",
        "page_not_deleted": "the page is live already: read_page shows it",
        "reserved_page_path": "a page path may not end in history, backlinks, rename, restore "
        "or blocks; add to it, e.g. logs/history-2026",
        "invalid_page_path": "a page path is relative: segments joined by single slashes, "
        "e.g. guides/onboarding",
        "unknown_collection": "list_collections shows this library's collections; "
        "define_collection makes one",
        "schema_violation": "list_collections shows the collection's fields: fix the page's "
        "front matter to fit them",
        "invalid_frontmatter": "front matter is a mapping of keys to JSON-like values",
        "frontmatter_not_mapping": "front matter is a mapping of keys to values",
        "invalid_collection_schema": "each field needs a type: string, number, integer, "
        "boolean, date, enum (with values), pageRef or array (with items)",
        "invalid_query": 'where maps a field to a value or to operators, e.g. {"status": '
        '"open", "priority": {"gte": 2}, "tags": {"contains": "auth"}}',
        "library_slug_taken": "choose another slug; list_libraries shows the libraries you "
        "can read",
        "public_read_not_allowed": "use visibility workspace, or ask a workspace admin to "
        "allow public_read",
    },
)


async def _as_given(_: Sesame, ref: str) -> str:
    return ref.strip()


LIBRARY = Ref(
    "library", "The library: its slug (e.g. team-notes) or its id", _as_given, max_length=100
)
PAGE_PATH = "The page's path, slashes included, e.g. guides/onboarding"
IF_MATCH = "The sha you read (read_page): refused if the page changed since"
FRONTMATTER = 'Front matter fields, e.g. {"status": "open", "tags": ["auth"]}'
PAGE_FIELDS = {
    "path": PAGE_PATH,
    "title": "Its title (default: the body's first # heading, else the path)",
    "collection": "The collection it belongs to (its slug)",
    "body": "The markdown body",
    "if_match_sha": IF_MATCH,
}

derive(
    TOOLSET,
    Libraries.list,
    name="list_libraries",
    title="List libraries",
    description="The libraries you can read, with your role and their page and collection counts.",
    output=LibrariesOutput,
)
derive(
    TOOLSET,
    Libraries.create,
    name="create_library",
    title="Create a library",
    description="Create a library you own; with defaults true it gets the well-known "
    "collections (decisions, lessons, people, experiments, principles, playbooks).",
    output=LibraryOutput,
    descriptions={
        "name": "Its name, e.g. Team notes",
        "slug": "Its short name (default: made from the name), e.g. team-notes",
        "description": "What it holds",
        "icon": "An emoji or icon name",
        "color": "A colour, e.g. #3366ff",
        "owner_kind": "Who owns it: human, agent, team or workspace (default: you)",
        "visibility": "private (members, the default), team, workspace or public_read",
        "settings": "allowPublicRead: the workspace's opt-in to public_read",
        "defaults": "Add the well-known collections",
    },
)
derive(
    TOOLSET,
    Libraries.get_page,
    name="read_page",
    title="Read a page",
    description="A page's markdown body, front matter, title, version and sha (pass the sha as "
    "if_match_sha when you write it back).",
    output=PageOutput,
    refs={"library_id": LIBRARY},
    descriptions={"path": PAGE_PATH},
)
derive(
    TOOLSET,
    Libraries.put_page,
    name="write_page",
    title="Write a page",
    description="Create a page or overwrite it: what you give replaces its title, collection, "
    "front matter and body (what you leave out stays); raw gives them as a file at once. With "
    "if_match_sha the write is refused if someone changed the page since you read it.",
    output=WrittenOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        **PAGE_FIELDS,
        "frontmatter": FRONTMATTER + ", replacing the current ones",
        "raw": "The page as a file: a --- YAML front matter block (title, collection, fields) "
        "then the markdown body",
    },
)
derive(
    TOOLSET,
    Libraries.patch_page,
    name="edit_page",
    title="Edit a page",
    description="Change only what you give of a page: its title, collection, body, or some "
    "front matter fields (null removes one).",
    output=WrittenOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        **PAGE_FIELDS,
        "frontmatter": FRONTMATTER + ", merged into the current ones (null removes one)",
    },
)
derive(
    TOOLSET,
    Libraries.append_block,
    name="append_to_page",
    title="Append to a page",
    description="Add markdown at the end of a heading's section (append_under: the heading "
    "path, outermost first); missing headings, and the page, are created. Concurrent appends "
    "all land.",
    output=AppendedOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "path": PAGE_PATH,
        "append_under": 'Heading path, outermost first, e.g. ["Log", "2026-03"]; [] for the '
        "end of the page",
        "content": "The markdown to add, e.g. - shipped the importer",
        "if_version_at_least": "Refused if the page's version is below this",
    },
)
derive(
    TOOLSET,
    Libraries.rename_page,
    name="rename_page",
    title="Rename a page",
    description="Move a page to a new path: it keeps its id and history, and the [[links]] "
    "other pages have to it are rewritten to the new path.",
    output=RenamedOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "path": PAGE_PATH,
        "new_path": "Its new path, e.g. guides/onboarding-2026",
        "if_match_sha": IF_MATCH,
    },
    destructive=True,
)
derive(
    TOOLSET,
    Libraries.delete_page,
    name="delete_page",
    title="Delete a page",
    description="Delete a page: it leaves listings and reads; restore_page brings it back.",
    output=DeletedPageOutput,
    refs={"library_id": LIBRARY},
    descriptions={"path": PAGE_PATH},
)
derive(
    TOOLSET,
    Libraries.restore_page,
    name="restore_page",
    title="Restore a page",
    description="Bring a deleted page back at its path, as it was.",
    output=RestoredOutput,
    refs={"library_id": LIBRARY},
    descriptions={"path": PAGE_PATH},
)
derive(
    TOOLSET,
    Libraries.history,
    name="page_history",
    title="Page history",
    description="A page's revisions, newest first: version, operation, author, sha.",
    output=HistoryOutput,
    refs={"library_id": LIBRARY},
    descriptions={"path": PAGE_PATH, "limit": "At most this many (default 100)"},
)
derive(
    TOOLSET,
    Libraries.backlinks,
    name="page_backlinks",
    title="Page backlinks",
    description="The live pages whose [[links]] name this page, by path or title.",
    output=BacklinksOutput,
    refs={"library_id": LIBRARY},
    descriptions={"path": PAGE_PATH},
)
derive(
    TOOLSET,
    Libraries.pages,
    name="list_pages",
    title="List pages",
    description="A library's pages by path, all or those of a collection or under a prefix.",
    output=PagesOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "collection": "Only the pages of this collection (its slug)",
        "prefix": "Only paths starting with this, e.g. guides/",
        "limit": "At most this many (default 50)",
        "cursor": "The cursor of the previous call, for the next pages",
    },
)
derive(
    TOOLSET,
    Libraries.collections,
    name="list_collections",
    title="List collections",
    description="A library's collections with their front matter fields and page counts.",
    output=CollectionsOutput,
    refs={"library_id": LIBRARY},
)
derive(
    TOOLSET,
    Libraries.query_collection,
    name="query_collection",
    title="Query a collection",
    description="A collection's pages whose front matter matches: where maps a field to a "
    "value or to operators gt, gte, lt, lte, in, contains; order_by a field (or title, path, "
    "createdAt, updatedAt).",
    output=QueryOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "slug": "The collection's slug",
        "where": 'e.g. {"status": "open", "priority": {"gte": 2}, "tags": {"contains": "auth"}}',
        "order_by": 'e.g. {"field": "priority", "direction": "desc"}',
        "limit": "At most this many (default 50)",
        "cursor": "The cursor of the previous call, for the next pages",
    },
)


def _define_collection_input() -> type[ToolInput]:
    """The collection's library and slug, then the request's fields, its `schema` as `fields`."""
    wording = {
        "schema_": "Its pages' front matter fields: name → {type (string, number, integer, "
        "boolean, date, enum, pageRef, array), required, values (enum), default, items "
        "(array)}; none for a plain folder",
        "name": "Its name (default: the slug)",
        "description": "What its pages are",
        "views": "Board, table or gallery views: name, kind, groupBy, sort",
    }
    fields: dict[str, Any] = {
        "library": (str, Field(min_length=1, max_length=100, description=LIBRARY.description)),
        "slug": (str, Field(min_length=1, max_length=100, description="Its slug, e.g. decisions")),
    }
    for name in ("schema_", "name", "description", "views"):
        argument = "fields" if name == "schema_" else name
        fields[argument] = described_field("define_collection", PutCollectionRequest, name, wording)
    made: type[ToolInput] = create_model("DefineCollectionInput", __base__=ToolInput, **fields)
    return made


@TOOLSET.tool(
    title="Define a collection",
    read_only=False,
    destructive=True,
    idempotent=True,
    arguments=_define_collection_input(),
)
async def define_collection(args: Any, ctx: Context) -> CollectionOutput:
    """Create or replace a collection (library admins): the front matter fields its pages
    must fit, checked on every write, and its views."""
    state = sesame(ctx)
    collection = await state.client.library.put_collection(
        args.library.strip(),
        args.slug.strip(),
        name=args.name,
        description=args.description,
        schema_=args.fields,
        views=args.views,
    )
    return CollectionOutput.model_validate({"collection": collection}, from_attributes=True)
