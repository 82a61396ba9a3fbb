"""The soak run of `bench/reliability.py --soak-minutes N`: a steady mixed load against a
server process, its resident memory and open file descriptors after warm-up and at the end.

Workers pace themselves (a short pause between requests): the point is a long steady load,
not the highest rate; `bench/send_throughput.py` measures that."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._server import Server, admin_headers, client, data
from tests.reliability.sends import agents, open_channel

PACE = 0.02  # seconds between two requests of one worker
WORKERS = 8  # of each kind
WARMUP_SHARE = 0.1  # of the run, at most 60 s
SESSION_SECONDS = 10.0  # a WebSocket client reconnects this often


def resident_mb(pid: int) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@dataclass
class Load:
    deadline: float
    admin: dict[str, str]
    statuses: Counter[str] = field(default_factory=Counter)
    frames: int = 0
    sessions: int = 0
    failures: list[str] = field(default_factory=list)

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def count(self, kind: str, response: httpx2.Response) -> None:
        self.statuses[f"{kind} {response.status_code}"] += 1
        if response.status_code >= 500 and len(self.failures) < 5:
            self.failures.append(f"{kind}: HTTP {response.status_code} {response.text[:200]}")


Request = Callable[[], Awaitable[httpx2.Response]]


async def paced(load: Load, kind: str, request: Request) -> None:
    """Repeat a request until the deadline; transport errors are failures, not crashes."""
    while load.running():
        try:
            load.count(kind, await request())
        except httpx2.TransportError as error:
            load.failures.append(f"{kind}: {error!r}")
            return
        await asyncio.sleep(PACE)


async def websocket_client(load: Load, url: str, key: str, channel_id: str) -> None:
    cursor = 0
    while load.running():
        try:
            async with connect(url) as ws:
                load.sessions += 1
                await ws.send(json.dumps({"type": "auth", "apiKey": key}))
                await ws.send(json.dumps({"type": "replay", "cursors": {channel_id: cursor}}))
                session = min(SESSION_SECONDS, load.deadline - time.monotonic())
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(0.0, session)):
                        async for raw in ws:
                            load.frames += 1
                            frame = json.loads(raw)
                            if frame["type"] == "message":
                                cursor = max(cursor, frame["message"]["seq"])
        except (OSError, WebSocketException) as error:
            load.failures.append(f"websocket: {error!r}")
            return


async def refresh_admin(http: httpx2.AsyncClient, load: Load) -> None:
    """Access tokens live 15 minutes: log in again every 5."""
    while load.running():
        await asyncio.sleep(min(300, max(0.0, load.deadline - time.monotonic())))
        load.admin.update(await admin_headers(http))


async def soak(server: Server, seconds: float) -> bool:
    pid = server.process.pid
    async with client(server, 4 * WORKERS + 4) as http:
        admin = await admin_headers(http)
        team = await agents(http, admin, WORKERS, "soak")
        channel_id = await open_channel(http, admin, "soak", [agent.id for agent in team])
        vault = data(await http.post("/vault/vaults", json={"name": "Soak"}, headers=admin), 201)
        item = {"vaultId": vault["id"], "name": "db", "type": "login", "fields": {"password": "p"}}
        item_id = data(await http.post("/vault/items", json=item, headers=admin), 201)["item"]["id"]
        load = Load(time.monotonic() + seconds, admin)
        url = server.base.replace("http://", "ws://") + "/v1/connect"
        messages = f"/channels/{channel_id}/messages"

        def send(key: str) -> Request:
            headers = {"Authorization": f"Bearer {key}"}
            return lambda: http.post(messages, json={"content": "soak"}, headers=headers)

        workers = [paced(load, "send", send(agent.key)) for agent in team]
        workers += [
            paced(load, "history", lambda: http.get(messages, headers=load.admin))
            for _ in range(WORKERS)
        ]
        reveal = f"/vault/items/{item_id}/reveal"
        workers += [
            paced(load, "reveal", lambda: http.post(reveal, json={}, headers=load.admin))
            for _ in range(WORKERS // 2)
        ]
        workers += [websocket_client(load, url, agent.key, channel_id) for agent in team]
        workers.append(refresh_admin(http, load))
        tasks = [asyncio.ensure_future(worker) for worker in workers]
        await asyncio.sleep(min(60.0, seconds * WARMUP_SHARE))
        start = (resident_mb(pid), open_fds(pid))
        await asyncio.gather(*tasks)
        end = (resident_mb(pid), open_fds(pid))

    requests = sum(load.statuses.values())
    errors = sum(n for kind, n in load.statuses.items() if not kind.endswith(("200", "201")))
    print(
        f"soak     {seconds / 60:.1f} min: {requests} requests ({requests / seconds:.0f}/s), "
        f"{load.sessions} WebSocket sessions, {load.frames} frames; non-2xx {errors}"
    )
    print(f"         statuses {dict(sorted(load.statuses.items()))}")
    print(
        f"         server RSS {start[0]:.1f} MB after warm-up, {end[0]:.1f} MB at the end "
        f"({end[0] - start[0]:+.1f} MB); open fds {start[1]} -> {end[1]}"
    )
    if load.failures:
        print("PROBLEMS:\n  " + "\n  ".join(load.failures))
    return not load.failures and errors == 0
