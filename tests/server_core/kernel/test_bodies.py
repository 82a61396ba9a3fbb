"""JSON request bodies are read strictly, once, for every operation: text that is not UTF-8
(UTF-16, UTF-32) and strings with lone surrogate escapes are 400 `invalid_json`, never a 500,
and the connection they came on serves the next request."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import anyio
import h11
import httpx2
import pytest

from server_core.kernel.platform import Platform
from tests.helpers import PASSWORD, bearer, data, error, register
from tests.server_core.gateway.conftest import World, running, world_at

pytestmark = pytest.mark.anyio

WAIT = 10
JSON = {"Content-Type": "application/json"}
REGISTRATION = {"email": "ada@example.com", "password": PASSWORD, "handle": "ada"}


class KeptAlive:
    """One HTTP/1.1 connection that stays open across requests: a request that breaks it
    fails the next one."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.http = h11.Connection(our_role=h11.CLIENT)

    async def request(
        self, method: str, path: str, body: bytes = b"", token: str | None = None
    ) -> httpx2.Response:
        headers = [("host", "test"), ("content-length", str(len(body)))]
        headers += [("content-type", "application/json")] if body else []
        headers += [("authorization", f"Bearer {token}")] if token else []
        for event in (h11.Request(method=method, target=path, headers=headers), h11.Data(body)):
            self.writer.write(self.http.send(event) or b"")
        self.writer.write(self.http.send(h11.EndOfMessage()) or b"")
        await self.writer.drain()
        status, content = 0, b""
        with anyio.fail_after(WAIT):
            while True:
                event = self.http.next_event()
                if event is h11.NEED_DATA:
                    self.http.receive_data(await self.reader.read(65536))
                elif isinstance(event, h11.Response):
                    status = event.status_code
                elif isinstance(event, h11.Data):
                    content += event.data
                elif isinstance(event, h11.EndOfMessage):
                    break
                else:
                    raise AssertionError(f"the server ended the connection: {event!r}")
        self.http.start_next_cycle()  # raises unless both sides are done
        return httpx2.Response(status, content=content)


@contextlib.asynccontextmanager
async def kept_alive(port: int) -> AsyncIterator[KeptAlive]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        yield KeptAlive(reader, writer)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def seeded(world: World) -> tuple[str, str]:
    """A channel and a vault of the world's admin."""
    channel_id = await world.channel("general", [])
    vault = await world.http.post(
        "/vault/vaults", json={"name": "Ops"}, headers=bearer(world.admin_token)
    )
    return channel_id, data(vault, 201)["id"]


def surrogate_bodies(channel_id: str, vault_id: str) -> list[tuple[str, str, str]]:
    """(method, path, raw JSON text): a lone surrogate escape as a key or a value, nested in
    free-form JSON or in an ordinary string field."""
    item = f'"vaultId": "{vault_id}", "name": "db", "type": "login", "fields": {{"pw": "s3cret!"}}'
    return [
        (
            "POST",
            f"/channels/{channel_id}/messages",
            r'{"content": "a", "metadata": {"\ud800": 1}}',
        ),
        ("POST", f"/channels/{channel_id}/messages", r'{"content": "a\udc00b"}'),
        ("PATCH", "/auth/profile", r'{"profile": {"deep": [{"k": "x\ud83d"}]}}'),
        ("POST", "/agents", r'{"handle": "odd", "profile": {"\udfff\ud800": [1]}}'),
        ("POST", "/vault/items", f'{{{item}, "typeMetadata": {{"k": ["\\ud800"]}}}}'),
        ("POST", "/vault/items", f'{{{item}, "notes": "\\udbff"}}'),
        ("POST", "/auth/login", r'{"email": "ada\ud800@example.com", "password": "x"}'),
    ]


@pytest.mark.both_engines
async def test_lone_surrogates_are_invalid_json_and_the_connection_serves_on(
    platform: Platform,
) -> None:
    async with running(platform) as live, world_at(live.api) as world:
        channel_id, vault_id = await seeded(world)
        messages = f"/api/v1/channels/{channel_id}/messages"
        async with kept_alive(live.port) as http:
            for method, path, text in surrogate_bodies(channel_id, vault_id):
                refused = await http.request(
                    method, f"/api/v1{path}", text.encode(), world.admin_token
                )
                assert error(refused, 400, "invalid_json"), (method, path, text)
                assert data(await http.request("GET", messages, token=world.admin_token)) == []
            # A surrogate pair is one character, and welcome.
            paired = rb'{"content": "\ud83d\ude00", "metadata": {"\ud83d\ude00": "\ud83d\ude00"}}'
            sent = data(await http.request("POST", messages, paired, world.admin_token), 201)
            assert sent["plaintext"] == "\N{GRINNING FACE}"
            assert sent["metadata"]["\N{GRINNING FACE}"] == "\N{GRINNING FACE}"


async def test_bad_credentials_are_answered_before_a_lone_surrogate(
    client: httpx2.AsyncClient,
) -> None:
    raw = rb'{"handle": "odd", "profile": {"\ud800": 1}}'
    response = await client.post("/agents", content=raw, headers=JSON | bearer("not-a-token"))
    error(response, 401)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
async def test_utf16_and_utf32_bodies_are_invalid_json(
    client: httpx2.AsyncClient, encoding: str
) -> None:
    # RFC 8259 §8.1: JSON exchanged between systems is UTF-8 ("utf-16" and "utf-32" add a BOM).
    text = '{"email": "ada@example.com", "password": "%s", "handle": "ada", "displayName": "Ada"}'
    raw = (text % PASSWORD).encode(encoding)
    response = await client.post("/auth/register", content=raw, headers=JSON)
    error(response, 400, "invalid_json")
    await register(client)  # nothing was written: the first registration still bootstraps


async def test_a_utf8_body_with_or_without_bom_is_read(client: httpx2.AsyncClient) -> None:
    body = {**REGISTRATION, "displayName": "Ada \N{GRINNING FACE}"}
    raw = json.dumps(body, ensure_ascii=False).encode()
    session = data(await client.post("/auth/register", content=raw, headers=JSON), 201)
    assert session["principal"]["displayName"] == "Ada \N{GRINNING FACE}"
    login = {"email": body["email"], "password": PASSWORD}
    with_bom = "\N{BYTE ORDER MARK}".encode() + json.dumps(login).encode()
    data(await client.post("/auth/login", content=with_bom, headers=JSON))
