"""Reconnect and replay under a stream of messages: every client reads the whole stream; some
lose their connection mid-stream (the socket aborted, no close handshake) and reconnect with a
`replay` cursor. Across both connections each client must get every message exactly once."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field

import anyio
import httpx2
from websockets.asyncio.client import connect

from tests.helpers import data
from tests.reliability.sends import Sender, agents
from tests.server_core.gateway.conftest import Peer

# How long a client waits for the next frame before it counts what is still missing as lost;
# a client that has every message stops at once.
SETTLE_SECONDS = 15.0


@dataclass
class Listener:
    agent: Sender
    drop_at: int | None  # abort the connection after this many messages, then reconnect
    sessions: list[list[int]] = field(default_factory=list)  # seqs received per connection
    reconnected_after: int | None = None  # the cursor the second connection replayed after
    dropped_while_sending: bool = False  # the stream was still being sent when it dropped

    def received(self) -> set[int]:
        return {seq for seqs in self.sessions for seq in seqs}

    def contiguous(self) -> int:
        """The highest seq up to which nothing is missing: the cursor a client replays after."""
        have = self.received()
        top = 0
        while top + 1 in have:
            top += 1
        return top


@dataclass
class ReplayReport:
    clients: int
    dropped: int
    messages: int
    missing: int = 0
    duplicates: int = 0
    reconnected: int = 0
    mid_stream: int = 0  # drops that happened while messages were still being sent

    def summary(self) -> str:
        return (
            f"{self.clients} clients, {self.dropped} dropped ({self.mid_stream} mid-stream) "
            f"and {self.reconnected} reconnected, {self.messages} messages: missing "
            f"{self.missing}, duplicates {self.duplicates}"
        )


async def session(
    ws_url: str, channel_id: str, listener: Listener, cursor: int, total: int, drop_at: int | None
) -> bool:
    """One connection: replay after `cursor`, then read live until every message is in (or
    none came for SETTLE_SECONDS); abort it after `drop_at` messages. True when dropped."""
    seqs: list[int] = []
    listener.sessions.append(seqs)
    async with connect(ws_url) as ws:
        peer = Peer(ws)
        await peer.send({"type": "auth", "apiKey": listener.agent.key})
        await peer.expect("authenticated")
        await peer.send({"type": "replay", "cursors": {channel_id: cursor}})
        replayed = False
        with contextlib.suppress(TimeoutError):
            while not (replayed and len(listener.received()) >= total):
                with anyio.fail_after(SETTLE_SECONDS):
                    event = json.loads(await ws.recv())
                if event["type"] == "replay.done":
                    replayed = True
                elif event["type"] == "message" and event["message"]["channelId"] == channel_id:
                    seqs.append(event["message"]["seq"])
                    if len(seqs) == drop_at:
                        ws.transport.abort()  # gone without a close frame, as a dropped link
                        return True
    return False


@dataclass
class Stream:
    total: int
    sent: int = 0


async def listen(ws_url: str, channel_id: str, listener: Listener, stream: Stream) -> None:
    total = stream.total
    if await session(ws_url, channel_id, listener, 0, total, listener.drop_at):
        listener.dropped_while_sending = stream.sent < total
        listener.reconnected_after = listener.contiguous()
        await session(ws_url, channel_id, listener, listener.reconnected_after, total, None)


async def replay_after_drops(
    http: httpx2.AsyncClient,
    admin: dict[str, str],
    ws_url: str,
    *,
    clients: int,
    messages: int,
    drop_share: float,
) -> ReplayReport:
    """`clients` agents read a stream of `messages` a human posts one after another; the first
    `drop_share` of them abort their connection at points spread over the stream."""
    team = await agents(http, admin, clients, "listener")
    body = {"kind": "group", "name": "stream", "memberIds": [agent.id for agent in team]}
    channel_id: str = data(await http.post("/channels", json=body, headers=admin), 201)["id"]
    dropped = round(clients * drop_share)
    listeners = [
        Listener(agent, messages // 5 + (index * messages // 2) // max(dropped, 1) + 1)
        if index < dropped
        else Listener(agent, None)
        for index, agent in enumerate(team)
    ]

    stream = Stream(messages)

    async def send_stream() -> None:
        for n in range(1, messages + 1):
            response = await http.post(
                f"/channels/{channel_id}/messages", json={"content": f"m{n}"}, headers=admin
            )
            data(response, 201)
            stream.sent = n

    async with anyio.create_task_group() as group:
        for listener in listeners:
            group.start_soon(listen, ws_url, channel_id, listener, stream)
        group.start_soon(send_stream)

    report = ReplayReport(clients, dropped, messages)
    for listener in listeners:
        report.missing += len(set(range(1, messages + 1)) - listener.received())
        # Sent twice on one connection, or replayed although the cursor covered it. (Seqs past
        # the cursor that the first connection had are the client's own to skip.)
        for index, seqs in enumerate(listener.sessions):
            report.duplicates += len(seqs) - len(set(seqs))
            if index > 0 and listener.reconnected_after is not None:
                report.duplicates += sum(1 for seq in seqs if seq <= listener.reconnected_after)
        report.reconnected += listener.reconnected_after is not None
        report.mid_stream += listener.dropped_while_sending
    return report
