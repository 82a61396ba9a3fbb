"""Collection schemas: checking a schema when it is written, and a page's front matter against
its collection's schema on every write (defaults filled in, the title checked as the `title`
field). Fields the schema does not name are free."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.library.content import Content
from server_core.features.library.errors import (
    InvalidCollectionSchema,
    SchemaViolation,
    UnknownCollection,
)
from server_core.features.library.schemas import FieldSpec
from server_core.features.library.tables import library_collections

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$")


def check_schema(schema: dict[str, FieldSpec]) -> None:
    problems = []
    for name, spec in schema.items():
        if spec.type == "enum" and not spec.values:
            problems.append({"field": name, "message": "an enum lists its `values`"})
        if spec.items in ("array", "enum"):
            problems.append({"field": name, "message": "array items are scalars or page refs"})
        if spec.default is not None and _problem(spec, spec.default) is not None:
            problems.append({"field": name, "message": "the default does not fit the type"})
    if problems:
        raise InvalidCollectionSchema(details=problems)


def _scalar_problem(kind: str, value: Any, spec: FieldSpec | None = None) -> str | None:
    if kind in ("string", "pageRef") and not isinstance(value, str):
        return f"must be a {'page path' if kind == 'pageRef' else 'string'}"
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "must be a number"
    if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return "must be an integer"
    if kind == "boolean" and not isinstance(value, bool):
        return "must be true or false"
    if kind == "date" and not (isinstance(value, str) and _DATE.match(value)):
        return "must be a date (YYYY-MM-DD, optionally with a time)"
    if kind == "enum" and spec is not None and value not in (spec.values or []):
        return f"must be one of {', '.join(spec.values or [])}"
    return None


def _problem(spec: FieldSpec, value: Any) -> str | None:
    if spec.type != "array":
        return _scalar_problem(spec.type, value, spec)
    if not isinstance(value, list):
        return "must be a list"
    for item in value:
        found = _scalar_problem(spec.items, item) if spec.items else None
        if found is not None:
            return f"items {found}"
    return None


def conform(conn: Connection, library_id: str, content: Content) -> Content:
    """The content with its collection's defaults filled in; 400 when the collection does
    not exist or the front matter does not fit its schema."""
    if content.collection is None:
        return content
    schema = conn.execute(
        sa.select(library_collections.c.schema).where(
            library_collections.c.library_id == library_id,
            library_collections.c.slug == content.collection,
            library_collections.c.deleted_at.is_(None),
        )
    ).first()
    if schema is None:
        raise UnknownCollection(f"No collection '{content.collection}' in this library")
    if not schema[0]:
        return content
    frontmatter = dict(content.frontmatter)
    problems = []
    for name, raw_spec in schema[0].items():
        spec = FieldSpec.model_validate(raw_spec)
        value = content.title if name == "title" else frontmatter.get(name)
        if value is None and spec.default is not None and name != "title":
            frontmatter[name] = value = spec.default
        if value is None:
            if spec.required:
                problems.append({"field": name, "message": "is required"})
            continue
        found = _problem(spec, value)
        if found is not None:
            problems.append({"field": name, "message": found})
    if problems:
        listed = "; ".join(f"{p['field']} {p['message']}" for p in problems)
        raise SchemaViolation(
            f"The page does not fit the '{content.collection}' schema: {listed}",
            details=problems,
        )
    return replace(content, frontmatter=frontmatter)
