"""Vault item attachments: uploaded through a signed link, sealed in the blob store (local
files or S3), downloaded by whoever may reveal the item, each access on the trail."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx2
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from server_core.app import create_app
from server_core.cli import main
from server_core.config import Settings
from server_core.features.vault.sealed_files import SEGMENT_BYTES, sealed_size
from server_core.features.vault.tables import vault_attachments
from server_core.kernel.blobs import blobs_for
from server_core.kernel.platform import Platform, open_platform
from tests.helpers import data, error
from tests.server_core.blob_stores import blob_store as blob_store
from tests.server_core.blob_stores import moto_endpoint as moto_endpoint
from tests.server_core.blob_stores import nothing_left, stored_bytes
from tests.server_core.features.vault.conftest import Crew, create_item

pytestmark = pytest.mark.anyio

UNKNOWN = "01900000-0000-7000-8000-000000000000"
CANARY = b"-----BEGIN PRIVATE KEY----- attachment-canary "


@pytest.fixture
def settings_overrides(
    settings_overrides: dict[str, Any], blob_store: dict[str, Any]
) -> dict[str, Any]:
    return {**settings_overrides, **blob_store, "vault_attachment_max_bytes": 1024 * 1024}


async def upload_url(
    client: httpx2.AsyncClient,
    crew: Crew,
    item_id: str,
    size: int,
    who: str = "editor",
    **body: Any,
) -> httpx2.Response:
    described = {"fileName": "key.pem", "contentType": "application/x-pem-file", "size": size}
    return await client.post(
        f"/vault/items/{item_id}/attachments/upload-url",
        json={**described, **body},
        headers=crew[who].headers,
    )


async def attach(
    client: httpx2.AsyncClient, crew: Crew, item_id: str, content: bytes, who: str = "editor"
) -> dict[str, Any]:
    issued: dict[str, Any] = data(await upload_url(client, crew, item_id, len(content), who))
    sent = await client.put(
        issued["url"], content=content, headers={"Content-Type": "application/x-pem-file"}
    )
    assert sent.status_code == 200, sent.text
    return issued


async def download_url(
    client: httpx2.AsyncClient, crew: Crew, attachment_id: str, who: str
) -> httpx2.Response:
    return await client.get(
        f"/vault/items/attachments/{attachment_id}/download-url", headers=crew[who].headers
    )


async def blob_key(platform: Platform, attachment_id: str) -> str:
    query = sa.select(vault_attachments.c.blob_key).where(vault_attachments.c.id == attachment_id)
    key: str = await platform.store.read(lambda conn: conn.execute(query).scalar_one())
    return key


@pytest.mark.both_engines
async def test_an_attachment_is_sealed_at_rest_and_downloads_as_uploaded(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    item = (await create_item(client, crew))["item"]
    content = CANARY * (3 * SEGMENT_BYTES // len(CANARY))  # several segments, a short last one
    issued = await attach(client, crew, item["id"], content)
    assert issued["fileName"] == "key.pem"
    assert issued["size"] == len(content)

    stored = await stored_bytes(settings, await blob_key(platform, issued["attachmentId"]))
    assert stored is not None
    assert len(stored) == sealed_size(len(content))
    assert CANARY not in stored
    assert b"PRIVATE KEY" not in stored

    detail = data(await client.get(f"/vault/items/{item['id']}", headers=crew["viewer"].headers))
    (listed,) = detail["attachments"]
    assert listed["id"] == issued["attachmentId"]
    assert (listed["fileName"], listed["size"]) == ("key.pem", len(content))

    link = data(await download_url(client, crew, issued["attachmentId"], "viewer"))
    assert urlsplit(link["url"]).path == f"/vault-attachments/{issued['attachmentId']}"
    response = await client.get(link["url"])
    assert response.status_code == 200, response.text
    assert response.content == content
    assert response.headers["content-type"].startswith("application/x-pem-file")
    assert "key.pem" in response.headers["content-disposition"]

    trail = data(
        await client.get(f"/vault/events/items/{item['id']}", headers=crew["owner"].headers)
    )
    actions = [(event["action"], event["outcome"]) for event in trail]
    assert ("attach", "allowed") in actions
    assert ("attachment_download", "allowed") in actions


async def test_an_empty_file_round_trips(
    client: httpx2.AsyncClient, crew: Crew, settings: Settings
) -> None:
    item = (await create_item(client, crew))["item"]
    issued = await attach(client, crew, item["id"], b"")
    link = data(await download_url(client, crew, issued["attachmentId"], "owner"))
    response = await client.get(link["url"])
    assert (response.status_code, response.content) == (200, b"")


async def test_editors_attach_and_those_who_may_reveal_download(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    error(await upload_url(client, crew, item["id"], 3, "viewer"), 403, "vault_access_denied")
    error(await upload_url(client, crew, item["id"], 3, "outsider"), 404)
    for who in ("owner", "admin", "human"):
        data(await upload_url(client, crew, item["id"], 3, who))
    issued = await attach(client, crew, item["id"], b"pem")
    aid = issued["attachmentId"]
    for who in ("owner", "admin", "editor", "viewer", "human"):
        assert data(await download_url(client, crew, aid, who))["attachmentId"] == aid
    error(await download_url(client, crew, aid, "use_only"), 403, "vault_access_denied")
    error(await download_url(client, crew, aid, "outsider"), 404)
    error(await download_url(client, crew, UNKNOWN, "owner"), 404)
    error(await download_url(client, crew, "not-an-id", "owner"), 404)


async def test_a_share_that_may_reveal_also_downloads(
    client: httpx2.AsyncClient, crew: Crew
) -> None:
    item = (await create_item(client, crew))["item"]
    aid = (await attach(client, crew, item["id"], b"pem"))["attachmentId"]
    share = {"principalId": crew["outsider"].id, "canReveal": False}
    path = f"/vault/items/{item['id']}/share"
    data(await client.post(path, json=share, headers=crew["owner"].headers))
    error(await download_url(client, crew, aid, "outsider"), 403, "vault_access_denied")
    share["canReveal"] = True
    data(await client.post(path, json=share, headers=crew["owner"].headers))
    assert data(await download_url(client, crew, aid, "outsider"))["size"] == 3


async def test_the_size_is_limited_and_bound_to_the_link(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    item = (await create_item(client, crew))["item"]
    error(await upload_url(client, crew, item["id"], 1024 * 1024 + 1), 413, "file_too_large")
    error(await upload_url(client, crew, item["id"], -1), 400, "validation_error")
    error(
        await client.post(
            f"/vault/items/{item['id']}/attachments/upload-url",
            json={"size": 3},
            headers=crew["editor"].headers,
        ),
        400,
        "validation_error",
    )

    issued = data(await upload_url(client, crew, item["id"], 10))
    key = await blob_key(platform, issued["attachmentId"])
    headers = {"Content-Type": "application/x-pem-file"}
    for wrong in (b"short", b"far too long a body"):
        error(await client.put(issued["url"], content=wrong, headers=headers), 400, "size_mismatch")
        assert await nothing_left(settings, key)
    plain = {"Content-Type": "text/plain"}
    error(
        await client.put(issued["url"], content=b"0123456789", headers=plain),
        400,
        "content_type_mismatch",
    )
    error(await download_url(client, crew, issued["attachmentId"], "owner"), 409)
    detail = data(await client.get(f"/vault/items/{item['id']}", headers=crew["owner"].headers))
    assert detail["attachments"] == []  # not listed until its bytes are all there

    assert (
        await client.put(issued["url"], content=b"0123456789", headers=headers)
    ).status_code == 200
    again = await client.put(issued["url"], content=b"0123456789", headers=headers)
    error(again, 409, "already_uploaded")


async def test_links_are_refused_when_altered_moved_or_their_item_is_gone(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    item = (await create_item(client, crew))["item"]
    issued = await attach(client, crew, item["id"], b"pem")
    link = data(await download_url(client, crew, issued["attachmentId"], "owner"))["url"]
    error(await client.get(link.replace("sig=", "sig=x")), 403, "link_invalid")
    # A vault link is not a drive link: the route is part of what is signed.
    error(await client.get(link.replace("/vault-attachments/", "/blobs/")), 403, "link_invalid")

    key = await blob_key(platform, issued["attachmentId"])
    data(await client.delete(f"/vault/items/{item['id']}", headers=crew["owner"].headers))
    error(await client.get(link), 404)
    assert await blobs_for(settings).stat(key) is None  # the sealed bytes went with it


async def test_rotation_rewraps_attachment_keys_and_the_file_still_opens(
    client: httpx2.AsyncClient, crew: Crew, platform: Platform, settings: Settings
) -> None:
    item = (await create_item(client, crew))["item"]
    issued = await attach(client, crew, item["id"], CANARY)
    env = {
        "SESAME_DATA_DIR": str(settings.data_dir),
        "SESAME_DATABASE_URL": settings.sqlalchemy_url,
    }
    result = await anyio.to_thread.run_sync(
        lambda: CliRunner().invoke(main, ["keys", "rotate", "--json"], env=env)
    )
    assert result.exit_code == 0, result.output
    rotated = json.loads(result.output)
    assert rotated["rewrappedVaultFieldKeys"] == 3  # the item's two fields and the attachment

    async with open_platform(settings) as reopened:
        query = sa.select(vault_attachments.c.master_key_id)
        masters = await reopened.store.read(lambda conn: set(conn.execute(query).scalars()))
        assert masters == {rotated["currentKeyId"]}
        app = create_app(platform=reopened)
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app), base_url="http://test/api/v1"
        ) as fresh:
            link = data(await download_url(fresh, crew, issued["attachmentId"], "owner"))
            assert (await fresh.get(link["url"])).content == CANARY
