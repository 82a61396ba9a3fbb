"""Project members over REST: both routes that add one (201 new, 200 a role change), removal
and leaving, who may do what, and the last owner."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.projects.test_projects import create, read

pytestmark = pytest.mark.anyio


def roles(project: dict[str, Any]) -> dict[str, str]:
    return {member["handle"]: member["role"] for member in project["members"]}


@pytest.mark.both_engines
async def test_members_are_added_by_body_or_path_and_roles_changed(
    client: httpx2.AsyncClient, team: Team
) -> None:
    project = await create(client, team.human)
    members = f"/projects/{project['id']}/members"
    added = await client.post(
        members, json={"principalId": team.bot.id, "role": "member"}, headers=team.human.headers
    )
    assert data(added, 201)["role"] == "member"
    by_path = await client.post(f"{members}/{team.other_bot.id}", headers=team.human.headers)
    assert data(by_path, 201)["role"] == "member"  # the default role
    again = await client.post(
        f"{members}/{team.bot.id}", json={"role": "admin"}, headers=team.human.headers
    )
    assert data(again, 200)["role"] == "admin"
    same = await client.post(
        members, json={"principalId": team.bot.id, "role": "admin"}, headers=team.human.headers
    )
    assert data(same, 200)["role"] == "admin"
    assert roles(await read(client, project["id"], team.admin)) == {
        "grace": "owner",
        "bot": "admin",
        "other-bot": "member",
    }


@pytest.mark.both_engines
async def test_members_are_removed_by_managers_or_leave_and_the_last_owner_stays(
    client: httpx2.AsyncClient, team: Team
) -> None:
    project = await create(client, team.human)
    members = f"/projects/{project['id']}/members"
    for who in (team.bot, team.other_bot):
        data(await client.post(f"{members}/{who.id}", headers=team.human.headers), 201)
    # A member neither adds nor removes others, but may leave.
    error(await client.post(f"{members}/{team.admin.id}", headers=team.bot.headers), 403)
    error(await client.delete(f"{members}/{team.other_bot.id}", headers=team.bot.headers), 403)
    left = data(await client.delete(f"{members}/{team.bot.id}", headers=team.bot.headers))
    assert (left["principalId"], left["role"]) == (team.bot.id, "member")
    error(await client.delete(f"{members}/{team.bot.id}", headers=team.human.headers), 404)
    # The only owner can be neither removed nor demoted.
    last = await client.delete(f"{members}/{team.human.id}", headers=team.human.headers)
    assert "at least one owner" in error(last, 409, "conflict")["error"]
    demoted = await client.post(
        f"{members}/{team.human.id}", json={"role": "member"}, headers=team.human.headers
    )
    error(demoted, 409, "conflict")
    # Another owner first, then it can go.
    data(
        await client.post(
            f"{members}/{team.other_bot.id}", json={"role": "owner"}, headers=team.human.headers
        )
    )
    data(await client.delete(f"{members}/{team.human.id}", headers=team.human.headers))
    assert roles(await read(client, project["id"], team.admin)) == {"other-bot": "owner"}


async def test_only_owners_make_owners_and_strangers_are_refused(
    client: httpx2.AsyncClient, team: Team
) -> None:
    project = await create(client, team.human)
    members = f"/projects/{project['id']}/members"
    data(
        await client.post(
            f"{members}/{team.bot.id}", json={"role": "admin"}, headers=team.human.headers
        ),
        201,
    )
    # An admin of the project adds members but makes no owner.
    data(await client.post(f"{members}/{team.other_bot.id}", headers=team.bot.headers), 201)
    owner = await client.post(
        f"{members}/{team.other_bot.id}", json={"role": "owner"}, headers=team.bot.headers
    )
    error(owner, 403, "forbidden")
    for bad in ({"principalId": "nope"}, {"principalId": "00000000-0000-4000-8000-000000000000"}):
        error(await client.post(members, json=bad, headers=team.human.headers), 404)
    wrong_role = await client.post(
        members, json={"principalId": team.admin.id, "role": "king"}, headers=team.human.headers
    )
    error(wrong_role, 400, "validation_error")
