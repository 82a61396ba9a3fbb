"""Errors of the library, on top of the kernel's tree (`server_core.kernel.errors`):

BadRequest
├── InvalidPagePath          400 invalid_page_path       (absolute, `..`, `//`, NUL, too long)
├── ReservedPagePath         400 reserved_page_path      (last segment names a page route)
├── InvalidFrontmatter       400 invalid_frontmatter     (not YAML, or not JSON-like values)
├── FrontmatterNotMapping    400 frontmatter_not_mapping (a list or a scalar)
├── UnknownCollection        400 unknown_collection
├── PublicReadNotAllowed     400 public_read_not_allowed (the workspace has not opted in)
├── InvalidCollectionSchema  400 invalid_collection_schema
├── SchemaViolation          400 schema_violation        (a page does not fit its collection)
├── InvalidQuery             400 invalid_query
├── VectorSearchUnavailable  400 vector_search_unavailable (no embedding engine configured)
└── UnknownEntityPrincipal   400 unknown_entity_principal  (not of the library's workspace)
Conflict
├── LibrarySlugTaken         409 library_slug_taken
├── AlreadyMember            409 already_member
├── LastOwner                409 last_owner              (a library keeps at least one owner)
├── ShaMismatch              409 sha_mismatch            (`ifMatchSha` is not the current sha)
├── VersionBehind            409 version_behind          (`ifVersionAtLeast` is ahead)
├── PagePathTaken            409 page_path_taken
├── PageNotDeleted           409 page_not_deleted
├── ConventionsChanged       409 conventions_changed     (`ifVersion` is not the current one)
└── EntityNameTaken          409 entity_name_taken       (another entity has that name or alias)
ServiceUnavailable
└── EmbeddingUnavailable     503 embedding_unavailable   (the embedding engine did not answer)

Sync and lint:
BadRequest
├── TooManySyncOperations    400 too_many_sync_operations (a push holds at most 1,000)
├── InvalidSyncCursor        400 invalid_sync_cursor
├── InvalidSyncOperation     400 invalid_sync_operation  (a pushed operation misses a field)
├── LintFailed               400 lint_failed             (a strict push's page has lint errors)
└── InvalidLintRequest       400 invalid_lint_request    (neither or both of path and body)
Conflict
└── ParentShaMismatch        409 parent_sha_mismatch     (`expectedParentSha` is not the parent)
NotFound
└── BinaryFileNotFound       404 binary_file_not_found   (binaryUpsert: no drive file you may read)
Git mirror (`git_mirror.py`):
BadRequest
├── InvalidGitRemote         400 invalid_git_remote      (scheme, password in the URL, local)
├── InvalidGitBranch         400 invalid_git_branch
└── InvalidSshKey            400 invalid_ssh_key         (not base64 of an unencrypted key)
Conflict
├── GitMirrorNotConfigured   409 git_mirror_not_configured
├── GitRemoteMoved           409 git_remote_moved        (the branch is not at the commit seen)
├── GitLibraryChanged        409 git_library_changed     (a page was written since the plan)
└── GitPushRejected          409 git_push_rejected       (the remote refused the update)
Unprocessable (422)
├── GitRemoteUnreachable     422 git_remote_unreachable  (no answer, refused, timed out)
├── GitBranchMissing         422 git_branch_missing      (nothing to pull)
└── GitInvalidFile           422 git_invalid_file        (a remote file is not a valid page)
"""

from __future__ import annotations

from server_core.kernel.errors import (
    ApiError,
    BadRequest,
    Conflict,
    NotFound,
    ServiceUnavailable,
)


class InvalidPagePath(BadRequest):
    code = "invalid_page_path"
    default_message = (
        "A page path is relative and unix-style: segments separated by single slashes, "
        "no '.' or '..' segments, no NUL or control characters"
    )


class ReservedPagePath(BadRequest):
    code = "reserved_page_path"
    default_message = "A page path may not end in a segment that names a page route"


class InvalidFrontmatter(BadRequest):
    code = "invalid_frontmatter"
    default_message = "Front matter is not valid YAML"


class FrontmatterNotMapping(BadRequest):
    code = "frontmatter_not_mapping"
    default_message = "Front matter must be a mapping of keys to values"


class UnknownCollection(BadRequest):
    code = "unknown_collection"
    default_message = "No such collection in this library"


class PublicReadNotAllowed(BadRequest):
    code = "public_read_not_allowed"
    default_message = (
        "Visibility public_read needs settings.allowPublicRead, which a workspace admin turns on"
    )


class LibrarySlugTaken(Conflict):
    code = "library_slug_taken"
    default_message = "Another library of this workspace has that slug"


class AlreadyMember(Conflict):
    code = "already_member"
    default_message = "That principal is already a member of this library: change its role"


class LastOwner(Conflict):
    code = "last_owner"
    default_message = "A library keeps at least one owner: make another member owner first"


class ShaMismatch(Conflict):
    code = "sha_mismatch"
    default_message = "The page has changed since that sha: read it again and retry"


class VersionBehind(Conflict):
    code = "version_behind"
    default_message = "The page is older than the version asked for"


class PagePathTaken(Conflict):
    code = "page_path_taken"
    default_message = "Another page of this library has that path"


class PageNotDeleted(Conflict):
    code = "page_not_deleted"
    default_message = "The page is not deleted"


class InvalidCollectionSchema(BadRequest):
    code = "invalid_collection_schema"
    default_message = "The collection's schema is not valid"


class SchemaViolation(BadRequest):
    code = "schema_violation"
    default_message = "The page's front matter does not fit its collection's schema"


class InvalidQuery(BadRequest):
    code = "invalid_query"
    default_message = "The query is not valid"


class VectorSearchUnavailable(BadRequest):
    code = "vector_search_unavailable"
    default_message = (
        "Semantic search needs an embedding engine, and none is configured on this server: "
        "search without useVector (full text)"
    )


class EmbeddingUnavailable(ServiceUnavailable):
    code = "embedding_unavailable"
    default_message = (
        "The embedding engine did not answer, so semantic search cannot run now: try again "
        "later, or search without useVector (full text)"
    )


class ConventionsChanged(Conflict):
    code = "conventions_changed"
    default_message = "The conventions have changed since that version: read them again"


class UnknownEntityPrincipal(BadRequest):
    code = "unknown_entity_principal"
    default_message = "No principal with that id in the library's workspace"


class EntityNameTaken(Conflict):
    code = "entity_name_taken"
    default_message = "Another entity of this library has that name or alias (case aside)"


# --- sync and lint ------------------------------------------------------------------------


class TooManySyncOperations(BadRequest):
    code = "too_many_sync_operations"
    default_message = "A push holds at most 1000 operations: split it"


class InvalidSyncCursor(BadRequest):
    code = "invalid_sync_cursor"
    default_message = "That cursor is not one a pull gave: pull again with your syncClock"


class InvalidSyncOperation(BadRequest):
    code = "invalid_sync_operation"
    default_message = "The operation misses a field its kind needs"


class BinaryFileNotFound(NotFound):
    code = "binary_file_not_found"
    default_message = "No such file in the drive that you may read"


class ParentShaMismatch(Conflict):
    code = "parent_sha_mismatch"
    default_message = "The page's current revision does not have that parent sha"


class LintFailed(BadRequest):
    code = "lint_failed"
    default_message = "The page has lint errors; fix them, or push with another lintMode"


class InvalidLintRequest(BadRequest):
    code = "invalid_lint_request"
    default_message = "Give either a page `path` or a `body` to lint"


# --- git mirror ---------------------------------------------------------------------------


class InvalidGitRemote(BadRequest):
    code = "invalid_git_remote"
    default_message = (
        "A remote is an ssh://, user@host:path, https:// or (where allowed) file:// or local "
        "path, with no password in it"
    )


class InvalidGitBranch(BadRequest):
    code = "invalid_git_branch"
    default_message = "Not a valid git branch name"


class InvalidSshKey(BadRequest):
    code = "invalid_ssh_key"
    default_message = "sshKey is the base64 of a private key (OpenSSH or PEM) with no passphrase"


class GitMirrorNotConfigured(Conflict):
    code = "git_mirror_not_configured"
    default_message = "This library has no git mirror: configure one with PUT …/git-mirror"


class GitRemoteMoved(Conflict):
    code = "git_remote_moved"
    default_message = "The remote branch moved since it was read: plan the pull again"


class GitLibraryChanged(Conflict):
    code = "git_library_changed"
    default_message = "The library changed since the plan was made: plan the pull again"


class GitPushRejected(Conflict):
    code = "git_push_rejected"
    default_message = "The remote refused the push"


class Unprocessable(ApiError):
    status = 422
    code = "unprocessable"
    default_message = "The request cannot be carried out"


class GitRemoteUnreachable(Unprocessable):
    code = "git_remote_unreachable"
    default_message = "The git remote cannot be reached; nothing was changed"


class GitBranchMissing(Unprocessable):
    code = "git_branch_missing"
    default_message = "The remote has no such branch: push to it first"


class GitInvalidFile(Unprocessable):
    code = "git_invalid_file"
    default_message = "A file of the remote branch is not a valid page"
