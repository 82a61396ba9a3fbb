"""Cursor pagination: fetch one row more than asked to learn whether another page exists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from server_core.kernel.wire import Page

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


def paginate(
    rows: Sequence[T], limit: int, cursor_of: Callable[[T], str | int], view: Callable[[T], R]
) -> Page[R]:
    """`rows` was fetched with `limit + 1`: the page of the first `limit`, each shown by `view`,
    and where the next page starts."""
    kept = rows[:limit]
    has_more = len(rows) > limit
    cursor = cursor_of(kept[-1]) if has_more and kept else None
    return Page([view(row) for row in kept], cursor, has_more)
