"""Identifiers: UUIDv7, so ids sort by creation time and index well on both engines."""

from __future__ import annotations

import uuid

import uuid6


def new_id() -> str:
    """Return a new UUIDv7 as its canonical lowercase string."""
    return str(uuid6.uuid7())


def parse_id(value: str) -> str | None:
    """Return `value` as a canonical UUID string, or None when it is not a UUID."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return None
