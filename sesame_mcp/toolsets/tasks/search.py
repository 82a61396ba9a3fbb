"""`search_tasks` (toolset `tasks`): full-text search of tasks (title, description, context)
and their activity, best first, each hit with the words found marked."""

from __future__ import annotations

import html
import re
from typing import Any

from pydantic import BaseModel, Field, model_validator

from server_core.features.tasks.operations import Tasks
from sesame_mcp.derived import derive
from sesame_mcp.registry import ToolOutput, View
from sesame_mcp.toolsets.messaging.views import quote
from sesame_mcp.toolsets.tasks.tasks import TOOLSET

MARK = re.compile(r"</?mark>")


def plain(snippet: str) -> str:
    """A snippet as text: the platform's HTML (escaped text, words in <mark>) with the words
    in «» instead."""
    return html.unescape(
        MARK.sub(lambda tag: "»" if tag.group().startswith("</") else "«", snippet)
    )


class SearchHitView(View):
    type: str = Field(description="task or activity")
    key: str = Field(description="The task: T-42")
    task_id: str
    title: str = Field(description="The task's title")
    status: str = Field(description="The task's status")
    activity_type: str | None = Field(description="For an activity hit: its kind")
    activity_id: str | None
    snippet: str = Field(description="Where the words were found, «marked»")

    @model_validator(mode="before")
    @classmethod
    def _from_hit(cls, hit: Any) -> Any:
        if not isinstance(hit, BaseModel):
            return hit
        snippets = [plain(s) for s in dict(hit.snippets).values() if s]  # type: ignore[attr-defined]
        fields: dict[str, Any] = {
            "type": hit.type,  # type: ignore[attr-defined]
            "key": f"T-{hit.task_number}",  # type: ignore[attr-defined]
            "task_id": hit.task_id,  # type: ignore[attr-defined]
            "snippet": " … ".join(snippets),
        }
        if fields["type"] == "task":
            fields |= {"title": hit.title, "status": hit.status}  # type: ignore[attr-defined]
            fields |= {"activity_type": None, "activity_id": None}
        else:
            fields |= {
                "title": hit.task_title,  # type: ignore[attr-defined]
                "status": hit.task_status,  # type: ignore[attr-defined]
                "activity_type": hit.activity_type,  # type: ignore[attr-defined]
                "activity_id": hit.activity_id,  # type: ignore[attr-defined]
            }
        return fields

    def line(self) -> str:
        where = f"{self.activity_type} entry" if self.activity_type else "task"
        return f"- {self.key} [{self.status}] {quote(self.title)} ({where}): {quote(self.snippet)}"


class SearchOutput(ToolOutput):
    hits: list[SearchHitView] = Field(description="Best first")

    def render(self) -> str:
        if not self.hits:
            return "Nothing found."
        return "\n".join([f"{len(self.hits)} found, best first:", *(h.line() for h in self.hits)])


derive(
    TOOLSET,
    Tasks.search,
    name="search_tasks",
    title="Search tasks",
    description="Find tasks by words in their title, description, context or activity, best "
    "match first.",
    output=SearchOutput,
    descriptions={
        "q": "The words (at least 2 characters); all must match",
        "scope": "all (default), context (the task's own text) or activity",
        "project_id": "Only this project's: slug or id",
        "limit": "At most this many (default 50)",
    },
)
