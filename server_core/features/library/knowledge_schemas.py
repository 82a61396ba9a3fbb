"""Wire models of a library's knowledge tools: full-text search (one library or all those the
caller reads) and its index metrics; the conventions document; entities and resolving names to
them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import (
    RequestModel,
    Timestamp,
    WireModel,
    check_json_object,
    no_nul,
)

MAX_SEARCH_RESULTS = 100
MAX_SEARCH_OFFSET = 10_000

SearchText = Annotated[
    str, StringConstraints(min_length=1, max_length=1000), AfterValidator(no_nul)
]


class SearchRequest(RequestModel):
    query: SearchText = Field(
        description="Words to find; every one must match, the last also as a prefix"
    )
    limit: int = Field(default=20, ge=1, le=MAX_SEARCH_RESULTS)
    offset: int = Field(default=0, ge=0, le=MAX_SEARCH_OFFSET)
    use_vector: bool = Field(
        default=False,
        description="Semantic search too: the pages nearest the query's meaning, fused with the "
        "full-text ranking (400 vector_search_unavailable when the server has no embedding "
        "engine)",
    )


class SearchResult(WireModel):
    page_id: str
    path: str
    title: str
    collection: str | None
    snippet: str | None = Field(
        description="HTML: the body's text around the match, escaped, the words found in "
        "<mark>…</mark>"
    )
    score: float = Field(description="Higher is better; title matches weigh more than body")


class SearchResults(WireModel):
    results: list[SearchResult]
    total: int = Field(description="How many live pages match")


class FederatedSearchRequest(RequestModel):
    query: SearchText
    limit: int = Field(default=20, ge=1, le=MAX_SEARCH_RESULTS)
    per_library_limit: int = Field(default=5, ge=1, le=MAX_SEARCH_RESULTS)


class FederatedResult(SearchResult):
    library_id: str
    library_slug: str
    library_name: str


class FederatedResults(WireModel):
    results: list[FederatedResult]
    total: int = Field(description="How many live pages match, in all the libraries searched")
    libraries_searched: int


class SearchMetrics(WireModel):
    engine: Literal["postgresql", "sqlite"]
    document_count: int = Field(description="Live pages in the index")
    indexed_bytes: int = Field(description="UTF-8 bytes of the titles and bodies indexed")
    last_indexed_at: Timestamp | None = Field(
        description="When the latest page write reached the index (it is kept in step with "
        "every write, in the same transaction)"
    )
    vector: bool = Field(description="Whether semantic search is available")
    embedded_count: int | None = Field(
        default=None,
        description="Live pages with an embedding of the configured model (null when semantic "
        "search is off)",
    )


# --- conventions --------------------------------------------------------------------------

MAX_CONVENTIONS_BYTES = 65_536


def _check_conventions(value: dict[str, Any]) -> dict[str, Any]:
    return check_json_object(value, MAX_CONVENTIONS_BYTES)


ConventionsDocument = Annotated[
    dict[Annotated[str, StringConstraints(min_length=1, max_length=200)], Any],
    Field(max_length=500),
    AfterValidator(_check_conventions),
]


class Conventions(WireModel):
    conventions: dict[str, Any] = Field(
        description="Free JSON document (e.g. dateFormat, tagCase, requiredFrontmatter)"
    )
    version: int = Field(description="Counts the document's changes; 0 before the first")
    updated_at: Timestamp | None
    updated_by: str | None = Field(description="Principal id of the last writer")


class PutConventionsRequest(RequestModel):
    """Replace the whole document."""

    conventions: ConventionsDocument
    if_version: int | None = Field(
        default=None, ge=0, description="409 unless the document is at this version"
    )


class PatchConventionsRequest(RequestModel):
    """Merge top-level keys: each given key is set, a null value removes the key."""

    conventions: ConventionsDocument
    if_version: int | None = Field(
        default=None, ge=0, description="409 unless the document is at this version"
    )


# --- entities -----------------------------------------------------------------------------

EntityKind = Literal["person", "tag", "project", "team", "place", "concept"]
EntityName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]
Handle = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"),
]
PrincipalRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Aliases = Annotated[list[EntityName], Field(max_length=100)]
Metadata = Annotated[dict[str, Any], AfterValidator(_check_conventions)]
DEFAULT_ENTITY_LIST = 100
MAX_ENTITY_LIST = 500


class Entity(WireModel):
    id: str
    kind: EntityKind
    canonical_name: str
    aliases: list[str]
    principal_id: str | None
    handle: str | None
    metadata: dict[str, Any]
    created_at: Timestamp
    updated_at: Timestamp


class CreateEntityRequest(RequestModel):
    kind: EntityKind
    canonical_name: EntityName
    aliases: Aliases = Field(default_factory=list)
    principal_id: PrincipalRef | None = Field(
        default=None, description="A principal of the library's workspace this entity is"
    )
    handle: Handle | None = None
    metadata: Metadata = Field(default_factory=dict)


class UpdateEntityRequest(RequestModel):
    """Only what is given changes; `aliases` and `metadata` are replaced whole, and
    `principalId` or `handle` given as null are cleared."""

    kind: EntityKind | None = None
    canonical_name: EntityName | None = None
    aliases: Aliases | None = None
    principal_id: PrincipalRef | None = None
    handle: Handle | None = None
    metadata: Metadata | None = None


class EntityListQuery(RequestModel):
    kind: EntityKind | None = None
    limit: int = Field(default=DEFAULT_ENTITY_LIST, ge=1, le=MAX_ENTITY_LIST)
    cursor: Annotated[str, StringConstraints(max_length=64), AfterValidator(no_nul)] | None = Field(
        default=None, description="Entity id to start after"
    )


class ResolveRequest(RequestModel):
    terms: Annotated[
        list[
            Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(no_nul)]
        ],
        Field(min_length=1, max_length=100),
    ]


class ResolvedEntity(WireModel):
    entity_id: str
    canonical_name: str
    kind: EntityKind


class Resolved(WireModel):
    resolved: dict[str, ResolvedEntity | None] = Field(
        description="Each term as sent: the entity whose canonical name or alias it is (case "
        "aside), or null"
    )
