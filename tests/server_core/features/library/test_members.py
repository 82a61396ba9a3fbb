"""Members and the role table: who reads, writes, manages and deletes; visibility grants;
owners kept."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import get_page, new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


async def test_roles_decide_reading_writing_managing_and_deleting(
    client: httpx2.AsyncClient, team: Team
) -> None:
    library = await new_library(client, team.human, "Private")
    lib = library["id"]
    members_url = f"/library/{lib}/members"
    # Private: a workspace member who is not a library member does not see it.
    error(await client.get(f"/library/{lib}", headers=team.bot.headers), 404, "not_found")
    # The workspace admin answers for every library.
    assert data(await client.get(f"/library/{lib}", headers=team.admin.headers))["role"] == "owner"

    added = data(
        await client.post(
            members_url, json={"principalId": team.bot.id}, headers=team.human.headers
        ),
        201,
    )
    assert (added["role"], added["handle"], added["kind"]) == ("viewer", "bot", "agent")
    error(
        await client.post(
            members_url, json={"principalId": team.bot.id}, headers=team.human.headers
        ),
        409,
        "already_member",
    )
    await put_page(client, team.human, lib, "notes/a", 201, body="hello")
    assert (await get_page(client, team.bot, lib, "notes/a"))["body"] == "hello"
    write = await client.put(
        f"/library/{lib}/pages/notes/b", json={"body": "x"}, headers=team.bot.headers
    )
    error(write, 403, "forbidden")
    error(
        await client.post(
            members_url, json={"principalId": team.other_bot.id}, headers=team.bot.headers
        ),
        403,
    )

    promoted = data(
        await client.patch(
            f"{members_url}/{team.bot.id}", json={"role": "editor"}, headers=team.human.headers
        )
    )
    assert promoted["role"] == "editor"
    await put_page(client, team.bot, lib, "notes/b", 201, body="by bot")
    error(await client.delete(f"/library/{lib}", headers=team.bot.headers), 403)

    data(
        await client.patch(
            f"{members_url}/{team.bot.id}", json={"role": "admin"}, headers=team.human.headers
        )
    )
    # An admin manages roles below owner, but neither makes nor unmakes owners.
    error(
        await client.post(
            members_url,
            json={"principalId": team.other_bot.id, "role": "owner"},
            headers=team.bot.headers,
        ),
        403,
    )
    error(
        await client.patch(
            f"{members_url}/{team.human.id}", json={"role": "viewer"}, headers=team.bot.headers
        ),
        403,
    )
    error(
        await client.patch(
            f"{members_url}/{team.human.id}", json={"role": "viewer"}, headers=team.human.headers
        ),
        409,
        "last_owner",
    )
    listed = data(await client.get(members_url, headers=team.bot.headers))
    assert [(m["handle"], m["role"]) for m in listed] == [("grace", "owner"), ("bot", "admin")]
    # A member may leave; the last owner may not.
    error(await client.delete(f"{members_url}/{team.human.id}", headers=team.human.headers), 409)
    left = data(await client.delete(f"{members_url}/{team.bot.id}", headers=team.bot.headers))
    assert left["principalId"] == team.bot.id
    error(await client.get(f"/library/{lib}", headers=team.bot.headers), 404)
    error(
        await client.post(
            members_url,
            json={"principalId": "00000000-0000-4000-8000-000000000000"},
            headers=team.human.headers,
        ),
        404,
    )


async def test_team_visibility_lets_the_agents_of_human_members_read(
    client: httpx2.AsyncClient, team: Team
) -> None:
    library = await new_library(client, team.human, "Team notes", visibility="team")
    lib = library["id"]
    # The bots belong to the admin, who is not a member (the admin sees it as workspace admin).
    error(await client.get(f"/library/{lib}", headers=team.bot.headers), 404)
    data(
        await client.post(
            f"/library/{lib}/members",
            json={"principalId": team.admin.id, "role": "editor"},
            headers=team.human.headers,
        ),
        201,
    )
    seen = data(await client.get(f"/library/{lib}", headers=team.bot.headers))
    assert seen["role"] == "viewer"
    error(
        await client.put(f"/library/{lib}/pages/a", json={"body": "x"}, headers=team.bot.headers),
        403,
    )
