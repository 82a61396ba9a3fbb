"""Page paths: relative, unix-style, normalised.

A path is one or more segments joined by single slashes (`guides/onboarding/week-1`).
Surrounding whitespace and a trailing slash are dropped; an absolute path, an empty segment
(`//`), a `.` or `..` segment, a backslash, a NUL or another control character is refused.

The routes of a page share its prefix (`…/pages/logs/history` is the history of `logs`), so a
page path may not end in a segment that names one of them: `history`, `backlinks`, `rename`,
`restore` or `blocks`. `logs/history-2026` or `history/today` are fine.
"""

from __future__ import annotations

from server_core.features.library.errors import InvalidPagePath, ReservedPagePath

MAX_PATH_CHARS = 512
MAX_SEGMENT_CHARS = 200
RESERVED_LAST_SEGMENTS = frozenset({"history", "backlinks", "rename", "restore", "blocks"})


def normalise_path(raw: str) -> str:
    """The normalised form of a page path, or 400 saying what is wrong with it."""
    path = raw.strip()
    if path.endswith("/"):
        path = path[:-1]
    if not path:
        raise InvalidPagePath("A page path may not be empty")
    if path.startswith("/"):
        raise InvalidPagePath(f"A page path is relative: '{raw}' starts with '/'")
    if any(ord(char) < 32 or ord(char) == 127 for char in path) or "\\" in path:
        raise InvalidPagePath("A page path may not hold NUL, control characters or backslashes")
    if len(path) > MAX_PATH_CHARS:
        raise InvalidPagePath(f"A page path is at most {MAX_PATH_CHARS} characters")
    segments = path.split("/")
    for segment in segments:
        if segment == "":
            raise InvalidPagePath(f"A page path may not hold an empty segment ('//'): '{raw}'")
        if segment in (".", ".."):
            raise InvalidPagePath(f"A page path may not hold '.' or '..' segments: '{raw}'")
        if segment != segment.strip():
            raise InvalidPagePath("A path segment may not start or end with whitespace")
        if len(segment) > MAX_SEGMENT_CHARS:
            raise InvalidPagePath(f"A path segment is at most {MAX_SEGMENT_CHARS} characters")
    if segments[-1].lower() in RESERVED_LAST_SEGMENTS:
        raise ReservedPagePath(
            f"A page path may not end in '{segments[-1]}': it names a page route "
            f"({', '.join(sorted(RESERVED_LAST_SEGMENTS))}); use e.g. '{path}-page'"
        )
    return path


def title_from_path(path: str) -> str:
    """A title for a page written without one: its last segment, words spaced."""
    return path.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ").strip() or path
