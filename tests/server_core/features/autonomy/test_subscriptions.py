"""Wake subscriptions over HTTP: create (the secret shown once, stored sealed), list, delete;
who may (the agent, its owner, an admin); bad input."""

from __future__ import annotations

import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.autonomy.tables import wake_subscriptions
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio

CI = {"source": "github", "event": "workflow_run.completed", "filter": {"repo": "org/sesame"}}


@pytest.mark.both_engines
async def test_an_agent_subscribes_lists_and_unsubscribes(
    client: httpx2.AsyncClient, platform: Platform, team: Team
) -> None:
    path = f"/agents/{team.bot.id}/subscriptions"
    made = data(await client.post(path, json=CI, headers=team.bot.headers), 201)
    assert made["secret"].startswith("whsec_")
    assert (made["agentId"], made["source"], made["event"]) == (
        team.bot.id,
        "github",
        "workflow_run.completed",
    )
    assert made["filter"] == {"repo": "org/sesame"}
    assert made["inboundUrl"] == f"http://127.0.0.1:8080/inbound/github/{made['id']}"
    assert (made["deliveryCount"], made["lastDeliveredAt"]) == (0, None)
    hook = {"source": "webhook", "event": "*"}
    other = data(await client.post(path, json=hook, headers=team.bot.headers), 201)
    assert other["filter"] == {}
    assert other["inboundUrl"].endswith(f"/inbound/webhook/{other['id']}")
    listed = data(await client.get(path, headers=team.bot.headers))
    assert [s["id"] for s in listed] == [made["id"], other["id"]]
    assert all("secret" not in s for s in listed)

    def sealed(conn: sa.Connection) -> bytes:
        query = sa.select(wake_subscriptions.c.secret_sealed).where(
            wake_subscriptions.c.id == made["id"]
        )
        found: bytes = conn.execute(query).scalar_one()
        return found

    assert made["secret"].encode() not in await platform.store.read(sealed)
    gone = data(await client.delete(f"{path}/{made['id']}", headers=team.bot.headers))
    assert gone["id"] == made["id"]
    error(await client.delete(f"{path}/{made['id']}", headers=team.bot.headers), 404, "not_found")
    assert [s["id"] for s in data(await client.get(path, headers=team.bot.headers))] == [
        other["id"]
    ]


async def test_who_may_manage_an_agents_subscriptions(
    client: httpx2.AsyncClient, team: Team
) -> None:
    path = f"/agents/{team.bot.id}/subscriptions"
    made = data(await client.post(path, json=CI, headers=team.admin.headers), 201)  # its owner
    for outsider, code in ((team.other_bot, "human_only"), (team.human, "forbidden")):
        error(await client.post(path, json=CI, headers=outsider.headers), 403, code)
        error(await client.get(path, headers=outsider.headers), 403, code)
        delete = await client.delete(f"{path}/{made['id']}", headers=outsider.headers)
        error(delete, 403, code)
    error(await client.get(path), 401)
    nobody = "/agents/00000000-0000-7000-8000-000000000000/subscriptions"
    error(await client.get(nobody, headers=team.admin.headers), 404, "not_found")
    # Another agent's subscription is not found under this one.
    theirs = f"/agents/{team.other_bot.id}/subscriptions/{made['id']}"
    error(await client.delete(theirs, headers=team.admin.headers), 404, "not_found")
    error(await client.delete(f"{path}/nope", headers=team.admin.headers), 404, "not_found")


async def test_a_subscription_needs_a_known_source_an_event_and_a_flat_filter(
    client: httpx2.AsyncClient, team: Team
) -> None:
    path = f"/agents/{team.bot.id}/subscriptions"
    for bad in (
        {**CI, "source": "gitlab"},
        {**CI, "event": ""},
        {"source": "github"},
        {**CI, "filter": {"repo": {"owner": "org"}}},
        {**CI, "filter": {f"k{n}": n for n in range(21)}},
        {**CI, "filter": {".repo": "x"}},
        {**CI, "filter": ["repo"]},
    ):
        sent = await client.post(path, json=bad, headers=team.bot.headers)
        error(sent, 400, "validation_error")
