"""Wire models of a library's lint: one page or a markdown text, a batch of pages, and the
findings of the whole library by rule and severity."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.features.library.schemas import PagePath, Raw
from server_core.kernel.wire import RequestModel, WireModel, no_nul

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
MAX_BATCH_PATHS = 200
DEFAULT_BATCH_LIMIT = 100
MAX_BATCH_LIMIT = 500


class LintFix(WireModel):
    old: str
    new: str


class LintFinding(WireModel):
    rule: str = Field(description="e.g. tag-case, entity-alias, missing-frontmatter")
    severity: Severity
    message: str
    line: int | None = Field(default=None, description="1-based line of the text linted")
    fix: LintFix | None = Field(default=None, description="What autoFix changes")


class LintRequest(RequestModel):
    path: PagePath | None = Field(default=None, description="A page of the library")
    body: Raw | None = Field(
        default=None, description="Markdown to lint before writing it (front matter allowed)"
    )
    auto_fix: bool = Field(default=False, description="Answer `fixedBody` with the fixes made")


class LintResult(WireModel):
    page_id: str | None = None
    path: str | None = None
    findings: list[LintFinding]
    fixed_body: str | None = Field(
        default=None, description="With autoFix: the body with every fixable finding fixed"
    )


class BatchLintRequest(RequestModel):
    collection: Annotated[str, StringConstraints(max_length=100), AfterValidator(no_nul)] | None = (
        Field(default=None, description="Every live page of this collection")
    )
    paths: (
        Annotated[list[Annotated[str, AfterValidator(no_nul)]], Field(max_length=MAX_BATCH_PATHS)]
        | None
    ) = Field(default=None, description=f"These pages (at most {MAX_BATCH_PATHS})")
    limit: int = Field(default=DEFAULT_BATCH_LIMIT, ge=1, le=MAX_BATCH_LIMIT)
    cursor: Annotated[str, StringConstraints(max_length=1024), AfterValidator(no_nul)] | None = (
        Field(default=None, description="The `cursor` of the previous answer (collection only)")
    )


class PageFindings(WireModel):
    page_id: str
    path: str
    findings: list[LintFinding]


class BatchLintResult(WireModel):
    results: list[PageFindings]
    missing: list[str] = Field(description="Paths given that name no live page")
    totals: dict[Severity, int]
    cursor: str | None
    has_more: bool


class LintHealth(WireModel):
    by_rule: dict[str, dict[Severity, int]]
    totals: dict[Severity, int]
    page_count: int = Field(description="Live pages linted")
