"""Wire models of `/library`: libraries with their stats and settings, members, pages, their
revisions and backlinks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, check_json_object, no_nul

Visibility = Literal["private", "team", "workspace", "public_read"]
OwnerKind = Literal["human", "agent", "team", "workspace"]
Role = Literal["owner", "admin", "editor", "viewer", "guest_lease"]
Operation = Literal["create", "edit", "append", "rename", "delete", "restore"]

MAX_FRONTMATTER_BYTES = 65_536
MAX_BODY_CHARS = 1_000_000
DEFAULT_PAGE_LIST = 50
MAX_PAGE_LIST = 500


def _check_frontmatter(value: dict[str, Any]) -> dict[str, Any]:
    return check_json_object(value, MAX_FRONTMATTER_BYTES)


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]
Slug = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$"
    ),
]
Description = Annotated[str, StringConstraints(max_length=5000), AfterValidator(no_nul)]
Icon = Annotated[str, StringConstraints(max_length=64), AfterValidator(no_nul)]
Color = Annotated[str, StringConstraints(max_length=32), AfterValidator(no_nul)]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(no_nul),
]
Body = Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS), AfterValidator(no_nul)]
Raw = Annotated[
    str,
    StringConstraints(max_length=MAX_BODY_CHARS + MAX_FRONTMATTER_BYTES),
    AfterValidator(no_nul),
]
Frontmatter = Annotated[dict[str, Any], AfterValidator(_check_frontmatter)]
Sha = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
PagePath = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


# --- libraries ----------------------------------------------------------------------------


class LibrarySettings(WireModel):
    allow_public_read: bool = Field(
        default=False,
        description="The workspace's opt-in to `public_read` (a workspace admin turns it on)",
    )


class LibraryStats(WireModel):
    page_count: int
    collection_count: int
    size_bytes: int


class Library(WireModel):
    id: str
    workspace_id: str
    name: str
    slug: str
    description: str | None
    icon: str | None
    color: str | None
    owner_kind: OwnerKind
    owner_id: str
    visibility: Visibility
    settings: LibrarySettings
    stats: LibraryStats
    role: Role = Field(description="The caller's role in this library")
    created_at: Timestamp
    updated_at: Timestamp


class CreateLibraryRequest(RequestModel):
    name: Name
    slug: Slug | None = Field(default=None, description="Default: made from the name")
    description: Description | None = None
    icon: Icon | None = None
    color: Color | None = None
    owner_kind: OwnerKind | None = Field(
        default=None, description="Default: the caller's kind (human or agent)"
    )
    visibility: Visibility = "private"
    settings: LibrarySettings | None = None
    defaults: bool = Field(default=False, description="Create the well-known collections")


class UpdateLibraryRequest(RequestModel):
    name: Name | None = None
    slug: Slug | None = None
    description: Description | None = None
    icon: Icon | None = None
    color: Color | None = None
    visibility: Visibility | None = None
    settings: LibrarySettings | None = None


# --- members ------------------------------------------------------------------------------


class Member(WireModel):
    principal_id: str
    role: Role
    handle: str
    display_name: str
    kind: str
    added_by: str | None
    created_at: Timestamp
    updated_at: Timestamp


class AddMemberRequest(RequestModel):
    principal_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    role: Role = "viewer"


class UpdateMemberRequest(RequestModel):
    role: Role


# --- pages --------------------------------------------------------------------------------


class PageSummary(WireModel):
    id: str
    path: str
    title: str
    collection: str | None
    sha: str
    version: int
    frontmatter: dict[str, Any]
    created_at: Timestamp
    updated_at: Timestamp


class BinaryContent(WireModel):
    """The drive file a binary page's content is."""

    file_id: str
    content_type: str | None = Field(description="Null once the drive has deleted the file")
    size_bytes: int | None = Field(description="Null once the drive has deleted the file")
    download_url: str | None = Field(
        description="A signed link to the bytes, valid for the drive's link lifetime; null once "
        "the drive has deleted the file"
    )


class LibraryPage(PageSummary):
    body: str
    binary: BinaryContent | None = Field(
        default=None,
        description="Set on a binary page (its content is this drive file; `body` is empty)",
    )


class PageListQuery(RequestModel):
    collection: Annotated[str, AfterValidator(no_nul)] | None = Field(default=None, max_length=100)
    prefix: Annotated[str, AfterValidator(no_nul)] | None = Field(default=None, max_length=1024)
    limit: int = Field(default=DEFAULT_PAGE_LIST, ge=1, le=MAX_PAGE_LIST)
    cursor: Annotated[str, AfterValidator(no_nul)] | None = Field(
        default=None, max_length=1024, description="Path to start after"
    )


class PutPageRequest(RequestModel):
    """Create or overwrite. Fields left out keep their current values on an overwrite; `raw`
    (YAML front matter and markdown, as a file holds them) replaces title, collection,
    front matter and body at once."""

    title: Title | None = None
    collection: Slug | None = None
    frontmatter: Frontmatter | None = None
    body: Body | None = None
    raw: Raw | None = None
    if_match_sha: Sha | None = Field(default=None, description="409 unless the page has this sha")


class PatchPageRequest(RequestModel):
    """Only what is given changes; `frontmatter` is merged key by key (null removes a key)."""

    title: Title | None = None
    collection: Slug | None = None
    frontmatter: Frontmatter | None = None
    body: Body | None = None
    if_match_sha: Sha | None = Field(default=None, description="409 unless the page has this sha")


class RenamePageRequest(RequestModel):
    new_path: PagePath
    if_match_sha: Sha | None = None


class AppendBlockRequest(RequestModel):
    append_under: Annotated[
        list[
            Annotated[
                str,
                StringConstraints(
                    strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]*$"
                ),
            ]
        ],
        Field(max_length=6, description="Heading path, outermost first; missing ones are created"),
    ] = Field(default_factory=list)
    content: Annotated[
        str, StringConstraints(min_length=1, max_length=100_000), AfterValidator(no_nul)
    ]
    if_version_at_least: int | None = Field(default=None, ge=0)


class Revision(WireModel):
    sha: str
    parent_sha: str | None
    version: int
    author: str = Field(description="Handle of the principal who wrote it")
    author_id: str
    operation: Operation
    path: str
    binary_file_id: str | None = Field(
        default=None, description="The drive file of a binary page's revision (null: text)"
    )
    created_at: Timestamp


class HistoryQuery(RequestModel):
    limit: int = Field(default=100, ge=1, le=1000)


class Backlink(WireModel):
    page_id: str
    path: str
    title: str


# --- collections --------------------------------------------------------------------------

FieldType = Literal["string", "number", "integer", "boolean", "date", "enum", "pageRef", "array"]
FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")]


class FieldSpec(WireModel):
    """One front matter field of a collection's schema."""

    type: FieldType
    required: bool = False
    values: list[Annotated[str, StringConstraints(max_length=200)]] | None = Field(
        default=None, max_length=200, description="The allowed values of an enum"
    )
    default: Any = Field(default=None, description="Filled in when a page leaves the field out")
    items: FieldType | None = Field(default=None, description="The type of an array's items")


class ViewSort(WireModel):
    field: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    direction: Literal["asc", "desc"] = "asc"


class CollectionView(WireModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    kind: Literal["board", "table", "gallery"]
    group_by: str | None = Field(default=None, max_length=100)
    sort: list[ViewSort] = Field(default_factory=list, max_length=10)


class Collection(WireModel):
    slug: str
    name: str
    description: str | None
    schema_: dict[str, FieldSpec] | None = Field(alias="schema")
    views: list[CollectionView]
    page_count: int
    created_at: Timestamp
    updated_at: Timestamp


def _check_json(value: Any) -> Any:
    check_json_object({"value": value}, MAX_FRONTMATTER_BYTES)
    return value


class PutCollectionRequest(RequestModel):
    name: Name | None = Field(default=None, description="Default: the slug")
    description: Description | None = None
    schema_: Annotated[dict[FieldName, FieldSpec], Field(max_length=100)] | None = Field(
        default=None, alias="schema", description="Field types; none for a plain folder"
    )
    views: Annotated[list[CollectionView], Field(max_length=20)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _storable(self) -> PutCollectionRequest:
        _check_json(self.model_dump(mode="json"))
        return self


COLLECTION = Annotated[str, StringConstraints(max_length=100)]
Scalar = str | int | float | bool | None


class OrderBy(WireModel):
    field: FieldName
    direction: Literal["asc", "desc"] = "asc"


class CollectionQuery(RequestModel):
    """`where`: a field's value, or operators `gt`, `gte`, `lt`, `lte`, `in`, `contains`
    (an array holding the value, or a string holding it, case aside)."""

    where: Annotated[
        dict[FieldName, Scalar | dict[str, Any]], Field(max_length=20), AfterValidator(_check_json)
    ] = Field(default_factory=dict)
    order_by: OrderBy | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE_LIST)
    cursor: str | None = Field(default=None, max_length=200)


class QueryResult(WireModel):
    pages: list[PageSummary]
    cursor: str | None
