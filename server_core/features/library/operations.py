"""`/library`: shared markdown knowledge bases. Libraries and their members; pages at
unix-style paths (`/library/{id}/pages/{path}`, the path keeping its slashes) with revisions,
backlinks, rename, restore and append-under-heading; collections and their typed query;
full-text search; the conventions document; entities; the git mirror.

A library is named by its id or, in the caller's workspace, its slug. The routes under a page
(`…/history`, `…/backlinks`, `…/rename`, `…/restore`, `…/blocks`) are matched first, so a page
path may not end in one of those words (`reserved_page_path`)."""

from __future__ import annotations

from server_core.features.library.errors import (
    AlreadyMember,
    ConventionsChanged,
    EmbeddingUnavailable,
    EntityNameTaken,
    FrontmatterNotMapping,
    GitBranchMissing,
    GitInvalidFile,
    GitLibraryChanged,
    GitMirrorNotConfigured,
    GitPushRejected,
    GitRemoteMoved,
    GitRemoteUnreachable,
    InvalidCollectionSchema,
    InvalidFrontmatter,
    InvalidGitBranch,
    InvalidGitRemote,
    InvalidPagePath,
    InvalidQuery,
    InvalidSshKey,
    LastOwner,
    LibrarySlugTaken,
    PageNotDeleted,
    PagePathTaken,
    PublicReadNotAllowed,
    ReservedPagePath,
    SchemaViolation,
    ShaMismatch,
    UnknownCollection,
    UnknownEntityPrincipal,
    VectorSearchUnavailable,
    VersionBehind,
)
from server_core.features.library.git_mirror_schemas import (
    ApplyGitPullRequest,
    ConfigureGitMirrorRequest,
    GitMirror,
    GitPullPlan,
    GitPush,
)
from server_core.features.library.knowledge_schemas import (
    Conventions,
    CreateEntityRequest,
    Entity,
    EntityListQuery,
    FederatedResults,
    FederatedSearchRequest,
    PatchConventionsRequest,
    PutConventionsRequest,
    Resolved,
    ResolveRequest,
    SearchMetrics,
    SearchRequest,
    SearchResults,
    UpdateEntityRequest,
)
from server_core.features.library.schemas import (
    AddMemberRequest,
    AppendBlockRequest,
    Backlink,
    Collection,
    CollectionQuery,
    CreateLibraryRequest,
    HistoryQuery,
    Library,
    LibraryPage,
    Member,
    PageListQuery,
    PageSummary,
    PatchPageRequest,
    PutCollectionRequest,
    PutPageRequest,
    QueryResult,
    RenamePageRequest,
    Revision,
    UpdateLibraryRequest,
    UpdateMemberRequest,
)
from server_core.features.library.upkeep_operations import LibraryUpkeep
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam
from server_core.kernel.wire import Page

LIBRARY = PathParam("id", "library_id", "Library id, or its slug in your workspace", 100)
PRINCIPAL = PathParam("principalId", "principal_id", "Member's principal id", 64)
PATH = PathParam("path", "path", "Page path, slashes included (e.g. guides/onboarding/week-1)")
SLUG = PathParam("slug", "slug", "Collection slug", 100)
ENTITY = PathParam("entityId", "entity_id", "Entity id", 64)
LIBRARY_PAGE = "/library/{id}/pages/{path:path}"
COLLECTION = "/library/{id}/collections/{slug}"

LibraryList = list[Library]
MemberList = list[Member]
History = list[Revision]
Backlinks = list[Backlink]
Collections = list[Collection]
_PATH_ERRORS = [InvalidPagePath, ReservedPagePath]
_CONTENT_ERRORS = [InvalidFrontmatter, FrontmatterNotMapping, UnknownCollection, SchemaViolation]
# A mirror configured while local remotes were allowed answers 400 once they are not.
_GIT_ERRORS = [GitMirrorNotConfigured, InvalidGitRemote, GitRemoteUnreachable, GitRemoteMoved]
_PULL_ERRORS = [GitBranchMissing, GitInvalidFile, *_CONTENT_ERRORS]


class Libraries(LibraryUpkeep, Operations):
    """Libraries, their members and their pages; sync and lint (`upkeep_operations.py`)."""

    area = "library"

    list = Operation(
        "GET", "/library", response=LibraryList, summary="List the libraries you can read"
    )
    create = Operation(
        "POST",
        "/library",
        body=CreateLibraryRequest,
        response=Library,
        status=201,
        errors=[Forbidden, LibrarySlugTaken, PublicReadNotAllowed],
        summary="Create a library (you own it); `defaults: true` adds the well-known collections",
    )
    # Before the `/library/{id}` routes: `search` is not a library.
    search_all = Operation(
        "POST",
        "/library/search",
        body=FederatedSearchRequest,
        response=FederatedResults,
        idempotent=True,
        transaction="read",
        summary="Full-text search of every library you can read, best pages first",
    )
    get = Operation(
        "GET",
        "/library/{id}",
        params=[LIBRARY],
        response=Library,
        errors=[NotFound],
        summary="Get a library with its stats and your role",
    )
    update = Operation(
        "PATCH",
        "/library/{id}",
        params=[LIBRARY],
        body=UpdateLibraryRequest,
        response=Library,
        idempotent=True,
        errors=[Forbidden, NotFound, LibrarySlugTaken, PublicReadNotAllowed],
        summary="Change a library's name, slug, looks, visibility or settings (admins)",
    )
    delete = Operation(
        "DELETE",
        "/library/{id}",
        params=[LIBRARY],
        response=Library,
        errors=[Forbidden, NotFound],
        summary="Delete a library (owners); its slug becomes free",
    )
    members = Operation(
        "GET",
        "/library/{id}/members",
        params=[LIBRARY],
        response=MemberList,
        errors=[Forbidden, NotFound],
        summary="List a library's members and their roles",
    )
    add_member = Operation(
        "POST",
        "/library/{id}/members",
        params=[LIBRARY],
        body=AddMemberRequest,
        response=Member,
        status=201,
        errors=[Forbidden, NotFound, AlreadyMember],
        summary="Add a member (role viewer unless given; admins, and owners for owners)",
    )
    update_member = Operation(
        "PATCH",
        "/library/{id}/members/{principalId}",
        params=[LIBRARY, PRINCIPAL],
        body=UpdateMemberRequest,
        response=Member,
        idempotent=True,
        errors=[Forbidden, NotFound, LastOwner],
        summary="Change a member's role",
    )
    remove_member = Operation(
        "DELETE",
        "/library/{id}/members/{principalId}",
        params=[LIBRARY, PRINCIPAL],
        response=Member,
        errors=[Forbidden, NotFound, LastOwner],
        summary="Remove a member (or leave, naming yourself)",
    )
    pages = Operation(
        "GET",
        "/library/{id}/pages",
        params=[LIBRARY],
        query=PageListQuery,
        response=Page[PageSummary],
        errors=[NotFound],
        summary="List live pages by path, optionally in one collection or under a prefix",
    )
    # The routes under a page come before the page itself: they share its prefix.
    history = Operation(
        "GET",
        f"{LIBRARY_PAGE}/history",
        params=[LIBRARY, PATH],
        query=HistoryQuery,
        response=History,
        errors=[Forbidden, NotFound, *_PATH_ERRORS],
        summary="A page's revisions, newest first (deleted pages too)",
    )
    backlinks = Operation(
        "GET",
        f"{LIBRARY_PAGE}/backlinks",
        params=[LIBRARY, PATH],
        response=Backlinks,
        errors=[NotFound, *_PATH_ERRORS],
        summary="Live pages whose [[links]] name this page (by path or title)",
    )
    rename_page = Operation(
        "POST",
        f"{LIBRARY_PAGE}/rename",
        params=[LIBRARY, PATH],
        body=RenamePageRequest,
        response=LibraryPage,
        errors=[Forbidden, NotFound, PagePathTaken, ShaMismatch, *_PATH_ERRORS],
        summary="Move a page to a new path: its id stays, links to it are rewritten",
    )
    restore_page = Operation(
        "POST",
        f"{LIBRARY_PAGE}/restore",
        params=[LIBRARY, PATH],
        response=LibraryPage,
        idempotent=True,
        errors=[Forbidden, NotFound, PageNotDeleted, *_PATH_ERRORS],
        summary="Bring a deleted page back",
    )
    append_block = Operation(
        "POST",
        f"{LIBRARY_PAGE}/blocks",
        params=[LIBRARY, PATH],
        body=AppendBlockRequest,
        response=LibraryPage,
        errors=[Forbidden, NotFound, VersionBehind, *_PATH_ERRORS],
        summary="Append markdown at the end of a heading's section (headings and page created "
        "as needed)",
    )
    get_page = Operation(
        "GET",
        LIBRARY_PAGE,
        params=[LIBRARY, PATH],
        response=LibraryPage,
        errors=[NotFound, *_PATH_ERRORS],
        summary="Get a page: front matter, body, sha and version",
    )
    put_page = Operation(
        "PUT",
        LIBRARY_PAGE,
        params=[LIBRARY, PATH],
        body=PutPageRequest,
        response=LibraryPage,
        status=201,
        also={200: "An existing page, overwritten"},
        errors=[Forbidden, NotFound, ShaMismatch, *_PATH_ERRORS, *_CONTENT_ERRORS],
        summary="Create or overwrite a page (`ifMatchSha`: only if unchanged since)",
    )
    patch_page = Operation(
        "PATCH",
        LIBRARY_PAGE,
        params=[LIBRARY, PATH],
        body=PatchPageRequest,
        response=LibraryPage,
        errors=[Forbidden, NotFound, ShaMismatch, *_PATH_ERRORS, *_CONTENT_ERRORS],
        summary="Change a page's title, collection, body or front matter keys",
    )
    delete_page = Operation(
        "DELETE",
        LIBRARY_PAGE,
        params=[LIBRARY, PATH],
        response=LibraryPage,
        errors=[Forbidden, NotFound, *_PATH_ERRORS],
        summary="Delete a page (restore brings it back)",
    )
    collections = Operation(
        "GET",
        "/library/{id}/collections",
        params=[LIBRARY],
        response=Collections,
        errors=[NotFound],
        summary="List a library's collections with their schemas and page counts",
    )
    get_collection = Operation(
        "GET",
        COLLECTION,
        params=[LIBRARY, SLUG],
        response=Collection,
        errors=[NotFound],
        summary="Get a collection with its schema and views",
    )
    put_collection = Operation(
        "PUT",
        COLLECTION,
        params=[LIBRARY, SLUG],
        body=PutCollectionRequest,
        response=Collection,
        status=201,
        also={200: "An existing collection, replaced"},
        errors=[Forbidden, NotFound, InvalidCollectionSchema],
        summary="Create or replace a collection (admins); its schema is checked on page writes",
    )
    delete_collection = Operation(
        "DELETE",
        COLLECTION,
        params=[LIBRARY, SLUG],
        response=Collection,
        errors=[Forbidden, NotFound],
        summary="Delete a collection (its pages stay)",
    )
    collection_pages = Operation(
        "GET",
        f"{COLLECTION}/pages",
        params=[LIBRARY, SLUG],
        query=PageListQuery,
        response=Page[PageSummary],
        errors=[NotFound],
        summary="List the live pages of a collection by path",
    )
    query_collection = Operation(
        "POST",
        f"{COLLECTION}/query",
        params=[LIBRARY, SLUG],
        body=CollectionQuery,
        response=QueryResult,
        idempotent=True,
        transaction="read",
        errors=[NotFound, InvalidQuery],
        summary="Query a collection's pages by front matter: where, orderBy, limit, cursor",
    )
    search = Operation(
        "POST",
        "/library/{id}/search",
        params=[LIBRARY],
        body=SearchRequest,
        response=SearchResults,
        idempotent=True,
        transaction="read",
        errors=[NotFound, VectorSearchUnavailable, EmbeddingUnavailable],
        summary="Full-text search of a library's live pages (title weighs more than body), "
        "with snippets; semantic too with `useVector`",
    )
    search_metrics = Operation(
        "GET",
        "/library/{id}/search/metrics",
        params=[LIBRARY],
        response=SearchMetrics,
        errors=[NotFound],
        summary="What the search index holds of a library: pages, bytes, last write indexed",
    )
    conventions = Operation(
        "GET",
        "/library/{id}/conventions",
        params=[LIBRARY],
        response=Conventions,
        errors=[Forbidden, NotFound],
        summary="Get a library's conventions document and its version",
    )
    put_conventions = Operation(
        "PUT",
        "/library/{id}/conventions",
        params=[LIBRARY],
        body=PutConventionsRequest,
        response=Conventions,
        idempotent=True,
        errors=[Forbidden, NotFound, ConventionsChanged],
        summary="Replace a library's conventions (admins); the version goes up on a change",
    )
    patch_conventions = Operation(
        "PATCH",
        "/library/{id}/conventions",
        params=[LIBRARY],
        body=PatchConventionsRequest,
        response=Conventions,
        idempotent=True,
        errors=[Forbidden, NotFound, ConventionsChanged],
        summary="Merge keys into a library's conventions (admins; null removes a key)",
    )
    entities = Operation(
        "GET",
        "/library/{id}/entities",
        params=[LIBRARY],
        query=EntityListQuery,
        response=Page[Entity],
        errors=[NotFound, InvalidQuery],
        summary="List a library's entities by canonical name, optionally of one kind",
    )
    create_entity = Operation(
        "POST",
        "/library/{id}/entities",
        params=[LIBRARY],
        body=CreateEntityRequest,
        response=Entity,
        status=201,
        errors=[Forbidden, NotFound, EntityNameTaken, UnknownEntityPrincipal],
        summary="Create an entity (person, tag, project…) with its canonical name and aliases",
    )
    # Before `/entities/{entityId}`: `resolve` is not an entity.
    resolve_entities = Operation(
        "POST",
        "/library/{id}/entities/resolve",
        params=[LIBRARY],
        body=ResolveRequest,
        response=Resolved,
        idempotent=True,
        transaction="read",
        errors=[NotFound],
        summary="Resolve terms to entities by canonical name or alias (case aside)",
    )
    update_entity = Operation(
        "PATCH",
        "/library/{id}/entities/{entityId}",
        params=[LIBRARY, ENTITY],
        body=UpdateEntityRequest,
        response=Entity,
        idempotent=True,
        errors=[Forbidden, NotFound, EntityNameTaken, UnknownEntityPrincipal],
        summary="Change an entity's kind, names, principal, handle or metadata",
    )
    delete_entity = Operation(
        "DELETE",
        "/library/{id}/entities/{entityId}",
        params=[LIBRARY, ENTITY],
        response=Entity,
        errors=[Forbidden, NotFound],
        summary="Delete an entity; its names become free",
    )

    # --- git mirror (admins): configure, push, plan a pull, apply it ---------------------
    configure_git_mirror = Operation(
        "PUT",
        "/library/{id}/git-mirror",
        params=[LIBRARY],
        body=ConfigureGitMirrorRequest,
        response=GitMirror,
        status=201,
        also={200: "An existing mirror, replaced"},
        errors=[Forbidden, NotFound, InvalidGitRemote, InvalidGitBranch, InvalidSshKey],
        summary="Configure the library's git mirror: remote, branch, SSH key (sealed, never "
        "answered)",
    )
    push_git_mirror = Operation(
        "POST",
        "/library/{id}/git-mirror/push",
        params=[LIBRARY],
        response=GitPush,
        errors=[Forbidden, NotFound, *_GIT_ERRORS, GitPushRejected],
        summary="Export the live pages as `<path>.md` files in one commit on the branch, pushed",
    )
    plan_git_pull = Operation(
        "POST",
        "/library/{id}/git-mirror/pull/plan",
        params=[LIBRARY],
        response=GitPullPlan,
        idempotent=True,
        errors=[Forbidden, NotFound, *_GIT_ERRORS, *_PULL_ERRORS],
        summary="Fetch the branch and list the pages a pull would add, change and delete",
    )
    apply_git_pull = Operation(
        "POST",
        "/library/{id}/git-mirror/pull/apply",
        params=[LIBRARY],
        body=ApplyGitPullRequest,
        response=GitPullPlan,
        errors=[Forbidden, NotFound, *_GIT_ERRORS, *_PULL_ERRORS, GitLibraryChanged, ShaMismatch],
        summary="Apply a planned pull in one transaction (409 if the branch or the library "
        "moved since the plan)",
    )
