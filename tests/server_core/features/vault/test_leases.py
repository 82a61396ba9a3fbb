"""Leases: auto-approval by role, the pending → active → expired / denied / revoked machine,
who may decide and use, the events each step publishes, and uses under concurrency."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import anyio
import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.vault.events import LeaseApproved, LeaseRequested
from server_core.features.vault.lease_expiry import run_once
from server_core.features.vault.tables import vault_leases
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.vault.conftest import Crew, create_item

pytestmark = pytest.mark.anyio


async def _request(
    client: httpx2.AsyncClient, crew: Crew, who: str, item_id: str, **body: Any
) -> dict[str, Any]:
    lease: dict[str, Any] = data(
        await client.post(
            "/vault/leases/request", json={"itemId": item_id, **body}, headers=crew[who].headers
        ),
        201,
    )
    return lease


async def _use(client: httpx2.AsyncClient, crew: Crew, who: str, lease_id: str) -> httpx2.Response:
    return await client.post(f"/vault/leases/{lease_id}/use", headers=crew[who].headers)


async def _drain(subscription: Any) -> list[Event]:
    events = []
    with anyio.move_on_after(0.2):
        while True:
            event = await subscription.get()
            if event is None:
                break
            events.append(event)
    return events


async def test_owners_admins_and_editors_are_approved_at_once_with_defaults(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    for who in ("owner", "admin", "editor", "human"):
        lease = await _request(client, crew, who, item["id"], reason="deploy")
        assert lease["status"] == "active"
        assert lease["approverId"] == crew[who].id
        assert (lease["durationMinutes"], lease["maxUses"], lease["usesRemaining"]) == (60, 10, 10)
        assert lease["expiresAt"].endswith("Z")
    custom = await _request(client, crew, "editor", item["id"], durationMinutes=5, maxUses=2)
    assert (custom["durationMinutes"], custom["maxUses"]) == (5, 2)


@pytest.mark.both_engines
async def test_a_pending_lease_notifies_every_approver_and_approval_notifies_the_requester(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform
) -> None:
    item = (await create_item(client, crew))["item"]
    subscription = platform.bus.subscribe()
    try:
        lease = await _request(client, crew, "viewer", item["id"], reason="Need DB credentials")
        assert lease["status"] == "pending"
        assert lease["expiresAt"] is None
        (requested,) = [e for e in await _drain(subscription) if isinstance(e, LeaseRequested)]
        assert requested.frame() == {
            "type": "vault.lease_request",
            "leaseId": lease["id"],
            "itemId": item["id"],
            "requesterId": crew["viewer"].id,
            "reason": "Need DB credentials",
        }
        approvers = {crew["owner"].id, crew["admin"].id, crew.ada.id, crew.grace.id}
        assert set(requested.route.principal_ids) == approvers

        approved = data(
            await client.post(
                f"/vault/leases/{lease['id']}/approve",
                json={"durationMinutes": 120, "maxUses": 20, "constraints": {"env": "prod"}},
                headers=crew["admin"].headers,
            )
        )
        assert approved["status"] == "active"
        assert (approved["durationMinutes"], approved["maxUses"]) == (120, 20)
        assert approved["constraints"] == {"env": "prod"}
        (event,) = [e for e in await _drain(subscription) if isinstance(e, LeaseApproved)]
        assert event.frame() == {
            "type": "vault.lease_approved",
            "leaseId": lease["id"],
            "itemId": item["id"],
            "approverId": crew["admin"].id,
            "expiresAt": approved["expiresAt"],
        }
        assert event.route.principal_ids == (crew["viewer"].id,)
    finally:
        subscription.close()
    # Approving twice is a conflict, and so is denying a decided lease.
    again = await client.post(
        f"/vault/leases/{lease['id']}/approve", json={}, headers=crew["owner"].headers
    )
    error(again, 409, "lease_not_pending")
    error(
        await client.post(f"/vault/leases/{lease['id']}/deny", headers=crew["owner"].headers),
        409,
        "lease_not_pending",
    )


async def test_approval_defaults_to_an_hour_and_keeps_the_requested_use_limit(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "use_only", item["id"], maxUses=4)
    approved = data(
        await client.post(f"/vault/leases/{lease['id']}/approve", headers=crew.grace.headers)
    )
    assert (approved["durationMinutes"], approved["maxUses"], approved["usesRemaining"]) == (
        60,
        4,
        4,
    )


async def test_nobody_decides_their_own_lease_and_only_approvers_decide(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "viewer", item["id"])
    url = f"/vault/leases/{lease['id']}"
    error(await client.post(f"{url}/approve", json={}, headers=crew["viewer"].headers), 403)
    error(await client.post(f"{url}/approve", json={}, headers=crew["editor"].headers), 403)
    error(await client.post(f"{url}/approve", json={}, headers=crew["outsider"].headers), 404)
    # Promoted to admin meanwhile: still not their own lease to approve.
    data(
        await client.post(
            f"/vault/vaults/{crew.vault_id}/members",
            json={"principalId": crew["viewer"].id, "role": "admin"},
            headers=crew["owner"].headers,
        ),
        201,
    )
    error(await client.post(f"{url}/approve", json={}, headers=crew["viewer"].headers), 403)
    error(await client.post(f"{url}/deny", headers=crew["viewer"].headers), 403)
    listed = data(
        await client.get("/vault/leases", params={"status": "pending"}, headers=crew.ada.headers)
    )
    assert [entry["id"] for entry in listed] == [lease["id"]]
    events = data(await client.get(f"/vault/events/items/{item['id']}", headers=crew.ada.headers))
    denied = [e for e in events if e["outcome"] == "denied"]
    assert {e["action"] for e in denied} == {"lease_approve", "lease_deny"}
    assert len(denied) == 5


async def test_use_returns_the_fields_and_counts_down_to_expired(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "editor", item["id"], maxUses=2)
    first = data(await _use(client, crew, "editor", lease["id"]))
    assert first == {
        "fields": {"username": "admin", "password": "s3cret-canary"},
        "usesRemaining": 1,
    }
    assert data(await _use(client, crew, "editor", lease["id"]))["usesRemaining"] == 0
    error(await _use(client, crew, "editor", lease["id"]), 409, "lease_not_active")
    (stored,) = data(
        await client.get(
            "/vault/leases", params={"itemId": item["id"]}, headers=crew["editor"].headers
        )
    )
    assert (stored["status"], stored["useCount"]) == ("expired", 2)
    events = data(await client.get(f"/vault/events/items/{item['id']}", headers=crew.ada.headers))
    uses = [(e["action"], e["outcome"]) for e in events if e["action"] == "lease_use"]
    assert uses == [("lease_use", "denied"), ("lease_use", "allowed"), ("lease_use", "allowed")]


async def test_only_the_requester_uses_a_lease(client: httpx2.AsyncClient, crew: Crew) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "editor", item["id"])
    error(await _use(client, crew, "owner", lease["id"]), 403)
    error(await _use(client, crew, "outsider", lease["id"]), 404)
    error(await _use(client, crew, "viewer", lease["id"]), 404)


async def test_pending_and_denied_leases_cannot_be_used(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "use_only", item["id"])
    body = error(await _use(client, crew, "use_only", lease["id"]), 409, "lease_not_active")
    assert "pending" in body["error"]
    denied = data(await client.post(f"/vault/leases/{lease['id']}/deny", headers=crew.ada.headers))
    assert denied["status"] == "denied"
    body = error(await _use(client, crew, "use_only", lease["id"]), 409, "lease_not_active")
    assert "denied" in body["error"]
    # A use_only member reveals only through a lease.
    reveal = await client.post(
        f"/vault/items/{item['id']}/reveal", json={}, headers=crew["use_only"].headers
    )
    error(reveal, 403, "vault_access_denied")


@pytest.mark.both_engines
async def test_a_lease_expires_by_time(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform
) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "editor", item["id"])
    other = await _request(client, crew, "editor", item["id"])
    past = utcnow() - timedelta(seconds=1)
    async with platform.store.transaction() as tx:
        await tx.execute(sa.update(vault_leases).values(expires_at=past))
    # Reads show it expired before anything stores it.
    active = data(
        await client.get(
            "/vault/leases", params={"status": "active"}, headers=crew["editor"].headers
        )
    )
    assert active == []
    expired = data(
        await client.get(
            "/vault/leases", params={"status": "expired"}, headers=crew["editor"].headers
        )
    )
    assert {entry["id"] for entry in expired} == {lease["id"], other["id"]}
    wallet = data(await client.get("/vault/wallet", headers=crew["editor"].headers))
    assert wallet["leasedItems"] == []
    error(await _use(client, crew, "editor", lease["id"]), 409, "lease_not_active")
    # The background sweep stores the rest.
    assert await run_once(platform.store) == 1
    async with platform.store.transaction(write=False) as tx:
        statuses = {row["status"] for row in await tx.all(sa.select(vault_leases))}
    assert statuses == {"expired"}


async def test_revoke_takes_effect_at_once(client: httpx2.AsyncClient, crew: Crew) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "editor", item["id"])
    error(
        await client.delete(f"/vault/leases/{lease['id']}", headers=crew["outsider"].headers), 404
    )
    revoked = data(
        await client.delete(f"/vault/leases/{lease['id']}", headers=crew["editor"].headers)
    )
    assert revoked["status"] == "revoked"
    assert revoked["revokedAt"] is not None
    error(await _use(client, crew, "editor", lease["id"]), 409, "lease_not_active")
    error(await client.delete(f"/vault/leases/{lease['id']}", headers=crew.ada.headers), 409)
    # An approver may revoke someone else's lease.
    another = await _request(client, crew, "editor", item["id"])
    assert (
        data(await client.delete(f"/vault/leases/{another['id']}", headers=crew.ada.headers))[
            "status"
        ]
        == "revoked"
    )


async def _concurrent_uses(client: httpx2.AsyncClient, crew: Crew, lease_id: str) -> list[int]:
    statuses: list[int] = []

    async def one() -> None:
        statuses.append((await _use(client, crew, "editor", lease_id)).status_code)

    with anyio.fail_after(60):
        async with anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(one)
    return statuses


@pytest.mark.both_engines
async def test_fifty_concurrent_uses_of_a_three_use_lease_succeed_exactly_three_times(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "editor", item["id"], maxUses=3)
    statuses = await _concurrent_uses(client, crew, lease["id"])
    assert sorted(statuses) == [200] * 3 + [409] * 47
    (stored,) = data(
        await client.get(
            "/vault/leases", params={"itemId": item["id"]}, headers=crew["editor"].headers
        )
    )
    assert (stored["status"], stored["usesRemaining"], stored["useCount"]) == ("expired", 0, 3)
    events = data(
        await client.get(
            f"/vault/events/items/{item['id']}", params={"limit": 100}, headers=crew.ada.headers
        )
    )
    uses = [e for e in events if e["action"] == "lease_use"]
    assert sum(e["outcome"] == "allowed" for e in uses) == 3
    assert sum(e["outcome"] == "denied" for e in uses) == 47


@pytest.mark.both_engines
async def test_a_revoked_lease_gives_nothing_to_concurrent_uses(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    lease = await _request(client, crew, "editor", item["id"], maxUses=3)
    data(await client.delete(f"/vault/leases/{lease['id']}", headers=crew["editor"].headers))
    statuses = await _concurrent_uses(client, crew, lease["id"])
    assert statuses == [409] * 50
