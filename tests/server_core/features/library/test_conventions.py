"""Conventions: a versioned JSON document that viewers read and admins replace or merge into."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import new_library
from tests.server_core.features.messaging.team import Team

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_put_replaces_patch_merges_and_the_version_counts_changes(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    h = team.human.headers
    url = f"/library/{lib}/conventions"
    empty = data(await client.get(url, headers=h))
    assert empty == {"conventions": {}, "version": 0, "updatedAt": None, "updatedBy": None}

    document = {
        "dateFormat": "YYYY-MM-DD",
        "tagCase": "kebab-case",
        "requiredFrontmatter": ["status", "owner"],
        "maxTitleLength": 80,
    }
    put = data(await client.put(url, json={"conventions": document}, headers=h))
    assert (put["conventions"], put["version"], put["updatedBy"]) == (document, 1, team.human.id)
    assert put["updatedAt"] is not None
    # The same document again changes nothing.
    again = data(await client.put(url, json={"conventions": document}, headers=h))
    assert again["version"] == 1

    patch = {"conventions": {"tagCase": "lowercase", "maxTitleLength": None, "listStyle": "dash"}}
    merged = data(await client.patch(url, json=patch, headers=h))
    assert merged["version"] == 2
    assert merged["conventions"] == {
        "dateFormat": "YYYY-MM-DD",
        "tagCase": "lowercase",
        "requiredFrontmatter": ["status", "owner"],
        "listStyle": "dash",
    }
    replaced = data(await client.put(url, json={"conventions": {"headingStyle": "atx"}}, headers=h))
    assert (replaced["conventions"], replaced["version"]) == ({"headingStyle": "atx"}, 3)
    assert data(await client.get(url, headers=h)) == replaced

    # `ifVersion`: only from the version read.
    stale = {"conventions": {"a": 1}, "ifVersion": 2}
    refused = error(await client.patch(url, json=stale, headers=h), 409, "conventions_changed")
    assert refused["details"] == {"currentVersion": 3}
    error(await client.put(url, json=stale, headers=h), 409, "conventions_changed")
    fresh = data(await client.put(url, json={**stale, "ifVersion": 3}, headers=h))
    assert fresh["version"] == 4


async def test_viewers_read_and_admins_write(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    url = f"/library/{lib}/conventions"
    members = f"/library/{lib}/members"
    body = {"conventions": {"tagCase": "lowercase"}}
    # Not a reader: 404.
    error(await client.get(url, headers=team.bot.headers), 404, "not_found")
    error(await client.put(url, json=body, headers=team.bot.headers), 404, "not_found")
    for role, reads in (("guest_lease", False), ("viewer", True), ("editor", True)):
        grant = {"principalId": team.bot.id, "role": role}
        if role == "guest_lease":
            data(await client.post(members, json=grant, headers=team.human.headers), 201)
        else:
            data(
                await client.patch(
                    f"{members}/{team.bot.id}", json={"role": role}, headers=team.human.headers
                )
            )
        got = await client.get(url, headers=team.bot.headers)
        if reads:
            data(got)
        else:
            error(got, 403, "forbidden")
        error(await client.put(url, json=body, headers=team.bot.headers), 403, "forbidden")
        error(await client.patch(url, json=body, headers=team.bot.headers), 403, "forbidden")
    data(
        await client.patch(
            f"{members}/{team.bot.id}", json={"role": "admin"}, headers=team.human.headers
        )
    )
    assert data(await client.put(url, json=body, headers=team.bot.headers))["version"] == 1
    # The workspace admin answers for every library.
    assert data(await client.patch(url, json=body, headers=team.admin.headers))["version"] == 1


async def test_bad_conventions_are_refused(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    h = team.human.headers
    url = f"/library/{lib}/conventions"
    for body in (
        {},
        {"conventions": None},
        {"conventions": []},
        {"conventions": "x"},
        {"conventions": {"k": "\u0000"}},
        {"conventions": {"k": "x" * 70_000}},
        {"conventions": {"": 1}},
        {"conventions": {"k": 2**64}},
        {"conventions": {}, "ifVersion": -1},
    ):
        error(await client.put(url, json=body, headers=h), 400, "validation_error")
        error(await client.patch(url, json=body, headers=h), 400, "validation_error")
    assert data(await client.get(url, headers=h))["version"] == 0
