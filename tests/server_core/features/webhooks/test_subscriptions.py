"""Webhook subscriptions over REST: create (secret once), list, get, update, delete, rotate;
who may manage them; event types and URLs refused."""

from __future__ import annotations

import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio


def hooks(agent_id: str) -> str:
    return f"/agents/{agent_id}/webhooks"


async def create(client: httpx2.AsyncClient, team: Team, **body: object) -> dict[str, object]:
    payload = {"url": "http://127.0.0.1:9/hook", "eventTypes": ["message"], **body}
    created: dict[str, object] = data(
        await client.post(hooks(team.bot.id), json=payload, headers=team.bot.headers), 201
    )
    return created


async def test_create_shows_the_secret_once(client: httpx2.AsyncClient, team: Team) -> None:
    created = await create(client, team, eventTypes=["message", "task", "message"])
    secret = created["secret"]
    assert isinstance(secret, str)
    assert secret.startswith("whsec_")
    assert len(secret) > 40
    assert created["eventTypes"] == ["message", "task"]
    assert created["active"] is True
    assert created["channelIds"] is None
    assert created["agentId"] == team.bot.id

    listed = data(await client.get(hooks(team.bot.id), headers=team.bot.headers))
    assert [w["id"] for w in listed] == [created["id"]]
    assert all("secret" not in w for w in listed)
    one = data(
        await client.get(f"{hooks(team.bot.id)}/{created['id']}", headers=team.admin.headers)
    )
    assert "secret" not in one
    assert one["url"] == created["url"]


async def test_update_delete_and_rotate(client: httpx2.AsyncClient, team: Team) -> None:
    created = await create(client, team)
    path = f"{hooks(team.bot.id)}/{created['id']}"
    updated = data(
        await client.patch(
            path,
            json={"active": False, "eventTypes": ["presence"], "url": "https://127.0.0.1/x"},
            headers=team.bot.headers,
        )
    )
    assert updated["active"] is False
    assert updated["eventTypes"] == ["presence"]
    assert updated["url"] == "https://127.0.0.1/x"

    rotated = data(await client.post(f"{path}/rotate-secret", headers=team.bot.headers))
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]

    deleted = data(await client.delete(path, headers=team.bot.headers))
    assert deleted["id"] == created["id"]
    error(await client.get(path, headers=team.bot.headers), 404, "not_found")


async def test_only_the_agent_or_its_managers(client: httpx2.AsyncClient, team: Team) -> None:
    created = await create(client, team)
    path = f"{hooks(team.bot.id)}/{created['id']}"
    error(await client.get(hooks(team.bot.id), headers=team.other_bot.headers), 403)
    error(await client.get(path, headers=team.human.headers), 403)
    error(await client.delete(path, headers=team.other_bot.headers), 403)
    # Another agent's webhook is not found under this agent's path.
    error(
        await client.get(f"{hooks(team.other_bot.id)}/{created['id']}", headers=team.admin.headers),
        404,
    )
    assert data(await client.get(hooks(team.bot.id), headers=team.admin.headers))


async def test_unknown_event_types_are_refused(client: httpx2.AsyncClient, team: Team) -> None:
    refused = error(
        await client.post(
            hooks(team.bot.id),
            json={"url": "http://127.0.0.1:9/", "eventTypes": ["message", "credentials.revoked"]},
            headers=team.bot.headers,
        ),
        400,
        "unknown_event_type",
    )
    assert "credentials.revoked" in refused["error"]
    created = await create(client, team)
    error(
        await client.patch(
            f"{hooks(team.bot.id)}/{created['id']}",
            json={"eventTypes": ["nope"]},
            headers=team.bot.headers,
        ),
        400,
        "unknown_event_type",
    )


class TestPrivateTargetsRefused:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, object]:
        return {"open_registration": True, "webhooks_allow_private": False}

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1/hook",
            "http://localhost:8080/hook",
            "http://10.1.2.3/",
            "http://192.168.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "ftp://example.com/",
            "file:///etc/passwd",
            "http://user:pw@93.184.215.14/",
        ],
    )
    async def test_refused(self, client: httpx2.AsyncClient, team: Team, url: str) -> None:
        error(
            await client.post(
                hooks(team.bot.id),
                json={"url": url, "eventTypes": ["message"]},
                headers=team.bot.headers,
            ),
            400,
            "webhook_url_refused",
        )

    async def test_public_literal_address_is_accepted(
        self, client: httpx2.AsyncClient, team: Team
    ) -> None:
        created = await create(client, team, url="https://93.184.215.14/hook")
        assert created["url"] == "https://93.184.215.14/hook"
        error(
            await client.patch(
                f"{hooks(team.bot.id)}/{created['id']}",
                json={"url": "http://127.0.0.1/"},
                headers=team.bot.headers,
            ),
            400,
            "webhook_url_refused",
        )


async def test_too_long_url_is_refused(client: httpx2.AsyncClient, team: Team) -> None:
    error(
        await client.post(
            hooks(team.bot.id),
            json={"url": "http://127.0.0.1/" + "a" * 2048, "eventTypes": ["message"]},
            headers=team.bot.headers,
        ),
        400,
    )


async def test_a_stranger_gets_403_before_the_url_is_judged(
    client: httpx2.AsyncClient, team: Team
) -> None:
    error(
        await client.post(
            hooks(team.bot.id),
            json={"url": "ftp://nowhere/", "eventTypes": ["nope"]},
            headers=team.other_bot.headers,
        ),
        403,
    )


async def test_a_host_that_does_not_resolve_is_refused(
    client: httpx2.AsyncClient, team: Team
) -> None:
    error(
        await client.post(
            hooks(team.bot.id),
            json={"url": "https://no-such-host.invalid/hook", "eventTypes": ["message"]},
            headers=team.bot.headers,
        ),
        400,
        "webhook_url_refused",
    )
