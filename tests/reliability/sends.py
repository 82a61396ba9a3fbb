"""Concurrent sends into one channel, over REST and WebSocket `send` frames, and concurrent
retries of one send: what the server acknowledged against what the history holds.

The functions take an HTTP client rooted at the API, the admin's headers and the gateway URL,
so the tests run them against the in-process server and `bench/reliability.py` against a
`sesame-server serve` process."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
from websockets.asyncio.client import connect

from tests.helpers import bearer, data
from tests.server_core.gateway.conftest import Peer

# Loop prevention stops an agent that posts in a burst (429 loop_prevention): the senders are
# agents, so the channel's limits are raised out of the way.
NO_LOOP_PREVENTION = {
    "mode": "free",
    "loopPrevention": {"cooldownMs": 0, "maxConsecutive": 100_000, "rateLimit": 100_000},
}


@dataclass(frozen=True)
class Sender:
    id: str
    key: str


async def agents(
    http: httpx2.AsyncClient, admin: dict[str, str], count: int, prefix: str
) -> list[Sender]:
    """`count` agents with an API key each, created a few at a time."""
    made: list[Sender] = []

    async def one(index: int) -> None:
        agent = data(
            await http.post("/agents", json={"handle": f"{prefix}-{index}"}, headers=admin), 201
        )
        key = data(await http.post(f"/agents/{agent['id']}/api-keys", json={}, headers=admin), 201)
        made.append(Sender(agent["id"], key["key"]))

    for start in range(0, count, 8):
        async with anyio.create_task_group() as group:
            for index in range(start, min(start + 8, count)):
                group.start_soon(one, index)
    return made


async def open_channel(
    http: httpx2.AsyncClient, admin: dict[str, str], name: str, member_ids: list[str]
) -> str:
    """A group channel with these members, loop prevention out of the way; its id."""
    body = {"kind": "group", "name": name, "memberIds": member_ids}
    channel_id: str = data(await http.post("/channels", json=body, headers=admin), 201)["id"]
    coordination = await http.put(
        f"/channels/{channel_id}/coordination", json=NO_LOOP_PREVENTION, headers=admin
    )
    data(coordination)
    return channel_id


async def history(
    http: httpx2.AsyncClient, headers: dict[str, str], channel_id: str
) -> list[dict[str, Any]]:
    """The whole history, paged forward 100 at a time."""
    messages: list[dict[str, Any]] = []
    cursor = 0
    while True:
        response = await http.get(
            f"/channels/{channel_id}/messages",
            params={"direction": "after", "cursor": cursor, "limit": 100},
            headers=headers,
        )
        data(response)
        page = response.json()
        messages += page["data"]
        if not page["pagination"]["hasMore"]:
            return messages
        cursor = page["pagination"]["cursor"]


@dataclass
class SendReport:
    acknowledged: dict[str, int] = field(default_factory=dict)  # message id -> seq answered
    refused: Counter[str] = field(default_factory=Counter)
    stored: int = 0
    gaps: int = 0
    duplicates: int = 0
    lost: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.acknowledged)} acknowledged, {self.stored} stored: seq gaps "
            f"{self.gaps}, duplicates {self.duplicates}, lost {self.lost}, refused "
            f"{dict(self.refused)}"
        )


def compare(report: SendReport, stored: list[dict[str, Any]]) -> SendReport:
    seqs = [message["seq"] for message in stored]
    by_id = {message["id"]: message["seq"] for message in stored}
    report.stored = len(stored)
    report.gaps = len(set(range(1, max(seqs, default=0) + 1)) - set(seqs))
    report.duplicates = (len(seqs) - len(set(seqs))) + (len(stored) - len(by_id))
    report.lost = sum(1 for id_, seq in report.acknowledged.items() if by_id.get(id_) != seq)
    return report


async def concurrent_senders(
    http: httpx2.AsyncClient, admin: dict[str, str], ws_url: str, senders: int, each: int
) -> SendReport:
    """`senders` agents send `each` messages at once into one channel, every other one over
    REST, the rest as WebSocket `send` frames; then the history is read back."""
    team = await agents(http, admin, senders, "sender")
    channel_id = await open_channel(http, admin, "busy", [agent.id for agent in team])
    report = SendReport()

    async def over_rest(agent: Sender, n: int) -> None:
        for k in range(each):
            body = {"content": f"rest {n}-{k}"}
            response = await http.post(
                f"/channels/{channel_id}/messages", json=body, headers=bearer(agent.key)
            )
            if response.status_code == 201:
                message = response.json()["data"]
                report.acknowledged[message["id"]] = message["seq"]
            else:
                report.refused[f"HTTP {response.status_code}"] += 1

    async def over_websocket(agent: Sender, n: int) -> None:
        async with connect(ws_url) as ws:
            peer = Peer(ws)
            await peer.send({"type": "auth", "apiKey": agent.key})
            await peer.expect("authenticated")
            for k in range(each):
                draft = f"ws-{n}-{k}"
                await peer.send(
                    {
                        "type": "send",
                        "channelId": channel_id,
                        "content": draft,
                        "clientGeneratedId": draft,
                    }
                )
                answer = await peer.expect_any("delivery.ack", "error")
                if answer["type"] == "delivery.ack":
                    report.acknowledged[answer["messageId"]] = answer["seq"]
                else:
                    report.refused[f"frame {answer['errorCode']}"] += 1

    async with anyio.create_task_group() as group:
        for n, agent in enumerate(team):
            group.start_soon(over_rest if n % 2 == 0 else over_websocket, agent, n)
    return compare(report, await history(http, admin, channel_id))


@dataclass
class RetryReport:
    statuses: Counter[int]
    messages: int  # messages in the history carrying the id
    distinct_ids: int  # message ids the retries were answered with
    reuse_status: int  # the same id with other content


async def concurrent_retries(
    http: httpx2.AsyncClient, admin: dict[str, str], retries: int
) -> RetryReport:
    """One agent sends one message `retries` times at once with the same clientGeneratedId,
    under the channel's default loop prevention (a retry is not a new message)."""
    (agent,) = await agents(http, admin, 1, "retrier")
    body = {"kind": "group", "name": "retries", "memberIds": [agent.id]}
    channel_id = data(await http.post("/channels", json=body, headers=admin), 201)["id"]
    send = {"content": "exactly once", "clientGeneratedId": "retry-1"}
    statuses: Counter[int] = Counter()
    answered: set[str] = set()

    async def retry() -> None:
        response = await http.post(
            f"/channels/{channel_id}/messages", json=send, headers=bearer(agent.key)
        )
        statuses[response.status_code] += 1
        if response.status_code in (200, 201):
            answered.add(response.json()["data"]["id"])

    async with anyio.create_task_group() as group:
        for _ in range(retries):
            group.start_soon(retry)
    reuse = await http.post(
        f"/channels/{channel_id}/messages",
        json={**send, "content": "something else"},
        headers=bearer(agent.key),
    )
    stored = await history(http, admin, channel_id)
    carrying = [m for m in stored if m.get("clientGeneratedId") == send["clientGeneratedId"]]
    return RetryReport(statuses, len(carrying), len(answered), reuse.status_code)
