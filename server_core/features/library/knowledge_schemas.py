"""Wire models of a library's knowledge tools: full-text search (one library or all those the
caller reads) and its index metrics."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

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
