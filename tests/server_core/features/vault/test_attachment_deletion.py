"""Deleting vault attachments: one at a time by those who may attach, or with their item or
vault; their sealed blobs leave the blob store once the deletion commits, or with the sweep
when the store failed then."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa

from server_core.config import Settings
from server_core.features.vault import blob_removals
from server_core.features.vault.tables import vault_attachments, vault_blob_removals
from server_core.kernel.blobs import BlobStore, blobs_for
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.blob_stores import blob_store as blob_store
from tests.server_core.blob_stores import moto_endpoint as moto_endpoint
from tests.server_core.features.vault.conftest import Crew, create_item
from tests.server_core.features.vault.test_attachments import (
    UNKNOWN,
    attach,
    blob_key,
    download_url,
    upload_url,
)
from tests.server_core.features.vault.test_attachments import (
    settings_overrides as settings_overrides,
)

pytestmark = pytest.mark.anyio


async def stored(settings: Settings, key: str) -> bool:
    return await blobs_for(settings).stat(key) is not None


async def queued(platform: Platform) -> list[str]:
    query = sa.select(vault_blob_removals.c.blob_key)
    return await platform.store.read(lambda conn: list(conn.execute(query).scalars()))


def delete_path(item_id: str, attachment_id: str) -> str:
    return f"/vault/items/{item_id}/attachments/{attachment_id}"


@pytest.mark.both_engines
async def test_an_editor_deletes_an_attachment_and_its_blob_goes(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    item = (await create_item(client, crew))["item"]
    kept = await attach(client, crew, item["id"], b"kept")
    gone = await attach(client, crew, item["id"], b"to be deleted")
    key = await blob_key(platform, gone["attachmentId"])
    link = data(await download_url(client, crew, gone["attachmentId"], "owner"))["url"]
    assert await stored(settings, key)

    path = delete_path(item["id"], gone["attachmentId"])
    error(await client.delete(path, headers=crew["viewer"].headers), 403, "vault_access_denied")
    error(await client.delete(path, headers=crew["outsider"].headers), 404)
    deleted = data(await client.delete(path, headers=crew["editor"].headers))
    assert (deleted["id"], deleted["fileName"], deleted["size"]) == (
        gone["attachmentId"],
        "key.pem",
        len(b"to be deleted"),
    )
    assert not await stored(settings, key)
    assert await queued(platform) == []
    error(await client.get(link), 404)
    error(await client.delete(path, headers=crew["editor"].headers), 404)

    detail = data(await client.get(f"/vault/items/{item['id']}", headers=crew["owner"].headers))
    assert [attached["id"] for attached in detail["attachments"]] == [kept["attachmentId"]]
    trail = data(
        await client.get(f"/vault/events/items/{item['id']}", headers=crew["owner"].headers)
    )
    outcomes = {(event["action"], event["outcome"]) for event in trail}
    assert {("delete_attachment", "allowed"), ("delete_attachment", "denied")} <= outcomes


async def test_only_an_attachment_of_that_item_is_deleted(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    other = (await create_item(client, crew, name="Other"))["item"]
    attached = await attach(client, crew, other["id"], b"pem")
    headers = crew["owner"].headers
    for wrong in (
        delete_path(item["id"], attached["attachmentId"]),  # of another item
        delete_path(item["id"], UNKNOWN),
        delete_path(item["id"], "not-an-id"),
        delete_path(UNKNOWN, attached["attachmentId"]),
    ):
        error(await client.delete(wrong, headers=headers), 404)
    # One whose bytes never came may be deleted too.
    pending = data(await upload_url(client, crew, item["id"], 10))
    data(await client.delete(delete_path(item["id"], pending["attachmentId"]), headers=headers))
    put = await client.put(
        pending["url"], content=b"0123456789", headers={"Content-Type": "application/x-pem-file"}
    )
    error(put, 404)


@pytest.mark.both_engines
async def test_deleting_an_item_or_its_vault_removes_the_blobs(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    item = (await create_item(client, crew))["item"]
    keys = [
        await blob_key(platform, (await attach(client, crew, item["id"], body))["attachmentId"])
        for body in (b"one", b"two")
    ]
    data(await client.delete(f"/vault/items/{item['id']}", headers=crew["owner"].headers))
    for key in keys:
        assert not await stored(settings, key)

    survivor = (await create_item(client, crew, name="Survivor"))["item"]
    key = await blob_key(
        platform, (await attach(client, crew, survivor["id"], b"3"))["attachmentId"]
    )
    data(await client.delete(f"/vault/vaults/{crew.vault_id}", headers=crew["owner"].headers))
    assert not await stored(settings, key)
    assert await queued(platform) == []


class FailingDeletes:
    """The configured blob store, but `delete` fails (an S3 outage, say)."""

    def __init__(self, inner: BlobStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def delete(self, key: str) -> bool:
        raise OSError("the blob store is unreachable")


async def test_a_failed_removal_is_left_to_the_sweep(
    client: httpx2.AsyncClient,
    crew: Crew,
    platform: Platform,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    item = (await create_item(client, crew))["item"]
    attached = await attach(client, crew, item["id"], b"pem")
    key = await blob_key(platform, attached["attachmentId"])
    with monkeypatch.context() as patched:
        patched.setattr(blob_removals, "blobs_for", lambda s: FailingDeletes(blobs_for(s)))
        path = delete_path(item["id"], attached["attachmentId"])
        data(await client.delete(path, headers=crew["editor"].headers))
        assert await stored(settings, key)
        assert await queued(platform) == [key]
        assert await blob_removals.sweep(platform) == 0  # still failing: kept queued
        assert await queued(platform) == [key]

    assert await blob_removals.sweep(platform) == 1
    assert not await stored(settings, key)
    assert await queued(platform) == []
    assert await blob_removals.sweep(platform) == 0


async def test_bytes_of_an_attachment_deleted_during_its_upload_are_removed(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    item = (await create_item(client, crew))["item"]
    issued = data(await upload_url(client, crew, item["id"], 10))
    key = await blob_key(platform, issued["attachmentId"])
    gone = sa.delete(vault_attachments).where(vault_attachments.c.id == issued["attachmentId"])

    async def body() -> AsyncIterator[bytes]:
        yield b"01234"
        await platform.store.run_sync(lambda conn: conn.execute(gone))
        yield b"56789"

    put = await client.put(
        issued["url"], content=body(), headers={"Content-Type": "application/x-pem-file"}
    )
    error(put, 404)
    assert not await stored(settings, key)
