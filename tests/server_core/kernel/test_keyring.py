"""Encryption at rest: the master key file, env keys, sealing bound to rows, and rotation that
rewraps data keys while everything sealed before stays readable."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import anyio
import httpx2
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from server_core.app import create_app
from server_core.cli import main
from server_core.config import Settings
from server_core.kernel.keyring import MASTER_KEY_FILE, KeyringError, MasterKeys
from server_core.kernel.platform import open_platform
from server_core.kernel.store.tables import data_keys
from tests.helpers import bearer, data, register

pytestmark = pytest.mark.anyio


def _key(byte: int) -> str:
    return base64.urlsafe_b64encode(bytes([byte]) * 32).decode()


async def test_the_key_file_is_created_private_on_first_start(settings: Settings) -> None:
    async with open_platform(settings) as platform:
        path = settings.data_dir / MASTER_KEY_FILE
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        doc = json.loads(path.read_text())
        assert list(doc["keys"]) == [doc["current"]]
        assert platform.keyring.masters.current_id == doc["current"]
    async with open_platform(settings) as again:  # the same key on the next start
        assert again.keyring.masters.current_id == doc["current"]


def test_env_keys_parse_with_and_without_ids() -> None:
    bare = MasterKeys.parse(_key(1))
    assert bare.current_id.startswith("env-")
    assert bare.path is None
    listed = MasterKeys.parse(f"new:{_key(2)}, old:{_key(3)}")
    assert listed.current_id == "new"
    assert set(listed.keys) == {"new", "old"}
    with pytest.raises(KeyringError, match="32 bytes"):
        MasterKeys.parse(base64.b64encode(b"short").decode())
    with pytest.raises(KeyringError):
        MasterKeys.parse("  ")
    with pytest.raises(KeyringError, match="SESAME_MASTER_KEY"):
        listed.with_new_key()


@pytest.mark.both_engines
async def test_a_ciphertext_opens_only_for_the_row_it_was_sealed_for(settings: Settings) -> None:
    async with open_platform(settings) as platform:
        async with platform.store.transaction() as tx:
            workspace_id = await tx.scalar(sa.text("SELECT id FROM workspaces LIMIT 1"))
        assert workspace_id is None  # empty server: make a workspace through the API
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=create_app(platform=platform)),
            base_url="http://test/api/v1",
        ) as client:
            session = await register(client)
        keyring = platform.keyring

        def seal_and_open(conn: sa.Connection) -> None:
            key_id = keyring.current_key_id(conn, session["workspace"]["id"])
            sealed = keyring.seal(conn, key_id, "secret text", "message:a")
            assert b"secret" not in sealed
            assert keyring.open(conn, key_id, sealed, "message:a") == "secret text"
            with pytest.raises(KeyringError):
                keyring.open(conn, key_id, sealed, "message:b")
            with pytest.raises(KeyringError):
                keyring.open(conn, key_id, sealed[:-1] + bytes([sealed[-1] ^ 1]), "message:a")

        await platform.store.run_sync(seal_and_open)


@pytest.mark.both_engines
async def test_rotation_rewraps_data_keys_and_old_messages_stay_readable(
    settings: Settings,
) -> None:
    async with open_platform(settings) as platform:
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=create_app(platform=platform)),
            base_url="http://test/api/v1",
        ) as client:
            session = await register(client)
            headers = bearer(session["accessToken"])
            channel = data(
                await client.post("/channels", json={"kind": "group"}, headers=headers), 201
            )
            data(
                await client.post(
                    f"/channels/{channel['id']}/messages",
                    json={"content": "before"},
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
    assert rotated["currentKeyId"] != first_master
    assert rotated["rewrappedDataKeys"] == 1
    doc = json.loads((settings.data_dir / MASTER_KEY_FILE).read_text())
    assert doc["current"] == rotated["currentKeyId"]
    assert set(doc["keys"]) == {first_master, rotated["currentKeyId"]}

    async with open_platform(settings) as platform:
        async with platform.store.transaction(write=False) as tx:
            masters = {row["master_key_id"] for row in await tx.all(sa.select(data_keys))}
        assert masters == {rotated["currentKeyId"]}
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=create_app(platform=platform)),
            base_url="http://test/api/v1",
        ) as client:
            history = data(await client.get(f"/channels/{channel['id']}/messages", headers=headers))
            assert [m["plaintext"] for m in history] == ["before"]


async def test_a_missing_master_key_fails_loudly(settings: Settings, tmp_path: Path) -> None:
    async with open_platform(settings):
        pass
    other = settings.model_copy(update={"master_key": None})
    (settings.data_dir / MASTER_KEY_FILE).write_text("{not json")
    os.chmod(settings.data_dir / MASTER_KEY_FILE, 0o600)
    with pytest.raises(KeyringError, match="cannot read master key file"):
        async with open_platform(other):
            pass
