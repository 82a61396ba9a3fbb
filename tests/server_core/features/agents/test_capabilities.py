"""Capabilities (list, replace, add or update, remove; who may change them) and discovery
(`/agents/discover` before `/agents/{id}`, AND of capabilities, the `active` filter)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio

TYPESCRIPT = {"namespace": "code", "name": "typescript", "description": "TS", "version": "1.0.0"}
REVIEW = {"namespace": "code", "name": "code-review", "description": "Reviews"}
SEARCH = {"namespace": "research", "name": "web-search", "metadata": {"engines": ["x"]}}


async def set_capabilities(
    client: httpx2.AsyncClient, who: Member, agent_id: str, *items: dict[str, Any]
) -> list[dict[str, Any]]:
    response = await client.put(
        f"/agents/{agent_id}/capabilities", json={"capabilities": list(items)}, headers=who.headers
    )
    capabilities: list[dict[str, Any]] = data(response)
    return capabilities


async def discover(client: httpx2.AsyncClient, who: Member, query: str = "") -> list[str]:
    agents = data(await client.get(f"/agents/discover{query}", headers=who.headers))
    return [agent["handle"] for agent in agents]


@pytest.mark.both_engines
async def test_an_agent_replaces_adds_updates_and_removes_its_capabilities(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    put = await set_capabilities(client, bot, bot.id, TYPESCRIPT, SEARCH)
    assert [(c["namespace"], c["name"]) for c in put] == [
        ("code", "typescript"),
        ("research", "web-search"),
    ]
    assert put[0]["version"] == "1.0.0"
    assert put[0]["inputSchema"] == {}
    assert put[1]["metadata"] == {"engines": ["x"]}
    # PUT replaces the whole set.
    put = await set_capabilities(client, bot, bot.id, REVIEW)
    assert [c["name"] for c in put] == ["code-review"]
    added = data(
        await client.post(f"/agents/{bot.id}/capabilities", json=TYPESCRIPT, headers=bot.headers),
        201,
    )
    # Registering the same (namespace, name) again updates it in place.
    again = data(
        await client.post(
            f"/agents/{bot.id}/capabilities",
            json={**TYPESCRIPT, "version": "2.0.0"},
            headers=bot.headers,
        ),
        201,
    )
    assert again["id"] == added["id"]
    assert again["version"] == "2.0.0"
    listed = data(await client.get(f"/agents/{bot.id}/capabilities", headers=team.human.headers))
    assert [(c["name"], c["version"]) for c in listed] == [
        ("code-review", None),
        ("typescript", "2.0.0"),
    ]
    removed = data(
        await client.delete(f"/agents/{bot.id}/capabilities/{added['id']}", headers=bot.headers)
    )
    assert removed["name"] == "typescript"
    error(
        await client.delete(f"/agents/{bot.id}/capabilities/{added['id']}", headers=bot.headers),
        404,
    )
    listed = data(await client.get(f"/agents/{bot.id}/capabilities", headers=bot.headers))
    assert [c["name"] for c in listed] == ["code-review"]
    assert await set_capabilities(client, bot, bot.id) == []


async def test_only_the_agent_its_owner_or_an_admin_change_capabilities(
    client: httpx2.AsyncClient, team: Team
) -> None:
    path = f"/agents/{team.bot.id}/capabilities"
    error(await client.post(path, json=TYPESCRIPT, headers=team.other_bot.headers), 403)
    error(await client.post(path, json=TYPESCRIPT, headers=team.human.headers), 403)
    error(await client.put(path, json={"capabilities": []}, headers=team.human.headers), 403)
    assert [c["name"] for c in await set_capabilities(client, team.admin, team.bot.id, SEARCH)] == [
        "web-search"
    ]
    cap_id = data(await client.get(path, headers=team.other_bot.headers))[0]["id"]
    error(await client.delete(f"{path}/{cap_id}", headers=team.other_bot.headers), 403)
    # Another agent's capability id is not found under this agent.
    error(
        await client.delete(
            f"/agents/{team.other_bot.id}/capabilities/{cap_id}", headers=team.admin.headers
        ),
        404,
    )
    error(await client.get(f"/agents/{team.admin.id}/capabilities", headers=team.bot.headers), 404)


async def test_capabilities_are_validated(client: httpx2.AsyncClient, team: Team) -> None:
    path = f"/agents/{team.bot.id}/capabilities"
    for bad in (
        {"namespace": "Code", "name": "ts"},
        {"namespace": "1code", "name": "ts"},
        {"namespace": "code", "name": "t.s"},
        {"namespace": "code", "name": "x" * 65},
        {"namespace": "code"},
        {"namespace": "code", "name": "ts", "metadata": {"big": "x" * 17_000}},
        {"namespace": "code", "name": "ts", "inputSchema": []},
    ):
        error(await client.post(path, json=bad, headers=team.bot.headers), 400)
    error(
        await client.put(
            path, json={"capabilities": [TYPESCRIPT, TYPESCRIPT]}, headers=team.bot.headers
        ),
        400,
    )
    assert data(await client.get(path, headers=team.bot.headers)) == []


@pytest.mark.both_engines
async def test_discovery_ands_capabilities_and_filters_on_active(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await set_capabilities(client, team.bot, team.bot.id, TYPESCRIPT, REVIEW)
    await set_capabilities(client, team.other_bot, team.other_bot.id, TYPESCRIPT, SEARCH)
    human = team.human
    # The fixed path is not read as an agent id.
    assert await discover(client, human) == ["bot", "other-bot"]
    assert await discover(client, human, "?namespace=code&name=typescript") == [
        "bot",
        "other-bot",
    ]
    assert await discover(client, human, "?namespace=research") == ["other-bot"]
    assert await discover(client, human, "?name=code-review") == ["bot"]
    # namespace and name must hold for the same capability.
    assert await discover(client, human, "?namespace=research&name=code-review") == []
    assert await discover(client, human, "?capability=code.typescript") == ["bot", "other-bot"]
    assert await discover(
        client, human, "?capability=code.typescript&capability=code.code-review"
    ) == ["bot"]
    assert (
        await discover(client, human, "?capability=code.code-review&capability=research.web-search")
        == []
    )
    found = data(await client.get("/agents/discover?name=web-search", headers=team.bot.headers))
    assert found[0]["id"] == team.other_bot.id
    assert found[0]["displayName"]
    assert found[0]["kind"] == "agent"
    assert found[0]["isActive"]
    assert [c["name"] for c in found[0]["capabilities"]] == ["typescript", "web-search"]

    data(await client.delete(f"/agents/{team.other_bot.id}", headers=team.admin.headers))
    assert await discover(client, human, "?capability=code.typescript") == ["bot"]
    assert await discover(client, human, "?capability=code.typescript&active=false") == [
        "other-bot"
    ]
    error(await client.get("/agents/discover?capability=typescript", headers=human.headers), 400)
