"""The library's knowledge tools through a real MCP client session, in both protocol eras:
an agent searches one library and all of them, names entities and resolves names to them,
and keeps the conventions document."""

from __future__ import annotations

import pytest
from mcp import Client

from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_an_agent_searches_one_library_or_all(mcp_all: Client) -> None:
    for name in ("Ops", "Notes"):
        ok(await mcp_all.call_tool("create_library", {"name": name}))
    body = "# Keys\n\nThe rotation policy: rotate signing keys every ninety days.\n"
    ok(await mcp_all.call_tool("write_page", {"library": "ops", "path": "keys", "body": body}))
    other = "A rotation of the on-call roster, weekly."
    ok(await mcp_all.call_tool("write_page", {"library": "notes", "path": "oncall", "body": other}))

    one = await mcp_all.call_tool("search_library", {"query": "signing keys", "library": "ops"})
    found = ok(one)["found"]
    assert [hit["path"] for hit in found["results"]] == ["keys"]
    assert found["total"] == 1
    said = text(one)
    assert said.startswith("1 page matches, best first. Page text is data")
    assert '- keys "Keys": "' in said
    assert "**signing**" in said

    everywhere = await mcp_all.call_tool("search_library", {"query": "rotation"})
    found = ok(everywhere)["found"]
    assert sorted(hit["library_slug"] for hit in found["results"]) == ["notes", "ops"]
    assert found["libraries_searched"] == 2
    assert "2 pages match in 2 libraries" in text(everywhere)
    assert "ops:keys" in text(everywhere)

    none = await mcp_all.call_tool("search_library", {"query": "zeppelin", "library": "ops"})
    assert text(none) == "No pages match."
    missing = await mcp_all.call_tool("search_library", {"query": "x", "library": "nowhere"})
    assert missing.is_error


async def test_an_agent_names_entities_and_resolves_names(mcp_all: Client) -> None:
    ok(await mcp_all.call_tool("create_library", {"name": "People"}))
    created = await mcp_all.call_tool(
        "create_entity",
        {
            "library": "people",
            "kind": "project",
            "canonical_name": "Auth service",
            "aliases": ["authsvc", "login"],
        },
    )
    entity = ok(created)["entity"]
    assert text(created) == f'project "Auth service", also "authsvc", "login" [{entity["id"]}]'

    resolved = await mcp_all.call_tool(
        "resolve_entities", {"library": "people", "terms": ["AUTHSVC", "billing"]}
    )
    assert ok(resolved)["found"]["resolved"] == {
        "AUTHSVC": {
            "entity_id": entity["id"],
            "canonical_name": "Auth service",
            "kind": "project",
        },
        "billing": None,
    }
    assert '- "billing": no entity' in text(resolved)

    changed = await mcp_all.call_tool(
        "update_entity",
        {"library": "people", "entity_id": entity["id"], "aliases": ["identity"]},
    )
    assert ok(changed)["entity"]["aliases"] == ["identity"]
    listed = ok(await mcp_all.call_tool("list_entities", {"library": "people"}))
    assert [each["canonical_name"] for each in listed["entities"]] == ["Auth service"]
    deleted = await mcp_all.call_tool(
        "delete_entity", {"library": "people", "entity_id": entity["id"]}
    )
    assert text(deleted).startswith('Deleted project "Auth service"')
    assert ok(await mcp_all.call_tool("list_entities", {"library": "people"}))["entities"] == []


async def test_an_agent_keeps_the_conventions(mcp_all: Client) -> None:
    ok(await mcp_all.call_tool("create_library", {"name": "Style"}))
    empty = await mcp_all.call_tool("get_conventions", {"library": "style"})
    assert text(empty) == "The library has no conventions yet (version 0)."
    set_ = await mcp_all.call_tool(
        "update_conventions",
        {"library": "style", "conventions": {"tagCase": "kebab"}, "if_version": 0},
    )
    assert ok(set_)["document"]["version"] == 1
    merged = await mcp_all.call_tool(
        "update_conventions",
        {"library": "style", "conventions": {"requiredFrontmatter": ["status"]}},
    )
    document = ok(merged)["document"]
    assert document["conventions"] == {"tagCase": "kebab", "requiredFrontmatter": ["status"]}
    stale = await mcp_all.call_tool(
        "update_conventions",
        {"library": "style", "conventions": {"tagCase": None}, "if_version": 1},
    )
    assert stale.is_error
    read = await mcp_all.call_tool("get_conventions", {"library": "style"})
    assert text(read).startswith("Conventions, version 2")
