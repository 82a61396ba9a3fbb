"""Channel context (strategies, window, mentions, read position) and the manifest (the agent,
its channels with configs, the workspace, peers), for the agent and for its managers."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team, open_limits, send

pytestmark = pytest.mark.anyio


async def context(
    client: httpx2.AsyncClient, team: Team, channel_id: str, query: str = ""
) -> dict[str, Any]:
    path = f"/agents/{team.bot.id}/channels/{channel_id}/context{query}"
    found: dict[str, Any] = data(await client.get(path, headers=team.bot.headers))
    return found


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["plaintext"] for m in messages]


@pytest.mark.both_engines
async def test_context_follows_the_strategy_window_and_config(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client, description="Deploys", context="You watch deploys")
    cid = channel["id"]
    await open_limits(client, cid, team.admin)
    sent = [data(await send(client, cid, team.human, f"m{i}"), 201) for i in range(1, 6)]
    mention = [{"principalId": team.bot.id, "offset": 0, "length": 4}]
    data(await send(client, cid, team.admin, "@bot look", mentions=mention), 201)
    data(await send(client, cid, team.human, "a reply", threadRootId=sent[0]["id"]), 201)
    data(await send(client, cid, team.human, "ping @BOT, please"), 201)  # derived mention
    data(await send(client, cid, team.other_bot, "on it"), 201)
    data(
        await client.post(
            f"/channels/{cid}/messages/read", json={"seq": sent[2]["seq"]}, headers=team.bot.headers
        )
    )

    everything = [
        "m1",
        "m2",
        "m3",
        "m4",
        "m5",
        "@bot look",
        "a reply",
        "ping @BOT, please",
        "on it",
    ]
    default = await context(client, team, cid)
    assert default["strategy"] == "recent"
    assert default["config"] is None
    assert texts(default["recentMessages"]) == everything
    assert texts(default["mentionedInMessages"]) == ["@bot look", "ping @BOT, please"]
    assert default["lastReadSeq"] == sent[2]["seq"]
    assert default["unreadCount"] == 6  # m4, m5, the mention, the reply, the ping, "on it"
    assert default["summaryAvailable"] is False
    assert default["channel"]["id"] == cid
    assert default["channel"]["context"] == "You watch deploys"
    members = {m["handle"]: m for m in default["members"]}
    assert set(members) == {"ada", "grace", "bot", "other-bot"}
    assert members["ada"]["role"] == "owner"
    assert members["bot"]["participationMode"] == "full"
    assert members["bot"]["kind"] == "agent"

    assert texts((await context(client, team, cid, "?window=2"))["recentMessages"]) == [
        "ping @BOT, please",
        "on it",
    ]
    assert texts(
        (await context(client, team, cid, "?strategy=summary&window=1"))["recentMessages"]
    ) == ["on it"]
    none = await context(client, team, cid, "?strategy=none")
    assert none["recentMessages"] == []
    assert none["members"]
    full = await context(client, team, cid, "?strategy=full_history&window=1")
    assert texts(full["recentMessages"]) == everything

    config = {"contextStrategy": "recent", "contextWindow": 3, "attentionLevel": "low"}
    path = f"/agents/{team.bot.id}/channels/{cid}/config"
    data(await client.put(path, json=config, headers=team.bot.headers))
    configured = await context(client, team, cid)
    assert configured["config"]["attentionLevel"] == "low"
    assert texts(configured["recentMessages"]) == ["a reply", "ping @BOT, please", "on it"]
    data(await client.put(path, json={"contextStrategy": "none"}, headers=team.bot.headers))
    assert (await context(client, team, cid))["recentMessages"] == []
    assert (await context(client, team, cid, "?strategy=recent&window=1"))["recentMessages"]

    error(
        await client.get(
            f"/agents/{team.bot.id}/channels/{cid}/context?window=501", headers=team.bot.headers
        ),
        400,
    )
    error(
        await client.get(
            f"/agents/{team.bot.id}/channels/{cid}/context?strategy=all", headers=team.bot.headers
        ),
        400,
    )


async def test_full_history_stops_at_500_messages(client: httpx2.AsyncClient, team: Team) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    await open_limits(client, cid, team.admin)
    for i in range(510):
        data(await send(client, cid, team.admin, f"n{i}"), 201)
    full = await context(client, team, cid, "?strategy=full_history")
    assert len(full["recentMessages"]) == 500
    assert full["recentMessages"][0]["plaintext"] == "n10"
    assert full["recentMessages"][-1]["plaintext"] == "n509"
    seqs = [m["seq"] for m in full["recentMessages"]]
    assert seqs == sorted(seqs)


async def test_the_agents_managers_read_its_context_as_it_sees_it(
    client: httpx2.AsyncClient, team: Team
) -> None:
    # The admin is not in this channel, but manages the bot.
    channel = await team.channel(client, owner=team.human, members=(team.human, team.bot))
    cid = channel["id"]
    data(await send(client, cid, team.human, "hello bot"), 201)
    seen = data(
        await client.get(
            f"/agents/{team.bot.id}/channels/{cid}/context", headers=team.admin.headers
        )
    )
    assert texts(seen["recentMessages"]) == ["hello bot"]
    assert seen["channel"]["role"] == "member"
    assert seen["unreadCount"] == 1
    error(
        await client.get(
            f"/agents/{team.bot.id}/channels/{cid}/context", headers=team.human.headers
        ),
        403,
    )
    error(await client.get(f"/agents/{team.bot.id}/manifest", headers=team.other_bot.headers), 403)


@pytest.mark.both_engines
async def test_the_manifest_shows_the_agent_its_channels_workspace_and_peers(
    client: httpx2.AsyncClient, team: Team
) -> None:
    capabilities = [{"namespace": "code", "name": "review", "description": "Reviews"}]
    await client.put(
        f"/agents/{team.bot.id}/capabilities",
        json={"capabilities": capabilities},
        headers=team.bot.headers,
    )
    await client.put(
        f"/agents/{team.other_bot.id}/capabilities",
        json={"capabilities": [{"namespace": "research", "name": "web-search"}]},
        headers=team.other_bot.headers,
    )
    general = await team.channel(client, context="Be kind")
    await team.channel(client, name="private", members=(team.admin, team.human))
    dm = data(
        await client.post(
            "/channels/dm", json={"principalId": team.bot.id}, headers=team.human.headers
        ),
        201,
    )
    data(await send(client, general["id"], team.human, "hi all"), 201)
    data(
        await client.put(
            f"/agents/{team.bot.id}/channels/{general['id']}/config",
            json={"purpose": "Help", "attentionLevel": "high"},
            headers=team.bot.headers,
        )
    )

    manifest = data(await client.get(f"/agents/{team.bot.id}/manifest", headers=team.bot.headers))
    agent = manifest["agent"]
    assert (agent["id"], agent["handle"], agent["kind"], agent["isActive"]) == (
        team.bot.id,
        "bot",
        "agent",
        True,
    )
    assert [(c["namespace"], c["name"]) for c in agent["capabilities"]] == [("code", "review")]
    by_id = {c["id"]: c for c in manifest["channels"]}
    assert set(by_id) == {general["id"], dm["id"]}
    channel = by_id[general["id"]]
    assert channel["context"] == "Be kind"
    assert channel["role"] == "member"
    assert channel["muted"] is False
    assert channel["unreadCount"] == 1
    assert channel["lastMessageAt"]
    assert channel["config"]["purpose"] == "Help"
    assert channel["config"]["attentionLevel"] == "high"
    assert {m["handle"] for m in channel["members"]} == {"ada", "grace", "bot", "other-bot"}
    assert by_id[dm["id"]]["config"] is None
    assert {m["handle"] for m in by_id[dm["id"]]["members"]} == {"grace", "bot"}
    assert manifest["workspace"]["id"]
    assert manifest["workspace"]["name"]
    assert [(p["handle"], [c["name"] for c in p["capabilities"]]) for p in manifest["peers"]] == [
        ("other-bot", ["web-search"])
    ]
    by_owner = data(await client.get(f"/agents/{team.bot.id}/manifest", headers=team.admin.headers))
    assert {c["id"] for c in by_owner["channels"]} == set(by_id)
