"""Vaults and items over REST: creation, hints, masking, reveal, updates, listing, the
wallet, shares and their event, alert rules, the access trail, attachments, bad input, and
secrets kept out of logs and events."""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
import httpx2
import pytest
import sqlalchemy as sa

from server_core.features.vault.events import ItemShared
from server_core.features.vault.tables import (
    vault_alert_deliveries,
    vault_item_fields,
    vault_items,
    vaults,
)
from server_core.kernel.events import Event
from server_core.kernel.logs import JsonFormatter
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.vault.conftest import Crew, create_item

pytestmark = pytest.mark.anyio

CANARY = "canary-4b2e-never-logged"
UNKNOWN = "01900000-0000-7000-8000-000000000000"


async def _drain(subscription: Any) -> list[Event]:
    events = []
    with anyio.move_on_after(0.2):
        while True:
            event = await subscription.get()
            if event is None:
                break
            events.append(event)
    return events


@pytest.mark.both_engines
async def test_create_vault_defaults_and_updates(client: httpx2.AsyncClient, crew: Crew) -> None:
    body = {"name": "Payments", "description": "Cards", "maskingPolicy": {"alwaysMask": ["pin"]}}
    vault = data(await client.post("/vault/vaults", json=body, headers=crew.grace.headers), 201)
    assert vault["sensitivityLabel"] == "medium"
    assert vault["maskingPolicy"] == {"alwaysMask": ["pin"], "neverMask": []}
    assert vault["role"] == "owner"
    assert vault["itemCount"] == 0
    updated = data(
        await client.patch(
            f"/vault/vaults/{vault['id']}",
            json={"name": "Payments (v2)", "sensitivityLabel": "critical", "description": None},
            headers=crew.ada.headers,
        )
    )
    assert (updated["name"], updated["sensitivityLabel"], updated["description"]) == (
        "Payments (v2)",
        "critical",
        None,
    )
    assert updated["role"] == "admin"
    cleared = data(
        await client.put(
            f"/vault/vaults/{vault['id']}/masking-policy",
            json={"maskingPolicy": None},
            headers=crew.ada.headers,
        )
    )
    assert cleared["maskingPolicy"] is None
    listed = data(await client.get("/vault/vaults", headers=crew.grace.headers))
    assert {v["name"] for v in listed} == {"Production", "Payments (v2)"}


async def test_items_infer_hints_and_never_show_values(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    fields = [
        {"fieldKey": "username", "plaintext": "ada"},
        {"fieldKey": "pwd", "plaintext": "p"},
        {"fieldKey": "email", "plaintext": "a@x"},
        {"fieldKey": "DATABASE_URL", "plaintext": "postgres://"},
        {"fieldKey": "otp", "plaintext": "JBSWY3DP"},
        {"fieldKey": "pin", "plaintext": "1234"},
        {"fieldKey": "refresh_token", "plaintext": "t"},
        {"fieldKey": "AWS_SECRET_ACCESS_KEY", "plaintext": "k"},
        {"fieldKey": "notes", "plaintext": "n"},
        {"fieldKey": "recovery", "plaintext": "r"},
        {"fieldKey": "custom", "plaintext": "c"},
    ]
    detail = await create_item(
        client,
        crew,
        fields=fields,
        fieldHints={"custom": "other"},
        tags=["prod", "prod", "db"],
        url="https://db.example.com",
        notes="Primary",
    )
    assert detail["fieldKeys"] == [f["fieldKey"] for f in fields]
    assert detail["fieldHints"] == {
        "username": "username",
        "pwd": "password",
        "email": "email",
        "DATABASE_URL": "url",
        "otp": "totp",
        "pin": "pin",
        "refresh_token": "token",
        "AWS_SECRET_ACCESS_KEY": "key",
        "notes": "note",
        "recovery": "secret",
        "custom": "other",
    }
    item = detail["item"]
    assert item["tags"] == ["prod", "db"]
    assert item["status"] == "active"
    assert item["lastAccessedAt"] is None
    fetched = data(await client.get(f"/vault/items/{item['id']}", headers=crew["viewer"].headers))
    assert set(fetched) == {"item", "fieldKeys", "fieldHints", "maskingPolicy", "attachments"}
    assert fetched["attachments"] == []
    assert fetched["maskingPolicy"] == {"alwaysMask": [], "neverMask": []}
    assert "ada" not in json.dumps(fetched["fieldHints"])
    assert "postgres://" not in json.dumps(fetched)


@pytest.mark.both_engines
async def test_reveal_subsets_masks_by_hint_and_records_the_access(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    data(
        await client.put(
            f"/vault/vaults/{crew.vault_id}/masking-policy",
            json={"maskingPolicy": {"alwaysMask": ["password", "pin"], "neverMask": ["username"]}},
            headers=crew["owner"].headers,
        )
    )
    item = (
        await create_item(client, crew, fields={"username": "ada", "password": "pw", "pin": "1"})
    )["item"]
    url = f"/vault/items/{item['id']}/reveal"
    everything = data(await client.post(url, headers=crew["viewer"].headers))
    assert everything["fields"] == {"username": "ada", "password": "••••••••", "pin": "••••••••"}
    assert everything["maskingPolicy"] == {
        "alwaysMask": ["password", "pin"],
        "neverMask": ["username"],
    }
    subset = data(await client.post(url, json={"fields": ["username"]}, headers=crew.ada.headers))
    assert subset == {
        "fields": {"username": "ada"},
        "fieldHints": {"username": "username"},
        "maskingPolicy": everything["maskingPolicy"],
    }
    error(
        await client.post(url, json={"fields": ["nope"]}, headers=crew.ada.headers),
        400,
        "unknown_field",
    )
    fetched = data(await client.get(f"/vault/items/{item['id']}", headers=crew.ada.headers))
    assert fetched["item"]["lastAccessedAt"] is not None
    events = data(await client.get(f"/vault/events/items/{item['id']}", headers=crew.ada.headers))
    assert [(e["action"], e["outcome"], e["fields"]) for e in events] == [
        ("reveal", "allowed", ["username"]),
        ("reveal", "allowed", ["username", "password", "pin"]),
    ]
    assert events[0]["principalId"] == crew.ada.id
    assert events[0]["vaultId"] == crew.vault_id


@pytest.mark.both_engines
async def test_update_merges_fields_and_marks_rotation(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    url = f"/vault/items/{item['id']}"
    renamed = data(
        await client.patch(
            url, json={"name": "Renamed", "tags": ["a"]}, headers=crew["editor"].headers
        )
    )
    assert renamed["item"]["lastRotatedAt"] is None
    assert renamed["item"]["name"] == "Renamed"
    rotated = data(
        await client.patch(
            url,
            json={
                "fields": {"password": "new", "api_key": "k"},
                "fieldHints": {"username": "email"},
            },
            headers=crew["editor"].headers,
        )
    )
    assert rotated["item"]["lastRotatedAt"] is not None
    assert rotated["fieldKeys"] == ["username", "password", "api_key"]
    assert rotated["fieldHints"] == {"username": "email", "password": "password", "api_key": "key"}
    revealed = data(await client.post(f"{url}/reveal", json={}, headers=crew.ada.headers))
    assert revealed["fields"] == {"username": "admin", "password": "new", "api_key": "k"}


@pytest.mark.both_engines
async def test_list_filters_by_vault_type_and_name(client: httpx2.AsyncClient, crew: Crew) -> None:
    await create_item(client, crew, name="Database primary")
    await create_item(client, crew, name="Stripe", type="api_key", fields={"key": "sk"})
    names = lambda items: sorted(i["name"] for i in items)  # noqa: E731
    everything = data(await client.get("/vault/items", headers=crew["viewer"].headers))
    assert names(everything) == ["Database primary", "Stripe"]
    by_q = data(await client.get("/vault/items", params={"q": "DATA"}, headers=crew.ada.headers))
    assert names(by_q) == ["Database primary"]
    by_type = data(
        await client.get("/vault/items", params={"type": "api_key"}, headers=crew.ada.headers)
    )
    assert names(by_type) == ["Stripe"]
    wild = data(await client.get("/vault/items", params={"q": "%"}, headers=crew.ada.headers))
    assert wild == []
    other = data(
        await client.get("/vault/items", params={"vaultId": UNKNOWN}, headers=crew.ada.headers)
    )
    assert other == []
    assert data(await client.get("/vault/items", headers=crew["outsider"].headers)) == []
    error(await client.get("/vault/items", params={"type": "bogus"}, headers=crew.ada.headers), 400)


@pytest.mark.both_engines
async def test_wallet_lists_member_shared_and_leased_items(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    outsider = crew["outsider"]
    data(
        await client.post(
            f"/vault/items/{item['id']}/share",
            json={"principalId": outsider.id, "canReveal": True},
            headers=crew.ada.headers,
        )
    )
    lease = data(
        await client.post(
            "/vault/leases/request", json={"itemId": item["id"]}, headers=crew["editor"].headers
        ),
        201,
    )
    editor = data(await client.get("/vault/wallet", headers=crew["editor"].headers))
    assert editor["memberItems"] == [
        {
            "id": item["id"],
            "name": "DB Password",
            "type": "login",
            "vaultId": crew.vault_id,
            "vaultName": "Production",
            "accessType": "vault_member:editor",
        }
    ]
    assert editor["sharedItems"] == []
    (leased,) = editor["leasedItems"]
    assert (leased["accessType"], leased["leaseId"], leased["leaseExpiresAt"]) == (
        "lease",
        lease["id"],
        lease["expiresAt"],
    )
    shared = data(await client.get("/vault/wallet", headers=outsider.headers))
    assert shared["memberItems"] == []
    assert [(s["id"], s["accessType"], s["canReveal"]) for s in shared["sharedItems"]] == [
        (item["id"], "share", True)
    ]
    human = data(await client.get("/vault/wallet", headers=crew.grace.headers))
    assert human["memberItems"][0]["accessType"] == "vault_member:admin"


async def test_sharing_publishes_item_shared_to_that_principal_only(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform
) -> None:
    item = (await create_item(client, crew))["item"]
    subscription = platform.bus.subscribe()
    try:
        share = data(
            await client.post(
                f"/vault/items/{item['id']}/share",
                json={
                    "principalId": crew["outsider"].id,
                    "canReveal": True,
                    "allowedDomains": ["Example.com"],
                    "expiresAt": "2999-04-01T00:00:00Z",
                },
                headers=crew["admin"].headers,
            )
        )
        (event,) = [e for e in await _drain(subscription) if isinstance(e, ItemShared)]
    finally:
        subscription.close()
    assert event.frame() == {
        "type": "vault.item_shared",
        "itemId": item["id"],
        "sharedBy": crew["admin"].id,
        "canReveal": True,
    }
    assert event.route.principal_ids == (crew["outsider"].id,)
    assert share["allowedDomains"] == ["example.com"]
    assert share["expiresAt"] == "2999-04-01T00:00:00.000Z"


async def test_secrets_never_reach_logs_or_events(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    channel = data(
        await client.post(
            "/channels", json={"kind": "group", "name": "sec"}, headers=crew.ada.headers
        ),
        201,
    )
    data(
        await client.post(
            "/vault/alerts",
            json={
                "trigger": "every_access",
                "destination": "channel",
                "destinationConfig": {"channelId": channel["id"]},
            },
            headers=crew.ada.headers,
        ),
        201,
    )
    subscription = platform.bus.subscribe()
    try:
        with caplog.at_level(logging.DEBUG):
            item = await create_item(client, crew, fields={"password": CANARY}, notes="plain")
            item_id = item["item"]["id"]
            data(
                await client.post(
                    f"/vault/items/{item_id}/reveal", json={}, headers=crew.ada.headers
                )
            )
            data(
                await client.patch(
                    f"/vault/items/{item_id}",
                    json={"fields": {"password": CANARY + "2"}},
                    headers=crew.ada.headers,
                )
            )
            lease = data(
                await client.post(
                    "/vault/leases/request",
                    json={"itemId": item_id},
                    headers=crew["viewer"].headers,
                ),
                201,
            )
            data(
                await client.post(
                    f"/vault/leases/{lease['id']}/approve", json={}, headers=crew.ada.headers
                )
            )
            data(
                await client.post(
                    f"/vault/leases/{lease['id']}/use", headers=crew["viewer"].headers
                )
            )
            data(
                await client.post(
                    f"/vault/items/{item_id}/share",
                    json={"principalId": crew["outsider"].id, "canReveal": True},
                    headers=crew.ada.headers,
                )
            )
        events = await _drain(subscription)
    finally:
        subscription.close()
    formatter = JsonFormatter()
    for record in caplog.records:
        assert CANARY not in formatter.format(record)
    assert caplog.records  # the requests were logged
    types = {event.wire_name for event in events}
    assert {"vault.lease_request", "vault.lease_approved", "vault.item_shared", "message"} <= types
    for event in events:
        assert CANARY not in event.to_json().decode()
    history = data(
        await client.get(f"/channels/{channel['id']}/messages", headers=crew.ada.headers)
    )
    texts = [m["plaintext"] for m in history if m["kind"] == "system"]
    assert texts == [
        "Vault alert (every_access): @ada reveal allowed item 'DB Password' in vault 'Production'",
        "Vault alert (every_access): @viewer-bot lease use allowed item 'DB Password' in vault "
        "'Production'",
    ]


@pytest.mark.both_engines
async def test_alert_rules_fire_on_denials_thresholds_and_lease_requests(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform
) -> None:
    item = (await create_item(client, crew))["item"]
    rules = [
        {"vaultId": crew.vault_id, "trigger": "denied", "destination": "push"},
        {
            "itemId": item["id"],
            "trigger": "threshold",
            "threshold": 2,
            "destination": "email",
            "destinationConfig": {"to": "sec@example.com"},
        },
        {"trigger": "lease_request", "destination": "push"},
    ]
    for rule in rules:
        data(await client.post("/vault/alerts", json=rule, headers=crew.ada.headers), 201)
    reveal = f"/vault/items/{item['id']}/reveal"
    error(await client.post(reveal, json={}, headers=crew["use_only"].headers), 403)
    for _ in range(4):
        data(await client.post(reveal, json={}, headers=crew["viewer"].headers))
    data(
        await client.post(
            "/vault/leases/request", json={"itemId": item["id"]}, headers=crew["viewer"].headers
        ),
        201,
    )
    async with platform.store.transaction(write=False) as tx:
        deliveries = await tx.all(
            sa.select(vault_alert_deliveries).order_by(vault_alert_deliveries.c.created_at)
        )
    fired = [(d["destination"], d["status"], d["payload"]["trigger"]) for d in deliveries]
    # The threshold fires once when the third access passes it, then rests for the hour.
    assert fired == [
        ("push", "pending", "denied"),
        ("email", "pending", "threshold"),
        ("push", "pending", "lease_request"),
    ]
    listed = data(await client.get("/vault/alerts", headers=crew.ada.headers))
    assert len(listed) == 3
    assert data(await client.get("/vault/alerts", headers=crew["viewer"].headers)) == []
    # Scoped rules are for the vault's managers; workspace-wide ones for humans.
    error(await client.post("/vault/alerts", json=rules[0], headers=crew["editor"].headers), 403)
    error(await client.post("/vault/alerts", json=rules[2], headers=crew["owner"].headers), 403)
    error(
        await client.post(
            "/vault/alerts",
            json={"trigger": "threshold", "destination": "push"},
            headers=crew.ada.headers,
        ),
        400,
    )
    error(
        await client.post(
            "/vault/alerts",
            json={"trigger": "denied", "destination": "channel"},
            headers=crew.ada.headers,
        ),
        400,
    )
    gone = data(await client.delete(f"/vault/alerts/{listed[0]['id']}", headers=crew.ada.headers))
    assert gone["id"] == listed[0]["id"]
    error(await client.delete(f"/vault/alerts/{listed[0]['id']}", headers=crew.ada.headers), 404)


@pytest.mark.both_engines
async def test_the_trail_pages_and_is_for_managers(client: httpx2.AsyncClient, crew: Crew) -> None:
    item = (await create_item(client, crew))["item"]
    for _ in range(3):
        data(
            await client.post(
                f"/vault/items/{item['id']}/reveal", json={}, headers=crew.ada.headers
            )
        )
    first = (
        await client.get("/vault/events", params={"limit": 2}, headers=crew.ada.headers)
    ).json()
    assert len(first["data"]) == 2
    assert first["pagination"] == {"cursor": 2, "hasMore": True}
    rest = (
        await client.get(
            "/vault/events", params={"limit": 2, "offset": 2}, headers=crew.ada.headers
        )
    ).json()
    assert rest["data"]
    assert {e["id"] for e in first["data"]}.isdisjoint(e["id"] for e in rest["data"])
    error(await client.get("/vault/events", params={"limit": 101}, headers=crew.ada.headers), 400)
    error(await client.get("/vault/events", params={"limit": 0}, headers=crew.ada.headers), 400)
    # Agents see the trail of the vaults they manage only.
    assert data(await client.get("/vault/events", headers=crew["owner"].headers))
    assert data(await client.get("/vault/events", headers=crew["viewer"].headers)) == []
    error(
        await client.get(f"/vault/events/items/{item['id']}", headers=crew["viewer"].headers), 403
    )


async def test_members_can_be_changed_but_the_last_owner_stays(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    url = f"/vault/vaults/{crew.vault_id}/members"
    owner = crew["owner"]
    error(await client.delete(f"{url}/{owner.id}", headers=crew.ada.headers), 403)
    error(await client.delete(f"{url}/{owner.id}", headers=owner.headers), 409)
    error(
        await client.post(
            url,
            json={"principalId": crew["admin"].id, "role": "owner"},
            headers=crew["admin"].headers,
        ),
        403,
    )
    error(
        await client.post(
            url, json={"principalId": UNKNOWN, "role": "viewer"}, headers=owner.headers
        ),
        404,
    )
    removed = data(await client.delete(f"{url}/{crew['viewer'].id}", headers=crew["admin"].headers))
    assert removed["role"] == "viewer"
    error(await client.get(f"/vault/vaults/{crew.vault_id}", headers=crew["viewer"].headers), 404)
    error(await client.delete(f"{url}/{crew.grace.id}", headers=owner.headers), 404)


BAD_ITEMS = [
    ({"type": "password"}, "type"),
    ({"fieldHints": {"password": "secretish"}}, "fieldHints.password"),
    ({"fields": {}}, "fields"),
    ({"fields": {"password": 5}}, "fields"),
    (
        {"fields": [{"fieldKey": "a", "plaintext": "1"}, {"fieldKey": "a", "plaintext": "2"}]},
        "fields",
    ),
    ({"fields": {"": "x"}}, "fields"),
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"tags": ["x"] * 51}, "tags"),
    ({"vaultId": "not-a-uuid"}, "vaultId"),
    ({"fields": {"a": "nul\u0000"}}, "fields"),
]


@pytest.mark.parametrize(("change", "field"), BAD_ITEMS)
async def test_bad_items_are_refused_and_nothing_is_written(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, change: dict[str, Any], field: str
) -> None:
    body = {
        "vaultId": crew.vault_id,
        "name": "x",
        "type": "login",
        "fields": {"password": "p"},
        **change,
    }
    response = await client.post("/vault/items", json=body, headers=crew.ada.headers)
    problem = error(response, 400, "validation_error")
    assert problem["error"].startswith(field), problem
    async with platform.store.transaction(write=False) as tx:
        assert await tx.scalar(sa.select(sa.func.count()).select_from(vault_items)) == 0
        assert await tx.scalar(sa.select(sa.func.count()).select_from(vault_item_fields)) == 0


async def test_other_bad_input_gets_the_error_shape(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform
) -> None:
    headers = crew.ada.headers
    overlap = {"maskingPolicy": {"alwaysMask": ["password"], "neverMask": ["password"]}}
    error(await client.post("/vault/vaults", json={"name": "V", **overlap}, headers=headers), 400)
    error(
        await client.put(
            f"/vault/vaults/{crew.vault_id}/masking-policy", json=overlap, headers=headers
        ),
        400,
    )
    error(
        await client.put(
            f"/vault/vaults/{crew.vault_id}/masking-policy",
            json={"maskingPolicy": {"alwaysMask": ["ssn"]}},
            headers=headers,
        ),
        400,
    )
    error(
        await client.put(f"/vault/vaults/{crew.vault_id}/masking-policy", json={}, headers=headers),
        400,
    )
    error(
        await client.post(
            "/vault/vaults", json={"name": "V", "sensitivityLabel": "top"}, headers=headers
        ),
        400,
    )
    error(
        await client.patch(f"/vault/vaults/{crew.vault_id}", json={"name": None}, headers=headers),
        400,
    )
    error(await client.get(f"/vault/items/{UNKNOWN}", headers=headers), 404)
    error(await client.get("/vault/items/not-a-uuid", headers=headers), 404)
    error(await client.post(f"/vault/items/{UNKNOWN}/reveal", json={}, headers=headers), 404)
    error(
        await client.post(
            "/vault/items",
            json={"vaultId": UNKNOWN, "name": "x", "type": "login", "fields": {"a": "b"}},
            headers=headers,
        ),
        404,
    )
    error(
        await client.post(
            "/vault/items",
            json={
                "vaultId": crew.vault_id,
                "name": "x",
                "type": "login",
                "fields": {"a": "b"},
                "fieldHints": {"b": "pin"},
            },
            headers=headers,
        ),
        400,
    )
    error(
        await client.post("/vault/leases/request", json={"itemId": UNKNOWN}, headers=headers), 404
    )
    item = (await create_item(client, crew))["item"]
    error(
        await client.post(
            "/vault/leases/request", json={"itemId": item["id"], "maxUses": 0}, headers=headers
        ),
        400,
    )
    error(
        await client.post(
            f"/vault/items/{item['id']}/share",
            json={"principalId": crew["outsider"].id, "expiresAt": "2001-01-01T00:00:00Z"},
            headers=headers,
        ),
        400,
    )
    error(await client.get("/vault/leases", params={"status": "odd"}, headers=headers), 400)
    async with platform.store.transaction(write=False) as tx:
        assert await tx.scalar(sa.select(sa.func.count()).select_from(vaults)) == 1
