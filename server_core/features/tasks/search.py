"""Searching tasks and their activity: `GET /tasks/search`, and the `q` of `GET /tasks` when it
is long enough for the index (`fulltext.py`).

Hits are tasks (their title, description and context matched) and activity entries (their
message matched), best first; each carries its snippets as HTML: the text escaped, the words
found in `<mark>…</mark>`.
"""

from __future__ import annotations

import html
import re

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.projects.access import access_project
from server_core.features.tasks import fulltext
from server_core.features.tasks.schemas import (
    ActivityHit,
    ActivitySnippets,
    SearchHit,
    SearchQuery,
    TaskHit,
    TaskSnippets,
)
from server_core.features.tasks.tables import tasks
from server_core.kernel.auth import Caller

# A list's `q` this long or longer goes to the index; shorter ones match titles and
# descriptions as text.
MIN_INDEXED = 3
_MARKS = re.compile(f"([{fulltext.OPEN}{fulltext.CLOSE}])")


def search_tasks(conn: Connection, *, caller: Caller, query: SearchQuery) -> list[SearchHit]:
    """The workspace's tasks and activity entries matching every word of `q`, best first."""
    project_id = access_project(conn, caller, query.project_id)["id"] if query.project_id else None
    found = fulltext.find(
        conn,
        fulltext.words_of(query.q),
        workspace_id=caller.workspace_id,
        project_id=project_id,
        scope=query.scope,
        limit=query.limit,
    )
    hits: list[SearchHit] = []
    for hit in found:
        snippets = {name: marked(text) for name, text in hit.snippets.items()}
        if hit.activity_id is None:
            hits.append(
                TaskHit(
                    task_id=hit.task_id,
                    task_number=hit.task_number,
                    title=hit.title,
                    status=hit.status,
                    priority=hit.priority,
                    project_id=hit.project_id,
                    rank=hit.rank,
                    snippets=TaskSnippets(
                        title=snippets.get("title"),
                        description=snippets.get("description"),
                        context=_context_snippet(snippets),
                    ),
                )
            )
        else:
            hits.append(
                ActivityHit(
                    activity_id=hit.activity_id,
                    task_id=hit.task_id,
                    task_number=hit.task_number,
                    task_title=hit.title,
                    task_status=hit.status,
                    activity_type=hit.activity_type,
                    created_at=hit.created_at,
                    rank=hit.rank,
                    snippets=ActivitySnippets(message=snippets.get("message")),
                )
            )
    return hits


def ranked_for_list(conn: Connection, q: str) -> sa.Subquery | None:
    """For `GET /tasks?q=`: `(task_id, rank)` of the tasks matching `q` through the index, or
    None when `q` is too short for it."""
    if len(q.strip()) < MIN_INDEXED:
        return None
    words = fulltext.words_of(q)
    if not words:  # nothing a task's text could match
        return (
            sa.select(tasks.c.id.label("task_id"), sa.literal(0.0).label("rank"))
            .where(sa.false())
            .subquery("ranked")
        )
    return fulltext.ranked_tasks(conn, words)


def marked(snippet: str | None) -> str | None:
    """HTML of a snippet: the text escaped, the words found in <mark>…</mark>, every mark
    closed (a stray marker character typed by a user cannot open or close one twice)."""
    if snippet is None:
        return None
    parts: list[str] = []
    inside = False
    for piece in _MARKS.split(snippet):
        if piece == fulltext.OPEN or piece == fulltext.CLOSE:
            opening = piece == fulltext.OPEN
            if opening != inside:
                parts.append("<mark>" if opening else "</mark>")
                inside = opening
        else:
            parts.append(html.escape(piece))
    if inside:
        parts.append("</mark>")
    return "".join(parts)


def _context_snippet(snippets: dict[str, str | None]) -> str | None:
    """The context's snippet: of the background and notes, or of the decisions, constraints
    and acceptance when only those matched."""
    background, lists = snippets.get("context_b"), snippets.get("context_c")
    if (
        lists is not None
        and "<mark>" in lists
        and (background is None or "<mark>" not in background)
    ):
        return lists
    return background if background is not None else lists
