"""The projects toolset through a real MCP client session, in both protocol eras: a project is
made, staffed by @handle, given context and read back by slug; archived and restored; and a
refusal says what to do next; the project resource, with slug completion."""

from __future__ import annotations

import json

import pytest
from mcp import Client, MCPError
from mcp.types import ResourceTemplateReference, TextResourceContents

from sesame_mcp.client import SesameError
from tests.sesame_mcp.conftest import Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio


async def test_a_project_is_made_staffed_given_context_and_read_by_slug(
    mcp_all: Client, agent: Agent, bob: Agent
) -> None:
    made = ok(
        await mcp_all.call_tool("create_project", {"slug": "auth-rewrite", "name": "Auth Rewrite"})
    )
    assert made["project"]["members"] == [
        {"principal_id": agent.account.id, "handle": "scout", "kind": "agent", "role": "owner"}
    ]
    assert made["project"]["context"]["version"] == 0
    member = ok(
        await mcp_all.call_tool(
            "add_project_member", {"project": "auth-rewrite", "member": "@bob", "role": "viewer"}
        )
    )
    assert (member["member"]["handle"], member["member"]["role"]) == ("bob", "viewer")
    context = ok(
        await mcp_all.call_tool(
            "update_project_context",
            {"project": "auth-rewrite", "goals": ["Pass the audit"], "stack": ["Python"]},
        )
    )
    assert (context["context"]["goals"], context["context"]["version"]) == (["Pass the audit"], 1)
    ok(
        await mcp_all.call_tool(
            "update_project_context", {"project": "auth-rewrite", "notes": "Q3"}
        )
    )
    shown = await mcp_all.call_tool("get_project", {"project": "auth-rewrite"})
    said = text(shown)
    assert "Project auth-rewrite: Auth Rewrite" in said
    assert "@bob (viewer)" in said
    assert 'goals: "Pass the audit"' in said
    assert 'notes: "Q3"' in said
    assert ok(shown)["project"]["context"]["stack"] == ["Python"]  # PATCH kept it
    history = ok(await mcp_all.call_tool("project_context_history", {"project": "auth-rewrite"}))
    assert [(v["version"], v["changed_fields"]) for v in history["versions"]] == [
        (2, ["notes"]),
        (1, ["goals", "stack"]),
    ]
    # bob, a viewer, reads but cannot change the context.
    bob_sees = await bob.client.projects.get("auth-rewrite")
    assert bob_sees.context is not None
    assert bob_sees.context.notes == "Q3"
    with pytest.raises(SesameError) as refused:
        await bob.client.projects.update_context("auth-rewrite", notes="mine")
    assert refused.value.status == 403


async def test_archive_restore_and_refusals_that_say_what_next(mcp_all: Client) -> None:
    ok(await mcp_all.call_tool("create_project", {"slug": "billing", "name": "Billing"}))
    archived = ok(await mcp_all.call_tool("archive_project", {"project": "billing"}))
    assert archived["project"]["is_archived"] is True
    assert ok(await mcp_all.call_tool("list_projects", {}))["projects"] == []
    listed = ok(await mcp_all.call_tool("list_projects", {"include_archived": True}))
    assert [p["slug"] for p in listed["projects"]] == ["billing"]
    frozen = await mcp_all.call_tool("update_project_context", {"project": "billing", "notes": "x"})
    assert frozen.is_error
    assert "update_project(is_archived=false)" in text(frozen)
    restored = ok(
        await mcp_all.call_tool("update_project", {"project": "billing", "is_archived": False})
    )
    assert restored["project"]["is_archived"] is False
    unknown = await mcp_all.call_tool("get_project", {"project": "nope"})
    assert unknown.is_error
    assert "list_projects" in text(unknown)
    taken = await mcp_all.call_tool("create_project", {"slug": "billing", "name": "Again"})
    assert "slug_taken" in text(taken)


async def test_the_project_resource_and_slug_completion(
    mcp_all: Client, workspace: Workspace
) -> None:
    project = await workspace.admin.projects.create("mobile", name="Mobile app")
    await workspace.admin.projects.create("web", name="Website")
    [content] = (await mcp_all.read_resource("sesame://projects/mobile")).contents
    assert isinstance(content, TextResourceContents)
    read = json.loads(content.text)
    assert (read["id"], read["slug"], read["context"]["version"]) == (project.id, "mobile", 0)
    template = ResourceTemplateReference(type="ref/resource", uri="sesame://projects/{project}")
    slugs = await mcp_all.complete(template, {"name": "project", "value": "w"})
    assert slugs.completion.values == ["web"]
    with pytest.raises(MCPError, match="list_projects"):
        await mcp_all.read_resource("sesame://projects/nowhere")
