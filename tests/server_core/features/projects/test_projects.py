"""Projects over REST on both engines: create with a unique slug (its creator owns it), read
by id or slug, list, change, archive and restore, and the events each change publishes."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.projects.events import ProjectChanged
from tests.helpers import data, error
from tests.server_core.captured import Captured
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio


async def create(
    client: httpx2.AsyncClient, who: Member, slug: str = "auth-rewrite", **body: Any
) -> dict[str, Any]:
    payload = {"slug": slug, "name": body.pop("name", "Auth Rewrite"), **body}
    project: dict[str, Any] = data(
        await client.post("/projects", json=payload, headers=who.headers), 201
    )
    return project


async def read(client: httpx2.AsyncClient, ref: str, who: Member) -> dict[str, Any]:
    project: dict[str, Any] = data(await client.get(f"/projects/{ref}", headers=who.headers))
    return project


@pytest.mark.both_engines
async def test_a_project_is_created_with_its_creator_as_owner_and_read_by_id_or_slug(
    client: httpx2.AsyncClient, team: Team
) -> None:
    project = await create(client, team.bot, description="Replace legacy auth middleware")
    assert (project["slug"], project["name"]) == ("auth-rewrite", "Auth Rewrite")
    assert project["description"] == "Replace legacy auth middleware"
    assert (project["isArchived"], project["archivedAt"], project["context"]) == (False, None, None)
    assert [(m["principalId"], m["role"], m["handle"]) for m in project["members"]] == [
        (team.bot.id, "owner", "bot")
    ]
    assert project["createdBy"] == team.bot.id
    assert await read(client, project["id"], team.human) == project
    assert await read(client, "Auth-Rewrite", team.human) == project
    listed = data(await client.get("/projects", headers=team.human.headers))
    assert [p["id"] for p in listed] == [project["id"]]


@pytest.mark.both_engines
async def test_slugs_are_unique_in_the_workspace_and_well_formed(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.admin)
    taken = await client.post(
        "/projects", json={"slug": "auth-rewrite", "name": "Again"}, headers=team.human.headers
    )
    error(taken, 409, "slug_taken")
    for slug in ("", "-lead", "trail-", "Under_score", "a" * 65, "sp ace"):
        bad = await client.post(
            "/projects", json={"slug": slug, "name": "X"}, headers=team.human.headers
        )
        error(bad, 400, "validation_error")
    error(await client.post("/projects", json={"slug": "ok"}, headers=team.human.headers), 400)
    other = await create(client, team.human, "billing")
    renamed = await client.patch(
        f"/projects/{other['id']}", json={"slug": "auth-rewrite"}, headers=team.human.headers
    )
    error(renamed, 409, "slug_taken")


async def test_unknown_projects_and_other_workspaces_are_404(
    client: httpx2.AsyncClient, team: Team
) -> None:
    for ref in ("nope", "00000000-0000-4000-8000-000000000000"):
        error(await client.get(f"/projects/{ref}", headers=team.admin.headers), 404, "not_found")
        error(await client.delete(f"/projects/{ref}", headers=team.admin.headers), 404)


@pytest.mark.both_engines
async def test_owners_change_and_archive_a_project_others_cannot(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    project = await create(client, team.bot)
    path = f"/projects/{project['id']}"
    refused = await client.patch(path, json={"name": "Mine now"}, headers=team.human.headers)
    error(refused, 403, "forbidden")
    error(await client.delete(path, headers=team.other_bot.headers), 403, "forbidden")
    async with captured_events() as captured:
        changed = data(
            await client.patch(
                path,
                json={"name": "Auth Rewrite v2", "description": None},
                headers=team.bot.headers,
            )
        )
    assert (changed["name"], changed["description"]) == ("Auth Rewrite v2", None)
    assert events_of(captured) == [("updated", changed)]
    # A workspace admin may too.
    async with captured_events() as captured:
        archived = data(await client.delete(path, headers=team.admin.headers))
    assert archived["isArchived"] is True
    assert archived["archivedAt"] is not None
    assert events_of(captured) == [("archived", archived)]
    assert data(await client.delete(path, headers=team.admin.headers)) == archived  # idempotent
    assert data(await client.get("/projects", headers=team.bot.headers)) == []
    listed = data(await client.get("/projects?includeArchived=true", headers=team.bot.headers))
    assert [p["id"] for p in listed] == [project["id"]]
    # Archived: nothing changes until it is restored.
    frozen = await client.patch(path, json={"name": "x"}, headers=team.bot.headers)
    error(frozen, 409, "project_archived")
    restored = data(await client.patch(path, json={"isArchived": False}, headers=team.bot.headers))
    assert (restored["isArchived"], restored["archivedAt"]) == (False, None)


async def test_creating_publishes_the_project_to_the_workspace(
    client: httpx2.AsyncClient, team: Team, captured_events: Any
) -> None:
    async with captured_events() as captured:
        project = await create(client, team.human)
    [event] = captured.of(ProjectChanged)
    assert event.frame() == {
        "type": "project",
        "workspaceId": project["workspaceId"],
        "project": project,
        "action": "created",
    }
    assert (event.route.channel_id, event.route.principal_ids) == (None, ())


def events_of(captured: Captured) -> list[tuple[str, dict[str, Any]]]:
    return [(event.action, event.frame()["project"]) for event in captured.of(ProjectChanged)]
