"""Live servers for the gateway tests: the real app on uvicorn on a free port, real WebSocket
clients (`websockets`), data seeded through the REST API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2
import pytest
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server_core import bootstrap
from server_core.app import create_app
from server_core.gateway.hub import Hub
from server_core.gateway.uvicorn_ws import UVICORN_OPTIONS
from server_core.kernel.platform import Platform
from tests.helpers import PASSWORD, KeyPair, api_key_for, bearer, data, provision_agent, register

WAIT = 5  # seconds any single expected frame may take
# Errors these loggers report fail the test (the bus's are left out: a shared Redis may carry
# other runs' events).
WATCHED_LOGGERS = ("uvicorn", "server_core.gateway", "server_core.app", "server_core.kernel.store")


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The server logs no error: no failed connection task, no exception in the app."""
    yield
    records = [*caplog.get_records("setup"), *caplog.get_records("call"), *caplog.records]
    errors = [
        f"{record.name}: {record.getMessage()}"
        for record in records
        if record.levelno >= logging.ERROR and record.name.startswith(WATCHED_LOGGERS)
    ]
    assert not errors


class _Server(uvicorn.Server):
    """uvicorn's server, telling when it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


@dataclass
class Live:
    platform: Platform
    app: FastAPI
    server: _Server
    port: int

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v1/connect"

    @property
    def hub(self) -> Hub:
        hub: Hub = self.app.state.gateway
        return hub


@contextlib.asynccontextmanager
async def running(platform: Platform, port: int = 0, **uvicorn_options: Any) -> AsyncIterator[Live]:
    """The app over `platform`, served by uvicorn on `port` (a free one by default) until the
    block ends, with the options `sesame-server serve` uses unless `uvicorn_options` override
    them."""
    app = create_app(platform=platform)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        log_config=None,
        log_level="warning",
        **{**UVICORN_OPTIONS, **uvicorn_options},
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    ready = asyncio.create_task(server.ready.wait())
    try:
        with anyio.fail_after(30):
            await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        assert server.ready.is_set(), "the server did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield Live(platform, app, server, port)
    finally:
        ready.cancel()
        server.should_exit = True
        with anyio.fail_after(30):
            await task


@pytest.fixture
async def live(platform: Platform) -> AsyncIterator[Live]:
    async with running(platform) as server:
        yield server


@dataclass
class Agent:
    id: str
    handle: str
    key: str

    @property
    def auth(self) -> dict[str, Any]:
        return {"apiKey": self.key}


@dataclass
class World:
    """A workspace seeded over REST: its admin (a human) and helpers to add to it."""

    http: httpx2.AsyncClient
    admin_token: str
    admin_id: str
    workspace_id: str

    @property
    def admin_auth(self) -> dict[str, Any]:
        return {"token": self.admin_token}

    async def agent(self, handle: str, keys: KeyPair | None = None) -> Agent:
        extra = {"publicKey": keys.public_b64} if keys is not None else {}
        made = await provision_agent(self.http, self.admin_token, handle=handle, **extra)
        return Agent(made["id"], handle, await api_key_for(self.http, self.admin_token, made["id"]))

    async def channel(self, name: str, member_ids: list[str]) -> str:
        body = {"kind": "group", "name": name, "memberIds": member_ids}
        response = await self.http.post("/channels", json=body, headers=bearer(self.admin_token))
        channel_id: str = data(response, 201)["id"]
        return channel_id

    async def post(
        self, channel_id: str, content: str, *, token: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        response = await self.http.post(
            f"/channels/{channel_id}/messages",
            json={"content": content, **extra},
            headers=bearer(token or self.admin_token),
        )
        message: dict[str, Any] = data(response, 201)
        return message

    async def add_member(self, channel_id: str, principal_id: str) -> None:
        response = await self.http.post(
            f"/channels/{channel_id}/members",
            json={"principalId": principal_id},
            headers=bearer(self.admin_token),
        )
        data(response, 201)

    async def remove_member(self, channel_id: str, principal_id: str) -> None:
        response = await self.http.delete(
            f"/channels/{channel_id}/members/{principal_id}", headers=bearer(self.admin_token)
        )
        data(response)

    async def other_workspace(self, platform: Platform) -> str:
        """A second workspace with its own admin; returns that admin's access token."""
        human = bootstrap.admin_account("eve@example.com", PASSWORD, "eve", "Eve")
        await bootstrap.create_workspace(platform, "Elsewhere", human)
        body = {"email": human.email, "password": PASSWORD}
        token: str = data(await self.http.post("/auth/login", json=body))["accessToken"]
        return token


@contextlib.asynccontextmanager
async def world_at(api: str) -> AsyncIterator[World]:
    async with httpx2.AsyncClient(base_url=api, timeout=30) as http:
        session = await register(http)
        yield World(
            http,
            session["accessToken"],
            session["principal"]["id"],
            session["workspace"]["id"],
        )


@pytest.fixture
async def world(live: Live) -> AsyncIterator[World]:
    async with world_at(live.api) as seeded:
        yield seeded


class Peer:
    """A WebSocket client of the gateway."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.principal_id = ""

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        await self.ws.send(json.dumps(frame) if isinstance(frame, dict) else frame)

    async def recv(self) -> dict[str, Any]:
        with anyio.fail_after(WAIT):
            raw = await self.ws.recv()
        frame: dict[str, Any] = json.loads(raw)
        return frame

    async def expect(self, kind: str, **fields: Any) -> dict[str, Any]:
        """The next frame of this type with these field values; others are skipped."""
        while True:
            frame = await self.recv()
            if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame

    async def expect_any(self, *kinds: str) -> dict[str, Any]:
        """The next frame of one of these types; others are skipped."""
        while (frame := await self.recv())["type"] not in kinds:
            pass
        return frame

    async def until_pong(self) -> list[dict[str, Any]]:
        """Every frame that arrives before the answer to a ping sent now."""
        await self.send({"type": "ping"})
        seen = []
        while (frame := await self.recv())["type"] != "pong":
            seen.append(frame)
        return seen

    async def closed(self) -> ConnectionClosed:
        """Read until the server closes the connection; the close."""
        with anyio.fail_after(WAIT):
            while True:
                try:
                    await self.ws.recv()
                except ConnectionClosed as closed:
                    return closed


@contextlib.asynccontextmanager
async def peer(live: Live, auth: dict[str, Any]) -> AsyncIterator[Peer]:
    """A connection authenticated with `auth` (apiKey, token or signature)."""
    async with connect(live.ws_url) as ws:
        client = Peer(ws)
        await client.send({"type": "auth", **auth})
        hello = await client.recv()
        assert hello["type"] == "authenticated", hello
        client.principal_id = hello["principalId"]
        yield client


def messages_in(frames: list[dict[str, Any]], channel_id: str) -> list[dict[str, Any]]:
    return [
        frame["message"]
        for frame in frames
        if frame["type"] == "message" and frame["message"]["channelId"] == channel_id
    ]
