"""The spec's vault role table, operation by operation, for every kind of caller: the five
vault roles (agents), an agent outside the vault, and a human (an implicit admin).

Callers who cannot see a vault or item get 404 (nothing leaks that it exists); members whose
role lacks the permission get 403; every denied write is recorded as a denied access event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
import pytest

from tests.helpers import data
from tests.server_core.features.vault.conftest import ROLES, Crew, create_item

pytestmark = pytest.mark.anyio

CALLERS = (*ROLES, "outsider", "human")
TOTP_SECRET = "JBSWY3DPEHPK3PXP"

Op = Callable[[httpx2.AsyncClient, Crew, str, str], Awaitable[httpx2.Response]]


async def _get_vault(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.get(f"/vault/vaults/{crew.vault_id}", headers=crew[who].headers)


async def _update_vault(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.patch(
        f"/vault/vaults/{crew.vault_id}",
        json={"sensitivityLabel": "high"},
        headers=crew[who].headers,
    )


async def _masking(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.put(
        f"/vault/vaults/{crew.vault_id}/masking-policy",
        json={"maskingPolicy": {"alwaysMask": ["pin"]}},
        headers=crew[who].headers,
    )


async def _list_members(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.get(f"/vault/vaults/{crew.vault_id}/members", headers=crew[who].headers)


async def _add_member(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    newcomer = crew.agents["outsider"].id
    response = await c.post(
        f"/vault/vaults/{crew.vault_id}/members",
        json={"principalId": newcomer, "role": "viewer"},
        headers=crew[who].headers,
    )
    if response.status_code == 201:  # keep the outsider outside for the next cells
        data(
            await c.delete(
                f"/vault/vaults/{crew.vault_id}/members/{newcomer}",
                headers=crew["owner"].headers,
            )
        )
    return response


async def _create_item(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    body = {"vaultId": crew.vault_id, "name": "New", "type": "api_key", "fields": {"key": "k"}}
    return await c.post("/vault/items", json=body, headers=crew[who].headers)


async def _get_item(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.get(f"/vault/items/{item}", headers=crew[who].headers)


async def _reveal(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.post(f"/vault/items/{item}/reveal", json={}, headers=crew[who].headers)


async def _totp(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.post(f"/vault/items/{item}/totp", headers=crew[who].headers)


async def _update_item(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.patch(
        f"/vault/items/{item}", json={"fields": {"password": "new"}}, headers=crew[who].headers
    )


async def _delete_item(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.delete(f"/vault/items/{item}", headers=crew[who].headers)


async def _share(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    target = crew.ada.id if who != "human" else crew.agents["outsider"].id
    return await c.post(
        f"/vault/items/{item}/share",
        json={"principalId": target, "canReveal": True},
        headers=crew[who].headers,
    )


async def _lease(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.post(
        "/vault/leases/request", json={"itemId": item, "reason": "test"}, headers=crew[who].headers
    )


async def _item_events(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    return await c.get(f"/vault/events/items/{item}", headers=crew[who].headers)


async def _delete_vault(c: httpx2.AsyncClient, crew: Crew, who: str, item: str) -> httpx2.Response:
    # A vault of its own per cell, with the caller in the role under test.
    owner = crew["owner"].headers
    vault = data(await c.post("/vault/vaults", json={"name": "Scratch"}, headers=owner), 201)
    if who in ROLES[1:]:
        data(
            await c.post(
                f"/vault/vaults/{vault['id']}/members",
                json={"principalId": crew[who].id, "role": who},
                headers=owner,
            ),
            201,
        )
    return await c.delete(f"/vault/vaults/{vault['id']}", headers=crew[who].headers)


# Expected status per caller, in the order of CALLERS:
#                       owner admin editor viewer use_only outsider human
MATRIX: dict[str, tuple[Op, bool, tuple[int, ...]]] = {
    "get vault": (_get_vault, False, (200, 200, 200, 200, 200, 404, 200)),
    "update vault": (_update_vault, True, (200, 200, 403, 403, 403, 404, 200)),
    "set masking policy": (_masking, True, (200, 200, 403, 403, 403, 404, 200)),
    "list members": (_list_members, False, (200, 200, 200, 200, 200, 404, 200)),
    "add member": (_add_member, True, (201, 201, 403, 403, 403, 404, 201)),
    "delete vault": (_delete_vault, True, (200, 403, 403, 403, 403, 404, 403)),
    "create item": (_create_item, True, (201, 201, 201, 403, 403, 404, 201)),
    "get item": (_get_item, False, (200, 200, 200, 200, 200, 404, 200)),
    "reveal": (_reveal, True, (200, 200, 200, 200, 403, 404, 200)),
    "totp": (_totp, True, (200, 200, 200, 200, 403, 404, 200)),
    "edit item": (_update_item, True, (200, 200, 200, 403, 403, 404, 200)),
    "delete item": (_delete_item, True, (200, 200, 403, 403, 403, 404, 200)),
    "share item": (_share, True, (200, 200, 403, 403, 403, 404, 200)),
    "request lease": (_lease, True, (201, 201, 201, 201, 201, 404, 201)),
    "item events": (_item_events, False, (200, 200, 403, 403, 403, 404, 200)),
}


async def _denied_count(client: httpx2.AsyncClient, crew: Crew) -> int:
    count = 0
    offset: Any = 0
    while offset is not None:
        response = await client.get(
            "/vault/events", params={"limit": 100, "offset": offset}, headers=crew.ada.headers
        )
        body = response.json()
        count += sum(1 for event in body["data"] if event["outcome"] == "denied")
        offset = body["pagination"]["cursor"]
    return count


async def test_every_role_gets_what_the_role_table_says(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    mismatches = []
    for name, (operation, is_write, expected) in MATRIX.items():
        for who, status in zip(CALLERS, expected, strict=True):
            item = await create_item(client, crew, typeMetadata={"totpSecret": TOTP_SECRET})
            denied_before = await _denied_count(client, crew)
            response = await operation(client, crew, who, item["item"]["id"])
            if response.status_code != status:
                mismatches.append((name, who, status, response.status_code, response.text))
                continue
            if status >= 400:
                body = response.json()
                assert body["status"] == status
                assert body["error"]
                if is_write:
                    # The denial is in the trail.
                    assert await _denied_count(client, crew) == denied_before + 1, (name, who)
    assert not mismatches, mismatches


async def test_share_holders_see_the_item_and_reveal_only_with_can_reveal(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    outsider = crew["outsider"]
    share_url = f"/vault/items/{item['id']}/share"
    data(
        await client.post(
            share_url,
            json={"principalId": outsider.id, "canReveal": False},
            headers=crew.ada.headers,
        )
    )
    assert (
        await client.get(f"/vault/items/{item['id']}", headers=outsider.headers)
    ).status_code == 200
    reveal = f"/vault/items/{item['id']}/reveal"
    assert (await client.post(reveal, json={}, headers=outsider.headers)).status_code == 403
    data(
        await client.post(
            share_url,
            json={"principalId": outsider.id, "canReveal": True},
            headers=crew.ada.headers,
        )
    )
    revealed = data(await client.post(reveal, json={}, headers=outsider.headers))
    assert revealed["fields"]["password"] == "s3cret-canary"
    # Share holders get a pending lease, like viewers.
    lease = data(
        await client.post(
            "/vault/leases/request", json={"itemId": item["id"]}, headers=outsider.headers
        ),
        201,
    )
    assert lease["status"] == "pending"
    data(await client.delete(f"{share_url}/{outsider.id}", headers=crew.ada.headers))
    assert (await client.post(reveal, json={}, headers=outsider.headers)).status_code == 404


@pytest.mark.both_engines
async def test_an_expired_share_grants_nothing(
    client: httpx2.AsyncClient, crew: Crew, platform: Any
) -> None:
    import sqlalchemy as sa

    from server_core.features.vault.tables import vault_item_shares
    from server_core.kernel.clock import utcnow

    item = (await create_item(client, crew))["item"]
    outsider = crew["outsider"]
    data(
        await client.post(
            f"/vault/items/{item['id']}/share",
            json={
                "principalId": outsider.id,
                "canReveal": True,
                "expiresAt": "2999-01-01T00:00:00Z",
            },
            headers=crew.ada.headers,
        )
    )
    async with platform.store.transaction() as tx:
        await tx.execute(sa.update(vault_item_shares).values(expires_at=utcnow()))
    response = await client.post(
        f"/vault/items/{item['id']}/reveal", json={}, headers=outsider.headers
    )
    assert response.status_code == 404
    wallet = data(await client.get("/vault/wallet", headers=outsider.headers))
    assert wallet["sharedItems"] == []


async def test_humans_are_admins_of_every_vault_including_later_ones(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    from tests.helpers import bearer, register

    late = await register(client, "late@example.com", "late", "Late")
    headers = bearer(late["accessToken"])
    vault = data(await client.get(f"/vault/vaults/{crew.vault_id}", headers=headers))
    assert vault["role"] == "admin"
    members = data(await client.get(f"/vault/vaults/{crew.vault_id}/members", headers=headers))
    roles = {m["handle"]: (m["role"], m["implicit"]) for m in members}
    assert roles["late"] == ("admin", True)
    assert roles["owner-bot"] == ("owner", False)
    assert roles["use-only-bot"] == ("use_only", False)
    assert "outsider-bot" not in roles
    listed = data(await client.get("/vault/vaults", headers=crew["outsider"].headers))
    assert listed == []
