"""The library's knowledge tools. In toolset `library`: `search_library` (full text, in one
library or in all those you can read) and `resolve_entities` (which person, project, tag… a
name means). In toolset `library_admin`: the conventions document (`get_conventions`,
`update_conventions`) and the entities (`list_entities`, `create_entity`, `update_entity`,
`delete_entity`). All but the search are declared from the platform's operations
(`sesame_mcp.derived`)."""

from __future__ import annotations

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.library.operations import Libraries
from sesame_mcp.derived import derive
from sesame_mcp.registry import ToolInput
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.library.knowledge_views import (
    ConventionsOutput,
    DeletedEntityOutput,
    EntitiesOutput,
    EntityOutput,
    ResolvedOutput,
    SearchOutput,
)
from sesame_mcp.toolsets.library.library import LIBRARY
from sesame_mcp.toolsets.library.library import TOOLSET as LIBRARY_TOOLSET
from sesame_mcp.toolsets.library.library_admin import TOOLSET as ADMIN_TOOLSET

ENTITY_FIELDS = {
    "kind": "person, tag, project, team, place or concept",
    "canonical_name": "Its name, e.g. Auth service",
    "aliases": 'Other names it goes by, e.g. ["authsvc"]',
    "principal_id": "The workspace member it is, for a person (their id)",
    "handle": "The member's handle, for a person",
    "metadata": "Anything else to keep with it, as a JSON object",
}


class SearchInput(ToolInput):
    query: str = Field(
        min_length=1, max_length=1000, description="Words to find, e.g. rotation policy"
    )
    library: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Search only this library (its slug or id); left out: every library you "
        "can read",
    )
    limit: int = Field(default=10, ge=1, le=100, description="At most this many pages")


@LIBRARY_TOOLSET.tool(title="Search libraries", read_only=True)
async def search_library(args: SearchInput, ctx: Context) -> SearchOutput:
    """Full-text search of library pages, best matches first, each with the text around the
    words found: in one library, or in every library you can read."""
    library = sesame(ctx).client.library
    if args.library is None:
        everywhere = await library.search_all(query=args.query, limit=args.limit)
        return SearchOutput.model_validate({"found": everywhere}, from_attributes=True)
    found = await library.search(args.library.strip(), query=args.query, limit=args.limit)
    return SearchOutput.model_validate({"found": found}, from_attributes=True)


derive(
    LIBRARY_TOOLSET,
    Libraries.resolve_entities,
    name="resolve_entities",
    title="Resolve names",
    description="Which entity (person, project, team, tag, place, concept) each name means in "
    "a library, by canonical name or alias, case aside.",
    output=ResolvedOutput,
    refs={"library_id": LIBRARY},
    descriptions={"terms": 'The names, e.g. ["Alice", "auth service"]'},
)
derive(
    ADMIN_TOOLSET,
    Libraries.conventions,
    name="get_conventions",
    title="Read a library's conventions",
    description="The library's conventions document (tag case, required front matter, "
    "heading and list style…) that lint checks pages against, with its version.",
    output=ConventionsOutput,
    refs={"library_id": LIBRARY},
)
derive(
    ADMIN_TOOLSET,
    Libraries.patch_conventions,
    name="update_conventions",
    title="Change a library's conventions",
    description="Merge keys into the conventions document (library admins): each key given "
    "is set, a null removes it.",
    output=ConventionsOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "conventions": 'Keys to set, e.g. {"tagCase": "kebab", "requiredFrontmatter": ["status"]}',
        "if_version": "The version you read: refused if the document changed since",
    },
)
derive(
    ADMIN_TOOLSET,
    Libraries.entities,
    name="list_entities",
    title="List a library's entities",
    description="The people, projects, teams, tags, places and concepts a library names, "
    "with their aliases.",
    output=EntitiesOutput,
    refs={"library_id": LIBRARY},
    descriptions={
        "kind": "Only this kind: person, tag, project, team, place or concept",
        "limit": "At most this many",
        "cursor": "The cursor of the previous call, for the rest",
    },
)
derive(
    ADMIN_TOOLSET,
    Libraries.create_entity,
    name="create_entity",
    title="Add an entity",
    description="Name a person, project, team, tag, place or concept of the library, with the "
    "aliases it goes by (editors and up).",
    output=EntityOutput,
    refs={"library_id": LIBRARY},
    descriptions=ENTITY_FIELDS,
)
derive(
    ADMIN_TOOLSET,
    Libraries.update_entity,
    name="update_entity",
    title="Change an entity",
    description="Change what you give of an entity: its kind, name, aliases, handle or metadata.",
    output=EntityOutput,
    refs={"library_id": LIBRARY},
    descriptions={**ENTITY_FIELDS, "entity_id": "The entity's id (list_entities shows them)"},
)
derive(
    ADMIN_TOOLSET,
    Libraries.delete_entity,
    name="delete_entity",
    title="Delete an entity",
    description="Delete an entity; its name and aliases become free.",
    output=DeletedEntityOutput,
    refs={"library_id": LIBRARY},
    descriptions={"entity_id": "The entity's id (list_entities shows them)"},
)
