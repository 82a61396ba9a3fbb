"""The heartbeat: pings at the server's interval keep a connection; a connection whose pongs
stop coming is replaced."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from server_core.gateway import handlers
from tests.sesame_mcp.conftest import WAIT, Workspace

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"heartbeat_interval_ms": 1000}


async def test_pings_keep_the_connection(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[float] = []
    twice = anyio.Event()
    answer = handlers.HANDLERS["ping"]

    async def counting(conn: Any, frame: dict[str, Any]) -> None:
        pings.append(anyio.current_time())
        if len(pings) == 2:
            twice.set()
        await answer(conn, frame)

    monkeypatch.setitem(handlers.HANDLERS, "ping", counting)
    async with workspace.admin.listen() as events:
        with anyio.fail_after(WAIT):
            await twice.wait()
        assert pings[1] - pings[0] >= 0.9  # at the server's interval (1 s here)
        assert events.connections == 1


async def test_a_missing_pong_means_a_dead_connection(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def silent(conn: Any, frame: dict[str, Any]) -> None:
        pass

    async with workspace.admin.listen(reconnect_delay=0.05, max_reconnect_delay=0.2) as events:
        monkeypatch.setitem(handlers.HANDLERS, "ping", silent)
        with anyio.fail_after(WAIT):
            await events.wait_ready(connections=2)
        monkeypatch.undo()
        channel = (await workspace.admin.channels.create("group", name="after")).id
        sent = await workspace.admin.messages.send(channel, "still here")
        with anyio.fail_after(WAIT):
            async for event in events:
                if event.message is not None and event.message.id == sent.id:
                    break
