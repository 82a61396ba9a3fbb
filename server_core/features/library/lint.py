"""Lint: `POST …/lint` (a page, or markdown not written yet), `POST …/lint/batch` (a
collection's pages or a list of paths) and `GET …/lint/health` (every live page, findings
counted by rule and severity). The rules are in `lint_rules.py`; here they get the library's
conventions and what its pages' links name (entities, live pages), in a few queries per call.
Readers may lint. Nothing is stored: health lints the pages when asked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library import lint_rules
from server_core.features.library.access import LibraryAccess, access_library
from server_core.features.library.content import split_raw
from server_core.features.library.entities import name_key
from server_core.features.library.errors import (
    FrontmatterNotMapping,
    InvalidFrontmatter,
    InvalidLintRequest,
)
from server_core.features.library.lint_schemas import (
    SEVERITIES,
    BatchLintRequest,
    BatchLintResult,
    LintFinding,
    LintHealth,
    LintRequest,
    LintResult,
    PageFindings,
    Severity,
)
from server_core.features.library.pages import access_page, default_title
from server_core.features.library.paths import normalise_path
from server_core.features.library.tables import (
    library_conventions,
    library_entities,
    library_entity_names,
    library_pages,
)
from server_core.kernel.auth import Caller

_CHUNK = 500


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _conventions(conn: Connection, library_id: str) -> dict[str, Any]:
    document = conn.execute(
        sa.select(library_conventions.c.document).where(
            library_conventions.c.library_id == library_id
        )
    ).scalar()
    return dict(document or {})


def _library(
    conn: Connection, library_id: str, targets: set[str], conventions: dict[str, Any]
) -> lint_rules.Library:
    """What the rules need to know of the library about these link targets."""
    library = lint_rules.Library(conventions=conventions)
    person_link = conventions.get("personLinkFormat")
    keys: dict[str, list[str]] = {}
    for target in targets:
        keys.setdefault(name_key(target), []).append(target)
    names, entities = library_entity_names, library_entities
    for chunk in _chunks(sorted(keys)):
        rows = conn.execute(
            sa.select(
                names.c.name_key, entities.c.kind, entities.c.canonical_name, entities.c.handle
            )
            .join(entities, entities.c.id == names.c.entity_id)
            .where(names.c.library_id == library_id, names.c.name_key.in_(chunk))
        ).mappings()
        for row in rows:
            link = f"[[{row['canonical_name']}]]"
            if row["kind"] == "person" and row["handle"] and isinstance(person_link, str):
                link = person_link.replace("{handle}", row["handle"])
            for target in keys[row["name_key"]]:
                library.entities[target] = lint_rules.Entity(link)
    lowered = {target.lower(): target for target in targets}
    for chunk in _chunks(sorted(targets)):
        found = conn.execute(
            sa.select(library_pages.c.path).where(
                library_pages.c.library_id == library_id,
                library_pages.c.deleted_at.is_(None),
                library_pages.c.path.in_(chunk),
            )
        ).scalars()
        library.existing.update(found)
    for chunk in _chunks(sorted(lowered)):
        found = conn.execute(
            sa.select(sa.func.lower(library_pages.c.title)).where(
                library_pages.c.library_id == library_id,
                library_pages.c.deleted_at.is_(None),
                sa.func.lower(library_pages.c.title).in_(chunk),
            )
        ).scalars()
        library.existing.update(lowered[title] for title in found if title in lowered)
    return library


def _parse(raw: str) -> tuple[lint_rules.Text, list[LintFinding], str]:
    """The text as a page (its front matter read), findings about its front matter block,
    and the text before the body (kept as is by autoFix)."""
    try:
        frontmatter, body = split_raw(raw)
    except (InvalidFrontmatter, FrontmatterNotMapping) as error:
        finding = LintFinding(
            rule="invalid-frontmatter", severity="error", message=error.message, line=1
        )
        return lint_rules.Text(default_title("untitled", raw), {}, raw), [finding], ""
    text = raw.removeprefix("\ufeff")
    head = text[: len(text) - len(body)]
    title = frontmatter.pop("title", None)
    frontmatter.pop("collection", None)
    if not isinstance(title, str) or not title.strip():
        title = default_title("untitled", body)
    return lint_rules.Text(title, frontmatter, body, head.count("\n")), [], head


def _page_text(page: RowMapping) -> lint_rules.Text:
    return lint_rules.Text(page["title"], dict(page["frontmatter"]), page["body"])


def lint_text(conn: Connection, access: LibraryAccess, raw: str) -> list[LintFinding]:
    """The findings of a page given as a file (a push's upsert)."""
    text, found, _ = _parse(raw)
    library = _library(
        conn, access.id, lint_rules.link_targets(text.body), _conventions(conn, access.id)
    )
    return found + lint_rules.check(text, library)[0]


def lint_page(
    conn: Connection, *, caller: Caller, library_id: str, request: LintRequest
) -> LintResult:
    access = access_library(conn, caller, library_id, "read")
    if (request.path is None) == (request.body is None):
        raise InvalidLintRequest(
            "Give either `path` (a page of the library) or `body` (markdown), not "
            + ("both" if request.path is not None else "neither")
        )
    conventions = _conventions(conn, access.id)
    if request.path is not None:
        page = access_page(conn, access, normalise_path(request.path))
        text = _page_text(page)
        library = _library(conn, access.id, lint_rules.link_targets(text.body), conventions)
        findings, fixed = lint_rules.check(text, library)
        return LintResult(
            page_id=page["id"], path=page["path"], findings=findings,
            fixed_body=fixed if request.auto_fix else None,
        )  # fmt: skip
    assert request.body is not None
    text, found, head = _parse(request.body)
    library = _library(conn, access.id, lint_rules.link_targets(text.body), conventions)
    findings, fixed = lint_rules.check(text, library)
    return LintResult(
        findings=found + findings, fixed_body=head + fixed if request.auto_fix else None
    )


def _lint_pages(
    conn: Connection, library_id: str, pages: Sequence[RowMapping], conventions: dict[str, Any]
) -> list[PageFindings]:
    texts = [_page_text(page) for page in pages]
    targets = set().union(*(lint_rules.link_targets(text.body) for text in texts))
    library = _library(conn, library_id, targets, conventions)
    return [
        PageFindings(
            page_id=page["id"], path=page["path"], findings=lint_rules.check(text, library)[0]
        )
        for page, text in zip(pages, texts, strict=True)
    ]


def _live(library_id: str) -> sa.Select[Any]:
    return sa.select(library_pages).where(
        library_pages.c.library_id == library_id,
        library_pages.c.deleted_at.is_(None),
        library_pages.c.binary_file_id.is_(None),
    )


def _totals(results: Iterable[PageFindings]) -> dict[Severity, int]:
    totals: dict[Severity, int] = dict.fromkeys(SEVERITIES, 0)
    for result in results:
        for finding in result.findings:
            totals[finding.severity] += 1
    return totals


def lint_batch(
    conn: Connection, *, caller: Caller, library_id: str, request: BatchLintRequest
) -> BatchLintResult:
    access = access_library(conn, caller, library_id, "read")
    if (request.collection is None) == (request.paths is None):
        raise InvalidLintRequest("Give either `collection` or `paths`, not both or neither")
    conventions = _conventions(conn, access.id)
    missing: list[str] = []
    has_more = False
    if request.paths is not None:
        wanted = list(dict.fromkeys(normalise_path(path) for path in request.paths))
        rows = (
            conn.execute(
                _live(access.id)
                .where(library_pages.c.path.in_(wanted))
                .order_by(library_pages.c.path)
            )
            .mappings()
            .all()
        )
        found = {row["path"] for row in rows}
        missing = [path for path in wanted if path not in found]
    else:
        select = _live(access.id).where(library_pages.c.collection == request.collection)
        if request.cursor is not None:
            select = select.where(library_pages.c.path > request.cursor)
        rows = (
            conn.execute(select.order_by(library_pages.c.path).limit(request.limit + 1))
            .mappings()
            .all()
        )
        has_more = len(rows) > request.limit
        rows = rows[: request.limit]
    results = _lint_pages(conn, access.id, rows, conventions)
    cursor = rows[-1]["path"] if has_more else None
    return BatchLintResult(
        results=results, missing=missing, totals=_totals(results), cursor=cursor, has_more=has_more
    )


def lint_health(conn: Connection, *, caller: Caller, library_id: str) -> LintHealth:
    """Every live page linted, the findings counted by rule and severity."""
    access = access_library(conn, caller, library_id, "read")
    conventions = _conventions(conn, access.id)
    by_rule: dict[str, dict[Severity, int]] = {}
    totals: dict[Severity, int] = dict.fromkeys(SEVERITIES, 0)
    count, after = 0, ""
    while True:
        rows = (
            conn.execute(
                _live(access.id)
                .where(library_pages.c.path > after)
                .order_by(library_pages.c.path)
                .limit(_CHUNK)
            )
            .mappings()
            .all()
        )
        if not rows:
            break
        for result in _lint_pages(conn, access.id, rows, conventions):
            for finding in result.findings:
                counts = by_rule.setdefault(finding.rule, {})
                counts[finding.severity] = counts.get(finding.severity, 0) + 1
                totals[finding.severity] += 1
        count += len(rows)
        after = rows[-1]["path"]
    return LintHealth(by_rule=dict(sorted(by_rule.items())), totals=totals, page_count=count)
