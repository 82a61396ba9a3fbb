"""A message sent without a `mentions` array mentions the active principals whose @handle its
text names (at a word boundary), as the MCP tool does; a given array, even empty, is kept."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data
from tests.server_core.features.messaging.team import Team, coordinate, send

pytestmark = pytest.mark.anyio


@pytest.mark.both_engines
async def test_handles_in_the_text_become_mentions_when_none_are_given(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    text = "hi @bot and @Grace, not mail@bot, @@bot nor @nobody; @bot again"
    message = data(await send(client, cid, team.admin, text), 201)
    assert message["mentions"] == [
        {"principalId": team.bot.id, "offset": 3, "length": 4},
        {"principalId": team.human.id, "offset": 12, "length": 6},
        {"principalId": team.bot.id, "offset": text.rindex("@bot"), "length": 4},
    ]
    explicit_none = data(await send(client, cid, team.admin, "cc @bot", mentions=[]), 201)
    assert explicit_none["mentions"] == []
    given = [{"principalId": team.other_bot.id, "offset": 0, "length": 3}]
    kept = data(await send(client, cid, team.admin, "you @bot", mentions=given), 201)
    assert kept["mentions"] == given
    assert data(await send(client, cid, team.admin, "no handles here"), 201)["mentions"] == []
    history = data(await client.get(f"/channels/{cid}/messages", headers=team.bot.headers))
    assert history[0]["mentions"] == message["mentions"]


async def test_archived_principals_are_not_mentioned_and_mentions_give_the_floor(
    client: httpx2.AsyncClient, team: Team
) -> None:
    channel = await team.channel(client)
    cid = channel["id"]
    data(await client.delete(f"/agents/{team.other_bot.id}", headers=team.admin.headers))
    assert data(await send(client, cid, team.admin, "@other-bot?"), 201)["mentions"] == []
    await coordinate(client, cid, team.admin, "moderated", cooldownMs=0)
    data(await send(client, cid, team.admin, "@bot go ahead"), 201)
    data(await send(client, cid, team.bot, "thanks"), 201)
