"""Wake messages land in the woken principal's control channel (its DM with its owner), or in
a named channel it belongs to, as `system` messages with intent `wake` posted as itself."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.features.agents.wake_messages import deliver_wake
from server_core.features.messaging.schemas import Message
from server_core.kernel.platform import Platform
from tests.helpers import data
from tests.server_core.features.messaging.team import Team

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def wake(
    platform: Platform, principal_id: str, channel_id: str | None = None
) -> Message | None:
    async with platform.store.transaction() as tx:
        return await tx.run(
            lambda conn: deliver_wake(
                conn,
                tx.events,
                platform.keyring,
                principal_id=principal_id,
                text="⏰ Timer: check CI",
                metadata={"taskId": "t1"},
                channel_id=channel_id,
            )
        )


async def messages(client: httpx2.AsyncClient, channel_id: str, headers: Any) -> list[Any]:
    found: list[Any] = data(
        await client.get(f"/channels/{channel_id}/messages", headers=headers), 200
    )
    return found


async def test_a_wake_reaches_the_agent_in_its_dm_with_its_owner(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    woke = await wake(platform, team.bot.id)
    assert woke is not None
    assert (woke.kind, woke.intent, woke.sender_id) == ("system", "wake", team.bot.id)
    assert woke.metadata["wake"] is True
    assert woke.metadata["wakeFor"] == team.bot.id
    assert woke.metadata["taskId"] == "t1"
    channel = data(await client.get(f"/channels/{woke.channel_id}", headers=team.admin.headers))
    assert channel["kind"] == "dm"
    seen = await messages(client, woke.channel_id, team.bot.headers)
    assert [m["plaintext"] for m in seen if m["intent"] == "wake"] == ["⏰ Timer: check CI"]
    # The same DM is reused: one control channel per agent.
    again = await wake(platform, team.bot.id)
    assert again is not None
    assert again.channel_id == woke.channel_id


async def test_a_named_channel_is_used_only_when_the_principal_is_a_member(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    joined = await team.channel(client, members=(team.bot,), name="ops")
    apart = await team.channel(client, members=(team.human,), name="elsewhere")
    inside = await wake(platform, team.bot.id, joined["id"])
    assert inside is not None
    assert inside.channel_id == joined["id"]
    outside = await wake(platform, team.bot.id, apart["id"])
    assert outside is not None
    assert outside.channel_id not in {apart["id"], joined["id"]}


async def test_a_human_without_owner_is_woken_in_a_dm_with_the_first_other_admin(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    woke = await wake(platform, team.human.id)
    assert woke is not None
    members = data(
        await client.get(f"/channels/{woke.channel_id}/members", headers=team.human.headers)
    )
    assert {m["principalId"] for m in members} == {team.human.id, team.admin.id}
    # The first admin, alone with no one else to tell, is not woken.
    assert await wake(platform, team.admin.id) is None


async def test_a_deactivated_principal_is_not_woken(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    data(await client.delete(f"/agents/{team.bot.id}", headers=team.admin.headers))
    assert await wake(platform, team.bot.id) is None
