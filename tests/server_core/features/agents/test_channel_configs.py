"""Agents' channel configs: set (replace) and read back, null when unset, validation
(a bad regex is a 400), membership, and who may read or change them."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio

CONFIG = {
    "purpose": "Monitor production deployments",
    "attentionLevel": "high",
    "contextStrategy": "recent",
    "contextWindow": 100,
    "responseStyle": {"tone": "concise", "verbosity": "low", "format": "markdown"},
    "triggers": {
        "keywords": ["deploy", "rollback"],
        "intents": ["error", "request_help"],
        "patterns": [r"^ERROR\b"],
    },
    "metadata": {"team": "ops"},
}


@pytest.mark.both_engines
async def test_an_agent_sets_reads_lists_and_removes_its_channel_config(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    bot = team.bot
    path = f"/agents/{bot.id}/channels/{channel['id']}/config"
    assert data(await client.get(path, headers=bot.headers)) is None
    assert data(await client.get(f"/agents/{bot.id}/channels", headers=bot.headers)) == []

    saved = data(await client.put(path, json=CONFIG, headers=bot.headers))
    assert saved["agentId"] == bot.id
    assert saved["channelId"] == channel["id"]
    assert {key: saved[key] for key in CONFIG} == CONFIG
    assert data(await client.get(path, headers=bot.headers)) == saved

    # PUT replaces: what is left out takes its default.
    replaced = data(await client.put(path, json={"purpose": "Review"}, headers=bot.headers))
    assert replaced["purpose"] == "Review"
    assert replaced["attentionLevel"] == "normal"
    assert replaced["contextStrategy"] == "recent"
    assert replaced["contextWindow"] == 50
    assert replaced["triggers"] == {"keywords": [], "intents": [], "patterns": []}
    assert replaced["createdAt"] == saved["createdAt"]

    listed = data(await client.get(f"/agents/{bot.id}/channels", headers=bot.headers))
    assert [(c["channelId"], c["purpose"]) for c in listed] == [(channel["id"], "Review")]

    assert data(await client.delete(path, headers=bot.headers))["purpose"] == "Review"
    assert data(await client.get(path, headers=bot.headers)) is None
    error(await client.delete(path, headers=bot.headers), 404)


async def test_channel_configs_are_validated(client: httpx2.AsyncClient, team: Team) -> None:
    channel = await team.channel(client)
    path = f"/agents/{team.bot.id}/channels/{channel['id']}/config"
    for bad in (
        {"triggers": {"patterns": ["(unclosed"]}},
        {"triggers": {"patterns": ["a" * 201]}},
        {"triggers": {"keywords": ["k"] * 51}},
        {"attentionLevel": "urgent"},
        {"contextStrategy": "everything"},
        {"contextWindow": 0},
        {"contextWindow": 501},
        {"responseStyle": {"x": "y" * 17_000}},
    ):
        error(await client.put(path, json=bad, headers=team.bot.headers), 400)
    assert data(await client.get(path, headers=team.bot.headers)) is None


async def test_the_agent_must_be_a_member_and_only_it_or_its_managers_configure(
    client: httpx2.AsyncClient, team: Team
) -> None:
    without_bot = await team.channel(client, members=(team.admin, team.human))
    error(
        await client.put(
            f"/agents/{team.bot.id}/channels/{without_bot['id']}/config",
            json=CONFIG,
            headers=team.bot.headers,
        ),
        403,
        "not_channel_member",
    )
    error(
        await client.get(
            f"/agents/{team.bot.id}/channels/{without_bot['id']}/context", headers=team.bot.headers
        ),
        403,
        "not_channel_member",
    )
    channel = await team.channel(client)
    path = f"/agents/{team.bot.id}/channels/{channel['id']}/config"
    error(await client.put(path, json=CONFIG, headers=team.other_bot.headers), 403)
    error(await client.put(path, json=CONFIG, headers=team.human.headers), 403)
    error(await client.get(path, headers=team.human.headers), 403)
    error(await client.get(f"/agents/{team.bot.id}/channels", headers=team.other_bot.headers), 403)
    # Its owner (here also the admin) may configure it.
    assert data(await client.put(path, json=CONFIG, headers=team.admin.headers))["agentId"] == (
        team.bot.id
    )
    assert data(await client.get(path, headers=team.bot.headers))["purpose"] == CONFIG["purpose"]
    missing = "00000000-0000-7000-8000-000000000000"
    error(
        await client.get(
            f"/agents/{team.bot.id}/channels/{missing}/config", headers=team.bot.headers
        ),
        404,
    )


async def test_configs_of_channels_the_agent_left_are_not_listed(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    bot = team.bot
    path = f"/agents/{bot.id}/channels/{channel['id']}/config"
    data(await client.put(path, json=CONFIG, headers=bot.headers))
    assert len(data(await client.get(f"/agents/{bot.id}/channels", headers=bot.headers))) == 1
    data(await client.delete(f"/channels/{channel['id']}/members/{bot.id}", headers=bot.headers))
    assert data(await client.get(f"/agents/{bot.id}/channels", headers=bot.headers)) == []
    error(await client.get(path, headers=bot.headers), 403, "not_channel_member")
