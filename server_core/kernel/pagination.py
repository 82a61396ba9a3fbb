"""Cursor pagination: fetch one row more than asked to learn whether another page exists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from server_core.kernel.wire import ListEnvelope, Pagination

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


def paginate(
    rows: Sequence[T], limit: int, cursor_of: Callable[[T], str | int]
) -> tuple[list[T], Pagination]:
    """`rows` was fetched with `limit + 1`; return the page and where the next one starts."""
    page = list(rows[:limit])
    has_more = len(rows) > limit
    cursor = cursor_of(page[-1]) if has_more and page else None
    return page, Pagination(cursor=cursor, has_more=has_more)


def paged(items: list[T], pagination: Pagination) -> ListEnvelope[T]:
    return ListEnvelope[T](data=items, pagination=pagination)
