"""Entities: create, list, change and delete; a name (canonical or alias, case aside) belongs
to one entity per library; resolving terms to entities."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.library.helpers import new_library
from tests.server_core.features.messaging.team import Team

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def test_entities_are_created_listed_changed_resolved_and_deleted(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    h = team.human.headers
    url = f"/library/{lib}/entities"
    jesse = data(
        await client.post(
            url,
            json={
                "kind": "person",
                "canonicalName": "Jesse Genet",
                "aliases": ["Jesse", "jesse", "JG", "jesse genet"],
                "principalId": team.bot.id,
                "handle": "jesse-genet",
                "metadata": {"team": "platform"},
            },
            headers=h,
        ),
        201,
    )
    assert jesse["aliases"] == ["Jesse", "JG"]
    assert (jesse["kind"], jesse["principalId"], jesse["handle"]) == (
        "person",
        team.bot.id,
        "jesse-genet",
    )
    assert jesse["metadata"] == {"team": "platform"}
    auth = data(
        await client.post(
            url,
            json={"kind": "concept", "canonicalName": "authentication", "aliases": ["auth"]},
            headers=h,
        ),
        201,
    )
    tag = data(await client.post(url, json={"kind": "tag", "canonicalName": "Ops"}, headers=h), 201)

    listed = data(await client.get(url, headers=h))
    assert [e["canonicalName"] for e in listed] == ["authentication", "Jesse Genet", "Ops"]
    people = data(await client.get(f"{url}?kind=person", headers=h))
    assert [e["id"] for e in people] == [jesse["id"]]
    first = await client.get(f"{url}?limit=2", headers=h)
    assert first.json()["pagination"]["hasMore"] is True
    cursor = first.json()["pagination"]["cursor"]
    rest = data(await client.get(f"{url}?limit=2&cursor={cursor}", headers=h))
    assert [e["id"] for e in rest] == [tag["id"]]

    terms = ["AUTH", "jesse", " JG ", "Jesse Genet", "nobody", "ops"]
    resolved = data(await client.post(f"{url}/resolve", json={"terms": terms}, headers=h))
    assert resolved["resolved"] == {
        "AUTH": {"entityId": auth["id"], "canonicalName": "authentication", "kind": "concept"},
        "jesse": {"entityId": jesse["id"], "canonicalName": "Jesse Genet", "kind": "person"},
        " JG ": {"entityId": jesse["id"], "canonicalName": "Jesse Genet", "kind": "person"},
        "Jesse Genet": {"entityId": jesse["id"], "canonicalName": "Jesse Genet", "kind": "person"},
        "nobody": None,
        "ops": {"entityId": tag["id"], "canonicalName": "Ops", "kind": "tag"},
    }

    # PATCH: only what is given; aliases replaced whole, freeing the old ones.
    changed = data(
        await client.patch(
            f"{url}/{jesse['id']}",
            json={"aliases": ["Jess"], "principalId": None, "metadata": {"x": 1}},
            headers=h,
        )
    )
    assert (changed["aliases"], changed["principalId"], changed["handle"]) == (
        ["Jess"],
        None,
        "jesse-genet",
    )
    assert (changed["metadata"], changed["canonicalName"]) == ({"x": 1}, "Jesse Genet")
    again = data(await client.post(f"{url}/resolve", json={"terms": ["JG", "jess"]}, headers=h))
    assert again["resolved"]["JG"] is None
    assert again["resolved"]["jess"]["entityId"] == jesse["id"]
    renamed = data(
        await client.patch(f"{url}/{auth['id']}", json={"canonicalName": "Auth"}, headers=h)
    )
    assert (renamed["canonicalName"], renamed["aliases"]) == ("Auth", [])

    deleted = data(await client.delete(f"{url}/{tag['id']}", headers=h))
    assert deleted["id"] == tag["id"]
    error(await client.delete(f"{url}/{tag['id']}", headers=h), 404, "not_found")
    error(await client.patch(f"{url}/{tag['id']}", json={}, headers=h), 404, "not_found")
    # Its name is free again.
    data(await client.post(url, json={"kind": "project", "canonicalName": "OPS"}, headers=h), 201)


async def test_a_name_belongs_to_one_entity_per_library(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    other = (await new_library(client, team.human, "Other"))["id"]
    h = team.human.headers
    url = f"/library/{lib}/entities"
    first = data(
        await client.post(
            url, json={"kind": "concept", "canonicalName": "Auth", "aliases": ["login"]}, headers=h
        ),
        201,
    )
    second = data(
        await client.post(url, json={"kind": "concept", "canonicalName": "Billing"}, headers=h), 201
    )
    for body in (
        {"kind": "tag", "canonicalName": "auth"},
        {"kind": "tag", "canonicalName": "x", "aliases": ["LOGIN"]},
        {"kind": "tag", "canonicalName": "y", "aliases": ["Auth"]},
    ):
        taken = error(await client.post(url, json=body, headers=h), 409, "entity_name_taken")
        assert taken["details"]["entityId"] == first["id"]
    error(
        await client.patch(f"{url}/{second['id']}", json={"aliases": ["Login"]}, headers=h),
        409,
        "entity_name_taken",
    )
    # Nothing half-written: the refused entity left no names behind.
    assert len(data(await client.get(url, headers=h))) == 2
    free = data(await client.post(f"{url}/resolve", json={"terms": ["x", "y"]}, headers=h))
    assert free["resolved"] == {"x": None, "y": None}
    # Another library has names of its own.
    elsewhere = {"kind": "concept", "canonicalName": "Auth"}
    data(await client.post(f"/library/{other}/entities", json=elsewhere, headers=h), 201)


async def test_readers_resolve_and_editors_write(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    url = f"/library/{lib}/entities"
    made = data(
        await client.post(
            url, json={"kind": "tag", "canonicalName": "t"}, headers=team.human.headers
        ),
        201,
    )
    body = {"kind": "tag", "canonicalName": "u"}
    resolve = {"terms": ["t"]}
    error(await client.get(url, headers=team.bot.headers), 404, "not_found")
    error(await client.post(f"{url}/resolve", json=resolve, headers=team.bot.headers), 404)
    members = f"/library/{lib}/members"
    grant = {"principalId": team.bot.id, "role": "guest_lease"}
    data(await client.post(members, json=grant, headers=team.human.headers), 201)
    assert len(data(await client.get(url, headers=team.bot.headers))) == 1
    found = data(await client.post(f"{url}/resolve", json=resolve, headers=team.bot.headers))
    assert found["resolved"]["t"]["entityId"] == made["id"]
    error(await client.post(url, json=body, headers=team.bot.headers), 403, "forbidden")
    error(await client.patch(f"{url}/{made['id']}", json=body, headers=team.bot.headers), 403)
    error(await client.delete(f"{url}/{made['id']}", headers=team.bot.headers), 403)
    editor = {"role": "editor"}
    data(await client.patch(f"{members}/{team.bot.id}", json=editor, headers=team.human.headers))
    data(await client.post(url, json=body, headers=team.bot.headers), 201)
    data(await client.delete(f"{url}/{made['id']}", headers=team.bot.headers))


async def test_bad_entity_input_is_refused(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    h = team.human.headers
    url = f"/library/{lib}/entities"
    for body in (
        {},
        {"kind": "person"},
        {"kind": "robot", "canonicalName": "x"},
        {"kind": "tag", "canonicalName": " "},
        {"kind": "tag", "canonicalName": "x" * 201},
        {"kind": "tag", "canonicalName": "x\u0000"},
        {"kind": "tag", "canonicalName": "x", "aliases": [""]},
        {"kind": "tag", "canonicalName": "x", "aliases": "y"},
        {"kind": "tag", "canonicalName": "x", "metadata": {"k": 2**64}},
        {"kind": "tag", "canonicalName": "x", "metadata": []},
        {"kind": "person", "canonicalName": "x", "handle": "a b"},
    ):
        error(await client.post(url, json=body, headers=h), 400, "validation_error")
    unknown = {"kind": "person", "canonicalName": "x", "principalId": "nobody"}
    error(await client.post(url, json=unknown, headers=h), 400, "unknown_entity_principal")
    for body in ({}, {"terms": []}, {"terms": [""]}, {"terms": ["x"] * 101}, {"terms": "x"}):
        error(await client.post(f"{url}/resolve", json=body, headers=h), 400, "validation_error")
    error(await client.get(f"{url}?kind=robot", headers=h), 400, "validation_error")
    error(await client.get(f"{url}?cursor=nope", headers=h), 400, "invalid_query")
    assert data(await client.get(url, headers=h)) == []
