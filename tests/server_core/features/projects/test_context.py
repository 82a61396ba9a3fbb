"""Project context over REST: replace, change some fields, versions with what changed and by
whom, who may edit, archived projects frozen, and what null means."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.projects.test_projects import create, read

pytestmark = pytest.mark.anyio

SPEC_EXAMPLE = {
    "overview": "Auth rewrite for compliance",
    "goals": ["Pass legal audit", "Zero-downtime migration"],
    "conventions": ["Integration tests only, no mocks", "All endpoints need Zod validation"],
    "stack": ["TypeScript", "Hono", "Drizzle ORM"],
}


@pytest.mark.both_engines
async def test_context_is_set_patched_and_versioned(client: httpx2.AsyncClient, team: Team) -> None:
    project = await create(client, team.human)
    context = f"/projects/{project['slug']}/context"
    assert data(await client.get(context, headers=team.bot.headers)) is None
    first = data(await client.put(context, json=SPEC_EXAMPLE, headers=team.human.headers))
    assert {k: first[k] for k in SPEC_EXAMPLE} == SPEC_EXAMPLE
    assert (first["notes"], first["links"], first["version"]) == (None, [], 1)
    assert first["updatedBy"] == team.human.id
    patched = data(
        await client.patch(
            context, json={"notes": "Launch moved to Q3"}, headers=team.human.headers
        )
    )
    assert patched["notes"] == "Launch moved to Q3"
    assert patched["goals"] == SPEC_EXAMPLE["goals"]  # only the fields sent change
    assert patched["version"] == 2
    # The same change again changes nothing and makes no version.
    same = data(
        await client.patch(
            context, json={"notes": "Launch moved to Q3"}, headers=team.human.headers
        )
    )
    assert same == patched
    # PUT replaces: what it leaves out is emptied.
    replaced = data(
        await client.put(context, json={"overview": "Smaller"}, headers=team.human.headers)
    )
    assert (replaced["overview"], replaced["goals"], replaced["notes"], replaced["version"]) == (
        "Smaller",
        [],
        None,
        3,
    )
    assert data(await client.get(context, headers=team.bot.headers)) == replaced
    assert (await read(client, project["id"], team.bot))["context"] == replaced
    history = data(await client.get(f"{context}/history", headers=team.bot.headers))
    assert [v["version"] for v in history] == [3, 2, 1]
    assert history[1]["changedFields"] == ["notes"]
    assert history[0]["changedFields"] == ["overview", "goals", "conventions", "stack", "notes"]
    assert history[2]["context"]["goals"] == SPEC_EXAMPLE["goals"]
    limited = data(await client.get(f"{context}/history?limit=1", headers=team.bot.headers))
    assert [v["version"] for v in limited] == [3]
    error(await client.get(f"{context}/history?limit=101", headers=team.bot.headers), 400)


async def test_viewers_and_strangers_read_members_edit(
    client: httpx2.AsyncClient, team: Team
) -> None:
    project = await create(client, team.human)
    members = f"/projects/{project['id']}/members"
    context = f"/projects/{project['id']}/context"
    data(await client.post(f"{members}/{team.bot.id}", headers=team.human.headers), 201)
    data(
        await client.post(
            f"{members}/{team.other_bot.id}", json={"role": "viewer"}, headers=team.human.headers
        ),
        201,
    )
    edited = data(await client.patch(context, json={"stack": ["Python"]}, headers=team.bot.headers))
    assert edited["stack"] == ["Python"]
    error(await client.patch(context, json={"stack": []}, headers=team.other_bot.headers), 403)
    assert data(await client.get(context, headers=team.other_bot.headers)) == edited
    # A workspace admin who is not a member may edit too.
    data(await client.patch(context, json={"notes": "admin note"}, headers=team.admin.headers))
    # Archived: read-only.
    data(await client.delete(f"/projects/{project['id']}", headers=team.human.headers))
    error(await client.put(context, json={}, headers=team.human.headers), 409, "project_archived")


async def test_context_fields_are_checked(client: httpx2.AsyncClient, team: Team) -> None:
    project = await create(client, team.human)
    context = f"/projects/{project['id']}/context"
    for bad in (
        {"goals": "not a list"},
        {"goals": [""]},
        {"goals": ["x"] * 101},
        {"overview": "x" * 20_001},
        {"notes": "a\u0000b"},
    ):
        error(
            await client.put(context, json=bad, headers=team.human.headers), 400, "validation_error"
        )
    assert data(await client.get(context, headers=team.human.headers)) is None  # nothing written
