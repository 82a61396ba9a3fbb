"""The typed query of a collection, translated to SQL on either engine.

A front matter value is read as a string, a number or a boolean only when its JSON type is
that one (`json_type` on SQLite, `jsonb_typeof` on PostgreSQL): a value of another type reads
as NULL and matches nothing, so both engines answer the same (PostgreSQL would otherwise fail
to cast, and SQLite compare numbers with strings). The kind is chosen by the value compared
with, or for ordering by the schema's type. `contains` is array membership for an array
field, a substring (case aside) for a string field, either for a field the schema leaves
out. `title`, `path`, `createdAt` and `updatedAt` are the page's own columns.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any, Literal

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from server_core.features.library.errors import InvalidQuery
from server_core.features.library.schemas import CollectionQuery, FieldSpec
from server_core.features.library.tables import library_pages
from server_core.kernel.clock import as_utc

Kind = Literal["string", "number", "boolean"]
OPERATORS = ("gt", "gte", "lt", "lte", "in", "contains")
COLUMNS: dict[str, Any] = {
    "title": library_pages.c.title,
    "path": library_pages.c.path,
    "createdAt": library_pages.c.created_at,
    "updatedAt": library_pages.c.updated_at,
}
_SQLITE_TYPES = {"string": ("text",), "number": ("integer", "real"), "boolean": ("true", "false")}
_PG_CASTS = {"number": sa.Float, "boolean": sa.Boolean}

fm = library_pages.c.frontmatter


def _kind_of(value: Any, field: str) -> Kind:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    raise InvalidQuery(f"'{field}': compare with a string, a number or a boolean")


def typed(conn: Connection, field: str, kind: Kind) -> ColumnElement[Any]:
    """The field's value when its JSON type is `kind`, else NULL."""
    if conn.dialect.name == "postgresql":
        element = fm.op("->")(sa.literal(field))
        text = fm.op("->>")(sa.literal(field))
        json_kind = {"string": "string", "number": "number", "boolean": "boolean"}[kind]
        value: Any = text if kind == "string" else sa.cast(text, _PG_CASTS[kind])
        return sa.case((sa.func.jsonb_typeof(element) == json_kind, value), else_=sa.null())
    path = f'$."{field}"'
    return sa.case(
        (sa.func.json_type(fm, path).in_(_SQLITE_TYPES[kind]), sa.func.json_extract(fm, path)),
        else_=sa.null(),
    )


def _array_holds(conn: Connection, field: str, value: Any) -> ColumnElement[bool]:
    if conn.dialect.name == "postgresql":
        element = fm.op("->")(sa.literal(field))
        wanted = sa.bindparam(None, [value], type_=JSONB)
        return sa.and_(sa.func.jsonb_typeof(element) == "array", element.op("@>")(wanted))
    items = sa.func.json_each(fm, f'$."{field}"').table_valued("value", "type")
    kind = _kind_of(value, field)
    return sa.and_(
        sa.func.json_type(fm, f'$."{field}"') == "array",
        sa.exists(
            sa.select(sa.literal(1))
            .select_from(items)
            .where(items.c.type.in_(_SQLITE_TYPES[kind]), items.c.value == value)
        ),
    )


def _substring(conn: Connection, field: str, value: str) -> ColumnElement[bool]:
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    text = sa.func.lower(typed(conn, field, "string"))
    return text.like(f"%{escaped}%", escape="\\")


def _compare(
    conn: Connection, field: str, op: str, value: Any, spec: FieldSpec | None
) -> ColumnElement[bool]:
    if op == "contains":
        if not isinstance(value, str | int | float | bool):
            raise InvalidQuery(f"'{field}': contains takes a string, a number or a boolean")
        kind = spec.type if spec is not None else None
        if kind == "array" or not isinstance(value, str):
            return _array_holds(conn, field, value)
        if kind is not None:
            return _substring(conn, field, value)
        return sa.or_(_array_holds(conn, field, value), _substring(conn, field, value))
    if op == "in":
        if not isinstance(value, list) or not value or len(value) > 100:
            raise InvalidQuery(f"'{field}': in takes a list of 1 to 100 values")
        kinds = {_kind_of(item, field) for item in value}
        if len(kinds) != 1:
            raise InvalidQuery(f"'{field}': the values of in are all of one type")
        kind = kinds.pop()
        if field in COLUMNS:
            value = [_column_value(field, item) for item in value]
        elif kind == "number":
            value = [float(item) for item in value]
        return _side(conn, field, kind).in_(value)
    kind = _kind_of(value, field)
    side: ColumnElement[Any] = _side(conn, field, kind)
    if field in COLUMNS:
        value = _column_value(field, value)
    elif kind == "number":
        value = float(value)  # compared as double precision on PostgreSQL
    compared: dict[str, ColumnElement[bool]] = {
        "eq": side == value,
        "gt": side > value,
        "gte": side >= value,
        "lt": side < value,
        "lte": side <= value,
    }
    return compared[op]


def _missing(conn: Connection, field: str) -> ColumnElement[bool]:
    """The field is left out, or null."""
    if conn.dialect.name == "postgresql":
        json_type = sa.func.jsonb_typeof(fm.op("->")(sa.literal(field)))
    else:
        json_type = sa.func.json_type(fm, f'$."{field}"')
    return sa.or_(json_type.is_(None), json_type == "null")


def _column_value(field: str, value: Any) -> Any:
    """A value compared with a page's own column: timestamps parsed, the rest strings."""
    if not isinstance(value, str):
        raise InvalidQuery(f"'{field}': compare with a string")
    if field not in ("createdAt", "updatedAt"):
        return value
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidQuery(f"'{field}': compare with an ISO-8601 time") from None


def _side(conn: Connection, field: str, kind: Kind) -> ColumnElement[Any]:
    if field in COLUMNS:
        column: ColumnElement[Any] = COLUMNS[field]
        return column
    return typed(conn, field, kind)


def conditions(
    conn: Connection, query: CollectionQuery, schema: dict[str, FieldSpec]
) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    for field, condition in query.where.items():
        spec = schema.get(field)
        if condition is None:
            found.append(_missing(conn, field))
            continue
        if not isinstance(condition, dict):
            found.append(_compare(conn, field, "eq", condition, spec))
            continue
        unknown = set(condition) - set(OPERATORS)
        if unknown or not condition:
            raise InvalidQuery(
                f"'{field}': unknown operator(s) {', '.join(sorted(unknown))}; "
                f"use {', '.join(OPERATORS)}"
            )
        found += [_compare(conn, field, op, value, spec) for op, value in condition.items()]
    return found


def ordering(conn: Connection, query: CollectionQuery, schema: dict[str, FieldSpec]) -> list[Any]:
    if query.order_by is None:
        return [library_pages.c.path, library_pages.c.id]
    field = query.order_by.field
    if field in COLUMNS:
        column = COLUMNS[field]
    else:
        spec = schema.get(field)
        numeric = spec is not None and spec.type in ("number", "integer")
        column = typed(conn, field, "number" if numeric else "string")
    key = column.desc() if query.order_by.direction == "desc" else column.asc()
    return [key.nulls_last(), library_pages.c.path, library_pages.c.id]


def offset_of(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        offset = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"]
    except (binascii.Error, ValueError, TypeError, KeyError, orjson.JSONDecodeError):
        raise InvalidQuery("The cursor is not one this query returned") from None
    if not isinstance(offset, int) or offset < 0:
        raise InvalidQuery("The cursor is not one this query returned")
    return offset


def cursor_at(offset: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"offset": offset})).decode()
