"""Canary secrets: a vault password and a message text, each a string found nowhere else, go
through the platform (REST, WebSocket frames, the MCP server's tools). Afterwards:

- the vault canary is nowhere: not in the logs, the database files (the `-wal` included, read
  as raw bytes), the WebSocket events, nor the MCP tool outputs, except where a caller asked
  for the value (REST reveal and lease use, `reveal_secret` to context);
- the message canary is in neither the logs nor the database files (channel members get the
  text back by design, over REST, the WebSocket and `read_messages`).

SQLite only: the point is the bytes in the files."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from server_core.kernel.logs import JsonFormatter
from sesame_mcp.client import SesameClient
from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from tests.helpers import bearer, data
from tests.server_core.gateway.conftest import Live, Peer, World, peer

pytestmark = pytest.mark.anyio

VAULT_CANARY = "vault-canary-7Qz3xK9wPm2"
MESSAGE_CANARY = "message-canary-Lr8vT4nBq6"


def tool_output(result: CallToolResult) -> str:
    blocks = [block.model_dump_json() for block in result.content]
    return "\n".join([*blocks, json.dumps(result.structured_content or {})])


# The processes' own loggers; the HTTP and WebSocket client libraries the test drives the
# server with trace the frames they send at DEBUG, which is the client's business.
SERVER_LOGGERS = ("server_core", "sesame_mcp", "mcp", "uvicorn", "websockets.server")


class ServerLog(logging.Handler):
    """The lines the server would write: each record through its JSON formatter (extras and
    tracebacks included) as it is emitted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(SERVER_LOGGERS) or record.levelno >= logging.WARNING:
            self.lines.append(self.format(record))

    @contextlib.contextmanager
    def capturing(self) -> Iterator[ServerLog]:
        root = logging.getLogger()
        level = root.level
        root.addHandler(self)
        root.setLevel(logging.DEBUG)
        try:
            yield self
        finally:
            root.removeHandler(self)
            root.setLevel(level)


def database_bytes(database: Path) -> dict[str, bytes]:
    files = [database, *database.parent.glob(database.name + "-*")]
    return {file.name: file.read_bytes() for file in files if file.exists()}


async def events_until_pong(client: Peer) -> str:
    return "\n".join(json.dumps(frame) for frame in await client.until_pong())


async def mcp_outputs(
    live: Live, api_key: str, channel_id: str, item_id: str
) -> tuple[list[str], str]:
    """What the MCP server's tools answer an agent working with the item and the channel; and
    the answer of the one explicit reveal to context."""
    base = live.api.removesuffix("/api/v1")
    async with SesameClient(base, api_key=api_key) as sdk, open_sesame(sdk) as state:
        server = await build_server(state, toolsets=["all"])
        async with Client(server, mode="auto") as mcp:
            calls: list[tuple[str, dict[str, Any]]] = [
                ("get_wallet", {}),
                ("list_vault_items", {"query": "db"}),
                ("get_vault_item", {"item": item_id}),
                ("reveal_secret", {"item": "db"}),  # to a private file
                ("send_message", {"channel": channel_id, "content": MESSAGE_CANARY}),
                ("read_messages", {"channel": channel_id}),
            ]
            outputs = []
            for name, arguments in calls:
                result = await mcp.call_tool(name, arguments)
                assert not result.is_error, (name, result.content)
                outputs.append(tool_output(result))
            explicit = await mcp.call_tool("reveal_secret", {"item": "db", "deliver": "context"})
            return outputs, tool_output(explicit)


async def test_canaries_stay_out_of_logs_files_events_and_tool_outputs(
    live: Live, world: World, database_url: str
) -> None:
    with ServerLog().capturing() as server_log:
        await exercise_and_check(
            live, world, Path(database_url.removeprefix("sqlite:///")), server_log
        )


async def exercise_and_check(
    live: Live, world: World, database: Path, server_log: ServerLog
) -> None:
    admin = bearer(world.admin_token)
    scout = await world.agent("scout")
    channel_id = await world.channel("plans", [scout.id])
    vault = data(await world.http.post("/vault/vaults", json={"name": "Prod"}, headers=admin), 201)
    member = {"principalId": scout.id, "role": "viewer"}
    path = f"/vault/vaults/{vault['id']}/members"
    data(await world.http.post(path, json=member, headers=admin), 201)
    tool_outputs: list[str] = []
    explicit_reveals: list[str] = []

    async with peer(live, world.admin_auth) as watching_admin, peer(live, scout.auth) as watching:
        for client in (watching_admin, watching):
            await client.send({"type": "replay", "cursors": {}})
            await client.expect("replay.done")
        item = {
            "vaultId": vault["id"],
            "name": "db",
            "type": "login",
            "fields": {"username": "admin", "password": VAULT_CANARY},
        }
        made = data(await world.http.post("/vault/items", json=item, headers=admin), 201)
        item_id = made["item"]["id"]
        update = {"fields": {"password": VAULT_CANARY + "-rotated"}, "notes": "rotated"}
        data(await world.http.patch(f"/vault/items/{item_id}", json=update, headers=admin))
        revealed = await world.http.post(f"/vault/items/{item_id}/reveal", json={}, headers=admin)
        explicit_reveals.append(revealed.text)
        await world.post(channel_id, f"deploying {MESSAGE_CANARY}")
        await watching.send({"type": "send", "channelId": channel_id, "content": MESSAGE_CANARY})
        await watching.expect("delivery.ack")

        outputs, explicit = await mcp_outputs(live, scout.key, channel_id, item_id)
        tool_outputs += outputs
        explicit_reveals.append(explicit)

        events = await events_until_pong(watching_admin) + await events_until_pong(watching)

    files = database_bytes(database)
    logs = "\n".join(server_log.lines)
    # The canaries went where they should: otherwise their absence elsewhere proves nothing.
    assert all(VAULT_CANARY in text for text in explicit_reveals)
    assert MESSAGE_CANARY in events
    assert f"{database.name}-wal" in files
    found = {
        "vault canary in logs": VAULT_CANARY in logs,
        "message canary in logs": MESSAGE_CANARY in logs,
        "vault canary in WebSocket events": VAULT_CANARY in events,
        "vault canary in MCP tool outputs": any(VAULT_CANARY in out for out in tool_outputs),
        **{
            f"{canary} in {name}": canary.encode() in content
            for name, content in files.items()
            for canary in (VAULT_CANARY, MESSAGE_CANARY)
        },
    }
    print(
        f"reliability: canaries: {len(logs)} bytes of logs, {sum(map(len, files.values()))} "
        f"bytes in {len(files)} database files, {len(events)} bytes of events, "
        f"{len(tool_outputs)} tool outputs: found in {sum(found.values())} places"
    )
    assert not [place for place, present in found.items() if present]
