"""Wire models of a library's knowledge tools: full-text search (one library or all those the
caller reads) and its index metrics; the conventions document."""

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
        default=False, description="Semantic search: not available on this server (400)"
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
