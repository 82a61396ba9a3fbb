"""Encryption at rest, in the manner of a storage barrier's tests: what the database holds
never contains a plaintext, any flipped byte or moved ciphertext fails to open, rotation keeps
old items readable, and the audit trail fails closed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from server_core.app import create_app
from server_core.cli import main
from server_core.config import Settings
from server_core.features.vault.envelope import SealedField, open_field, seal_field
from server_core.features.vault.tables import vault_item_fields, vault_items, vault_leases
from server_core.kernel.keyring import KeyringError
from server_core.kernel.platform import Platform, open_platform
from server_core.kernel.store.tables import metadata
from tests.helpers import data, error
from tests.server_core.features.vault.conftest import Crew, create_item

pytestmark = pytest.mark.anyio

CANARY = "canary-7d1f3e9a-never-in-plain"


def _flip(raw: bytes, index: int) -> bytes:
    return raw[:index] + bytes([raw[index] ^ 0x01]) + raw[index + 1 :]


@pytest.mark.both_engines
async def test_the_database_never_holds_a_plaintext(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    item = await create_item(client, crew, fields={"password": CANARY, "user": "ada"})
    data(
        await client.patch(
            f"/vault/items/{item['item']['id']}",
            json={"fields": {"token": CANARY + "-2"}, "typeMetadata": {"totpSecret": "JBSWY3DP"}},
            headers=crew.ada.headers,
        )
    )
    revealed = data(
        await client.post(
            f"/vault/items/{item['item']['id']}/reveal", json={}, headers=crew.ada.headers
        )
    )
    assert revealed["fields"]["password"] == CANARY
    async with platform.store.transaction(write=False) as tx:
        for table in metadata.sorted_tables:
            for row in await tx.all(sa.select(table)):
                for value in row.values():
                    text = (
                        value if isinstance(value, str | bytes) else json.dumps(value, default=str)
                    )
                    needle: Any = CANARY.encode() if isinstance(text, bytes) else CANARY
                    assert needle not in text, table.name
                    assert (b"JBSWY3DP" if isinstance(text, bytes) else "JBSWY3DP") not in text
    if platform.store.is_sqlite:
        database = Path(settings.sqlalchemy_url.removeprefix("sqlite:///"))
        for path in database.parent.glob(database.name + "*"):
            assert CANARY.encode() not in path.read_bytes(), path


@pytest.mark.both_engines
async def test_every_field_has_its_own_data_key_and_master_key_id(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform
) -> None:
    await create_item(client, crew, fields={"a": "same", "b": "same"})
    async with platform.store.transaction(write=False) as tx:
        rows = await tx.all(sa.select(vault_item_fields))
    assert len({bytes(row["wrapped_key"]) for row in rows}) == len(rows)
    assert len({bytes(row["ciphertext"]) for row in rows}) == len(rows)
    assert {row["master_key_id"] for row in rows} == {platform.keyring.masters.current_id}


async def test_a_flipped_byte_anywhere_fails_to_open(platform: Platform) -> None:
    keyring = platform.keyring
    sealed = seal_field(keyring, "item-1", "field", "password", CANARY)
    assert open_field(keyring, "item-1", "field", "password", sealed) == CANARY
    tampered = [
        SealedField(_flip(sealed.ciphertext, 12), sealed.wrapped_key, sealed.master_key_id),
        SealedField(_flip(sealed.ciphertext, 0), sealed.wrapped_key, sealed.master_key_id),
        SealedField(_flip(sealed.ciphertext, -1), sealed.wrapped_key, sealed.master_key_id),
        SealedField(sealed.ciphertext, _flip(sealed.wrapped_key, 20), sealed.master_key_id),
        SealedField(sealed.ciphertext, _flip(sealed.wrapped_key, -1), sealed.master_key_id),
        SealedField(sealed.ciphertext[:-1], sealed.wrapped_key, sealed.master_key_id),
    ]
    for bad in tampered:
        with pytest.raises(KeyringError):
            open_field(keyring, "item-1", "field", "password", bad)
    with pytest.raises(KeyringError):
        open_field(keyring, "item-1", "field", "password", SealedField(b"", b"", "no-such-key"))


async def test_a_ciphertext_moved_to_another_field_or_item_fails_to_open(
    platform: Platform,
) -> None:
    keyring = platform.keyring
    sealed = seal_field(keyring, "item-1", "field", "password", CANARY)
    for item_id, slot, key in [
        ("item-2", "field", "password"),
        ("item-1", "field", "username"),
        ("item-1", "meta", "password"),
    ]:
        with pytest.raises(KeyringError):
            open_field(keyring, item_id, slot, key, sealed)
    # Only the ciphertext moved, with another field's (valid) wrapped key: still refused.
    other = seal_field(keyring, "item-2", "field", "password", "other")
    with pytest.raises(KeyringError):
        open_field(
            keyring,
            "item-2",
            "field",
            "password",
            SealedField(sealed.ciphertext, other.wrapped_key, other.master_key_id),
        )


@pytest.mark.both_engines
async def test_a_field_copied_between_items_in_the_database_does_not_reveal(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform
) -> None:
    source = await create_item(client, crew, fields={"password": CANARY})
    target = await create_item(client, crew, fields={"password": "decoy"})
    async with platform.store.transaction() as tx:
        row = await tx.one(
            sa.select(vault_item_fields).where(vault_item_fields.c.item_id == source["item"]["id"])
        )
        assert row is not None
        await tx.execute(
            sa.update(vault_item_fields)
            .where(vault_item_fields.c.item_id == target["item"]["id"])
            .values(ciphertext=row["ciphertext"], wrapped_key=row["wrapped_key"])
        )
    response = await client.post(
        f"/vault/items/{target['item']['id']}/reveal", json={}, headers=crew.ada.headers
    )
    error(response, 500, "vault_field_unreadable")
    assert CANARY not in response.text


@pytest.mark.both_engines
async def test_rotation_rewraps_field_keys_and_old_items_stay_readable(
    settings: Settings,
) -> None:
    async with open_platform(settings) as platform:
        app = create_app(platform=platform)
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app), base_url="http://test/api/v1"
        ) as client:
            from tests.helpers import bearer, register

            session = await register(client)
            headers = bearer(session["accessToken"])
            vault = data(
                await client.post("/vault/vaults", json={"name": "V"}, headers=headers), 201
            )
            item = data(
                await client.post(
                    "/vault/items",
                    json={
                        "vaultId": vault["id"],
                        "name": "Old",
                        "type": "api_key",
                        "fields": {"key": CANARY},
                    },
                    headers=headers,
                ),
                201,
            )
        first_master = platform.keyring.masters.current_id

    env = {
        "SESAME_DATA_DIR": str(settings.data_dir),
        "SESAME_DATABASE_URL": settings.sqlalchemy_url,
    }
    result = await anyio.to_thread.run_sync(
        lambda: CliRunner().invoke(main, ["keys", "rotate", "--json"], env=env)
    )
    assert result.exit_code == 0, result.output
    rotated = json.loads(result.output)
    assert rotated["rewrappedVaultFieldKeys"] == 1
    assert rotated["currentKeyId"] != first_master

    async with open_platform(settings) as platform:
        async with platform.store.transaction(write=False) as tx:
            masters = {row["master_key_id"] for row in await tx.all(sa.select(vault_item_fields))}
        assert masters == {rotated["currentKeyId"]}
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=create_app(platform=platform)),
            base_url="http://test/api/v1",
        ) as client:
            revealed = data(
                await client.post(
                    f"/vault/items/{item['item']['id']}/reveal", json={}, headers=headers
                )
            )
            assert revealed["fields"] == {"key": CANARY}


async def _break_the_trail(platform: Platform) -> None:
    """Make every insert into the access events fail, the way a full or broken audit store
    would: a trigger on the real table."""
    statements = (
        [
            "CREATE TRIGGER audit_down BEFORE INSERT ON vault_access_events "
            "BEGIN SELECT RAISE(ABORT, 'audit store down'); END"
        ]
        if platform.store.is_sqlite
        else [
            "CREATE FUNCTION audit_down() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit store down'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER audit_down BEFORE INSERT ON vault_access_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_down()",
        ]
    )
    async with platform.store.transaction() as tx:
        for statement in statements:
            await tx.execute(sa.text(statement))


@pytest.mark.both_engines
async def test_no_secret_leaves_when_its_access_event_cannot_be_written(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform
) -> None:
    item = await create_item(client, crew, fields={"password": CANARY, "otp": "JBSWY3DPEHPK3PXP"})
    item_id = item["item"]["id"]
    lease = data(
        await client.post(
            "/vault/leases/request",
            json={"itemId": item_id, "maxUses": 3},
            headers=crew["editor"].headers,
        ),
        201,
    )
    await _break_the_trail(platform)
    attempts = [
        await client.post(f"/vault/items/{item_id}/reveal", json={}, headers=crew.ada.headers),
        await client.post(f"/vault/items/{item_id}/totp", headers=crew.ada.headers),
        await client.post(f"/vault/leases/{lease['id']}/use", headers=crew["editor"].headers),
    ]
    for response in attempts:
        body = error(response, 500, "audit_unavailable")
        assert CANARY not in response.text
        assert set(body) == {"error", "status", "code"}
    # Nothing half-written: no use spent, no access time recorded.
    async with platform.store.transaction(write=False) as tx:
        stored = await tx.one(sa.select(vault_leases))
        accessed = await tx.scalar(sa.select(vault_items.c.last_accessed_at))
    assert stored is not None
    assert (stored["uses_remaining"], stored["use_count"]) == (3, 0)
    assert accessed is None
