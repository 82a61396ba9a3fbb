"""Messaging's schema changes keep the data: rebuilding the messages table (SQLite rebuilds a
table to change a constraint) loses no reaction or revision of its messages."""

from __future__ import annotations

import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.messaging.tables import message_reactions, message_revisions, messages
from server_core.kernel.platform import Platform
from server_core.kernel.store import Store
from server_core.kernel.store.migrate import downgrade_to
from tests.helpers import data
from tests.server_core.features.messaging.team import Team, send

pytestmark = pytest.mark.anyio


async def counts(store: Store) -> tuple[int, int, int]:
    def count(conn: sa.Connection) -> tuple[int, int, int]:
        return tuple(  # type: ignore[return-value]
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (messages, message_reactions, message_revisions)
        )

    return await store.run_sync(count)


@pytest.mark.both_engines
async def test_keys_per_sender_migrate_down_and_up_keeping_reactions_and_revisions(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    channel = await team.channel(client)
    message = data(await send(client, channel["id"], team.admin, "v1", clientGeneratedId="k"), 201)
    path = f"/channels/{channel['id']}/messages/{message['id']}"
    data(await client.patch(path, json={"content": "v2"}, headers=team.admin.headers))
    data(await client.post(f"{path}/reactions", json={"emoji": "👍"}, headers=team.human.headers))
    store = Store(platform.settings.sqlalchemy_url)
    try:
        assert await counts(store) == (1, 1, 1)
        await store.migrate(downgrade_to("0003"))
        assert await counts(store) == (1, 1, 1)
        await store.migrate()
        assert await counts(store) == (1, 1, 1)
    finally:
        await store.close()
    # The rebuilt table still answers a retry with the message, and another sender's key.
    again = data(await send(client, channel["id"], team.admin, "v1", clientGeneratedId="k"))
    assert again["id"] == message["id"]
    data(await send(client, channel["id"], team.human, "mine", clientGeneratedId="k"), 201)
