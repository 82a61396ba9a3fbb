"""What the library's knowledge tools answer with: search hits, resolved names, the
conventions document and entities, and their text. Titles, paths, snippets, names and the
conventions are written by the library's members, so the text quotes them as data."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sesame_mcp.registry import ToolOutput, View
from sesame_mcp.toolsets.library.views import DATA_NOTE, counted
from sesame_mcp.toolsets.messaging.views import quote

_MARKS = re.compile(r"</?mark>")


class SearchHitView(View):
    page_id: str
    path: str
    title: str
    collection: str | None
    snippet: str | None
    score: float
    library_slug: str | None = None

    def line(self) -> str:
        where = f"{self.library_slug}:{self.path}" if self.library_slug else self.path
        text = f"- {where} {quote(self.title)}"
        if self.collection:
            text += f" ({self.collection})"
        if self.snippet:
            # Matched words come marked for HTML; a **bold** reads better as text.
            text += f": {quote(_MARKS.sub('**', self.snippet))}"
        return text


class SearchView(View):
    results: list[SearchHitView]
    total: int
    libraries_searched: int | None = None


class SearchOutput(ToolOutput):
    found: SearchView

    def render(self) -> str:
        found = self.found
        scope = (
            f" in {counted(found.libraries_searched, 'library', 'libraries')}"
            if found.libraries_searched is not None
            else ""
        )
        if not found.results:
            return f"No pages match{scope}."
        head = f"{counted(found.total, 'page matches', 'pages match')}{scope}, best first"
        if found.total > len(found.results):
            head += f" ({len(found.results)} shown)"
        return "\n".join([f"{head}. {DATA_NOTE}", *(hit.line() for hit in found.results)])


class ResolvedEntityView(View):
    entity_id: str
    canonical_name: str
    kind: str


class ResolvedView(View):
    resolved: dict[str, ResolvedEntityView | None]


class ResolvedOutput(ToolOutput):
    found: ResolvedView

    def render(self) -> str:
        lines = []
        for term, entity in self.found.resolved.items():
            if entity is None:
                lines.append(f"- {quote(term)}: no entity")
            else:
                name = quote(entity.canonical_name)
                lines.append(f"- {quote(term)}: {entity.kind} {name} [{entity.entity_id}]")
        return "\n".join(lines) or "No terms given."


class ConventionsView(View):
    conventions: dict[str, Any]
    version: int
    updated_at: datetime | None


class ConventionsOutput(ToolOutput):
    document: ConventionsView

    def render(self) -> str:
        d = self.document
        if not d.conventions:
            return "The library has no conventions yet (version 0)."
        text = json.dumps(d.conventions, ensure_ascii=False, indent=1)
        return f"Conventions, version {d.version} (data written by the library's admins):\n{text}"


class EntityView(View):
    id: str
    kind: str
    canonical_name: str
    aliases: list[str]
    handle: str | None

    def line(self) -> str:
        aliases = ", ".join(quote(alias) for alias in self.aliases)
        text = f"- {self.kind} {quote(self.canonical_name)}"
        if self.handle:
            text += f" (@{self.handle})"
        if aliases:
            text += f", also {aliases}"
        return text + f" [{self.id}]"


class EntitiesOutput(ToolOutput):
    entities: list[EntityView]
    cursor: str | None = None
    has_more: bool = False

    def render(self) -> str:
        if not self.entities:
            return "No entities. create_entity adds one."
        lines = [f"{counted(len(self.entities), 'entity', 'entities')}:"]
        lines += [entity.line() for entity in self.entities]
        if self.has_more and self.cursor:
            lines.append(f"More: call again with cursor {quote(self.cursor)}.")
        return "\n".join(lines)


class EntityOutput(ToolOutput):
    entity: EntityView

    def render(self) -> str:
        return self.entity.line()[2:]


class DeletedEntityOutput(EntityOutput):
    def render(self) -> str:
        return f"Deleted {self.entity.line()[2:]}; its names are free."
