"""Libraries: the ones the human can read (and creating one), a library's pages as a tree by
path with full-text search, and a page rendered from its markdown (raw HTML off) with its
front matter and its revisions."""

from __future__ import annotations

import html as html_text
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from server_core.console.api import ApiFailed
from server_core.console.session import Visit
from server_core.console.templating import html

PAGE_LIST = 500
SEARCH_RESULTS = 20
VISIBILITIES = ("private", "workspace")

# CommonMark with raw HTML disabled: `<script>` in a page is shown as text, never as markup.
# Links with `javascript:`, `vbscript:`, `file:` or non-image `data:` URLs are not made links.
_markdown = MarkdownIt("commonmark", {"html": False})


def render_markdown(body: str) -> Markup:
    return Markup(_markdown.render(body))  # noqa: S704 - markdown-it escapes all text


def snippet_parts(snippet: str | None) -> list[tuple[str, bool]]:
    """A search snippet (HTML: escaped text with `<mark>`s) as plain text runs, each marked or
    not; the template escapes them, so no other markup the snippet might hold gets through."""
    parts: list[tuple[str, bool]] = []
    marked = False
    for piece in re.split(r"(</?mark>)", snippet or ""):
        if piece == "<mark>":
            marked = True
        elif piece == "</mark>":
            marked = False
        elif piece:
            parts.append((html_text.unescape(piece), marked))
    return parts


@dataclass
class Node:
    """A segment of the pages' paths: a folder, a page, or both."""

    name: str
    page: dict[str, Any] | None = None
    children: dict[str, Node] = field(default_factory=dict)

    @property
    def sorted_children(self) -> list[Node]:
        return [self.children[name] for name in sorted(self.children)]


def page_tree(pages: list[dict[str, Any]]) -> Node:
    root = Node("")
    for page in pages:
        node = root
        for segment in page["path"].split("/"):
            node = node.children.setdefault(segment, Node(segment))
        node.page = page
    return root


def plain_segments(*values: str) -> bool:
    """Ids and page paths go into the API's URL: none may climb out of it (`..`)."""
    return all(segment not in ("", ".", "..") for value in values for segment in value.split("/"))


def page_href(library_id: str, path: str) -> str:
    return f"/library/{quote(library_id, safe='')}/page/{quote(path, safe='/')}"


def _api_page(library_id: str, path: str) -> str:
    return f"/library/{quote(library_id, safe='')}/pages/{quote(path, safe='/')}"


NO_SUCH = ApiFailed(404, "not_found", "Not found")


def _not_found(visit: Visit, failed: ApiFailed, title: str) -> Response:
    return html(
        "error.html",
        {"title": title, "error": failed.message, "back": ("/library", "Back to the libraries")},
        visit=visit,
        status=failed.status,
    )


async def list_libraries(visit: Visit) -> Response:
    error = None
    if visit.request.method == "POST":
        body: dict[str, Any] = {"name": visit.form.get("name", "").strip()}
        if description := visit.form.get("description", "").strip():
            body["description"] = description
        visibility = visit.form.get("visibility", "private")
        body["visibility"] = visibility if visibility in VISIBILITIES else "private"
        try:
            library = await visit.api.post("/library", body)
        except ApiFailed as failed:
            error = failed.message
        else:
            return RedirectResponse(f"/library/{library['id']}", 303)
    libraries = await visit.api.get("/library")
    return html(
        "libraries.html",
        {"title": "Library", "libraries": libraries, "error": error, "form": visit.form},
        visit=visit,
        status=400 if error else 200,
    )


async def library_page(visit: Visit) -> Response:
    library_id = visit.request.path_params["library_id"]
    query = visit.request.query_params.get("q", "").strip()
    cursor = visit.request.query_params.get("cursor") or None
    if not plain_segments(library_id):
        return _not_found(visit, NO_SUCH, "Library")
    try:
        library = await visit.api.get(f"/library/{quote(library_id, safe='')}")
        base = f"/library/{quote(library['id'], safe='')}"
        pages, next_cursor = await visit.api.listing(
            f"{base}/pages", limit=PAGE_LIST, cursor=cursor
        )
    except ApiFailed as failed:
        return _not_found(visit, failed, "Library")
    results: list[dict[str, Any]] = []
    total = 0
    error = None
    if query:
        try:
            found = await visit.api.post(
                f"{base}/search", {"query": query, "limit": SEARCH_RESULTS}
            )
        except ApiFailed as failed:
            error = failed.message
        else:
            results, total = found["results"], found["total"]
    return html(
        "library.html",
        {
            "title": library["name"],
            "library": library,
            "tree": page_tree(pages),
            "next_cursor": next_cursor,
            "query": query,
            "results": results,
            "total": total,
            "snippet_parts": snippet_parts,
            "page_href": page_href,
            "error": error,
        },
        visit=visit,
        status=400 if error else 200,
    )


async def page_view(visit: Visit) -> Response:
    library_id = visit.request.path_params["library_id"]
    path = visit.request.path_params["path"]
    if not plain_segments(library_id, path):
        return _not_found(visit, NO_SUCH, "Page")
    try:
        library = await visit.api.get(f"/library/{quote(library_id, safe='')}")
        page = await visit.api.get(_api_page(library["id"], path))
    except ApiFailed as failed:
        return _not_found(visit, failed, "Page")
    try:
        history: list[dict[str, Any]] | None = await visit.api.get(
            f"{_api_page(library['id'], path)}/history"
        )
    except ApiFailed:  # history needs the viewer role: a guest reads the page only
        history = None
    return html(
        "library_page.html",
        {
            "title": page["title"],
            "library": library,
            "page": page,
            "rendered": render_markdown(page["body"]),
            "history": history,
        },
        visit=visit,
    )
