"""Append a block under a heading: `POST …/pages/{path}/blocks`.

The body's heading tree comes from markdown-it (so a `# line` inside a code fence is not a
heading). `appendUnder` is a heading path, outermost first: each name is looked up among the
headings of the section found so far (deeper than it, first match, text compared as written
and then case aside); a missing one is created at the end of that section, one level below it
(or at the level its sibling headings use). The content goes at the end of the last section,
after its last non-blank line: right after it when both are list items, else after a blank
line. A page that does not exist yet is created.

Appends are serialised by the library's row lock (every write of a library takes it), so two
appends at once both land, one after the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from sqlalchemy.engine import Connection

from server_core.features.library.access import access_library
from server_core.features.library.content import Content
from server_core.features.library.errors import VersionBehind
from server_core.features.library.pages import default_title, find_page
from server_core.features.library.paths import normalise_path
from server_core.features.library.revisions import content_of, page_view, save_page
from server_core.features.library.schemas import AppendBlockRequest, LibraryPage, Operation
from server_core.kernel.auth import Caller
from server_core.kernel.events import Event

_PARSER = MarkdownIt("commonmark")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    start: int  # first line of the heading
    end: int  # line after it (setext headings take two lines)


def headings_of(lines: list[str]) -> list[Heading]:
    tokens = _PARSER.parse("\n".join(lines))
    found: list[Heading] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            text = tokens[index + 1].content.strip()
            found.append(Heading(int(token.tag[1:]), text, token.map[0], token.map[1]))
    return found


def _find(headings: list[Heading], name: str, start: int, end: int, level: int) -> Heading | None:
    inside = [h for h in headings if start <= h.start < end and h.level > level]
    exact = [h for h in inside if h.text == name]
    loose = [h for h in inside if h.text.casefold() == name.casefold()]
    matches = exact or loose
    return matches[0] if matches else None


def _section_end(headings: list[Heading], heading: Heading, end: int) -> int:
    later = [h.start for h in headings if h.start > heading.start and h.level <= heading.level]
    return min([*later, end])


def _insert_at(lines: list[str], start: int, end: int) -> int:
    """Where a block appended to the section [start, end) goes: after its last non-blank line."""
    at = end
    while at > start and not lines[at - 1].strip():
        at -= 1
    return at


def _place(lines: list[str], at: int, block: list[str]) -> None:
    """Insert `block` at line `at`, separated from what is before and after it."""
    before = lines[at - 1] if at > 0 else ""
    tight = bool(_LIST_ITEM.match(before)) and bool(_LIST_ITEM.match(block[0]))
    lead = [] if at == 0 or tight or not before.strip() else [""]
    after = lines[at] if at < len(lines) else None
    tail = [""] if after is not None and after.strip() else []
    lines[at:at] = [*lead, *block, *tail]


def append_block(body: str, under: list[str], content: str) -> str:
    """`body` with `content` appended under the heading path `under`."""
    lines = body.split("\n") if body else []
    start, end, level = 0, len(lines), 0
    headings = headings_of(lines)
    titles = [h for h in headings if h.level == 1]
    if (
        len(titles) == 1
        and headings[0] is titles[0]
        and not _find(titles, under[0] if under else "", 0, end, 0)
    ):
        # One top heading first: the page's title. What is not it goes inside it.
        start, level = titles[0].end, 1
    for name in under:
        headings = headings_of(lines)
        found = _find(headings, name, start, end, level)
        if found is not None:
            start, end, level = found.end, _section_end(headings, found, end), found.level
            continue
        siblings = [h.level for h in headings if start <= h.start < end and h.level > level]
        new_level = min(min(siblings, default=level + 1), 6)
        at = _insert_at(lines, start, end)
        _place(lines, at, [f"{'#' * new_level} {name}"])
        heading_line = lines.index(f"{'#' * new_level} {name}", at)
        start, level = heading_line + 1, new_level
        created = Heading(new_level, name, heading_line, start)
        end = _section_end(headings_of(lines), created, len(lines))
    block = content.strip("\n").split("\n")
    _place(lines, _insert_at(lines, start, end), block)
    text = "\n".join(lines)
    return text if text.endswith("\n") else text + "\n"


def do_append_block(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    library_id: str,
    path: str,
    request: AppendBlockRequest,
) -> LibraryPage:
    path = normalise_path(path)
    access = access_library(conn, caller, library_id, "write", lock=True)
    before = find_page(conn, access.id, path)
    live = before if before is not None and before["deleted_at"] is None else None
    wanted = request.if_version_at_least
    if wanted is not None and (live is None or live["version"] < wanted):
        current = live["version"] if live is not None else None
        raise VersionBehind(
            f"The page is at version {current}, older than {wanted}: read it again",
            details={"currentVersion": current},
        )
    if live is None:
        body = append_block("", request.append_under, request.content)
        content = Content(default_title(path, ""), None, {}, body)
        operation: Operation = "create" if before is None else "edit"
    else:
        current_content = content_of(live)
        body = append_block(current_content.body, request.append_under, request.content)
        content = Content(
            current_content.title, current_content.collection, current_content.frontmatter, body
        )
        operation = "append"
    page = save_page(
        conn, events, caller=caller, access=access, before=before, path=path,
        content=content, operation=operation,
    )  # fmt: skip
    return page_view(page)
