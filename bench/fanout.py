"""Fan-out: 1,000 WebSocket clients in one channel, against a real `sesame-server serve`
process (one worker), on SQLite (default) or PostgreSQL.

    uv run python bench/fanout.py [--clients 1000] [--messages 200] [--burst-senders 10]
        [--burst-seconds 5] [--database-url postgresql://…] [--profile fanout.txt]

Every client is its own agent with an API key, a member of one group channel, connected to
`/v1/connect` and authenticated. The clients are lean so that the load generator, which
shares the machine's two cores with the server, costs as little as possible: one
`asyncio.Protocol` each, the `websockets` sans-I/O client for the handshake and auth, then a
minimal reader of the server's (unmasked, unfragmented) frames, timestamping them as they
arrive. Prints:

- server memory per connection: the server's RSS after all clients connected and the
  presence announcements settled, minus its RSS before, divided by the clients;
- latency: one message at a time, POSTed by a member, from just before the POST to the moment
  the last of the clients received it (p50, p99);
- deliveries/s: `--burst-senders` members POST back to back for `--burst-seconds`; received
  `message` frames over the time from the first POST to the last receipt;
- correctness: every client received every message exactly once, in seq order;
- CPU used by the server and by this load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._server import (
    CpuMeter,
    Server,
    admin_headers,
    client,
    create_agents,
    data,
    open_group,
    percentile,
    profiled,
    running_server,
    verdict,
)

TARGET_P50_MS = 30
TARGET_P99_MS = 60
TARGET_DELIVERIES = 40_000
TARGET_KB_PER_CONNECTION = 25
CONNECT_CONCURRENCY = 50
QUIET_SECONDS = 1.0  # no frames for this long: presence announcements have settled


@dataclass
class Receipts:
    """What every client received, shared by all of them."""

    channel_id: str
    # seq → (clients that received it, time of the last receipt)
    seen: dict[int, list[float]] = field(default_factory=dict)
    duplicates: int = 0
    out_of_order: int = 0
    frames: int = 0
    last_frame_at: float = 0.0
    waiters: dict[int, asyncio.Future[float]] = field(default_factory=dict)
    clients: int = 0

    def received(self, seq: int, at: float, previous: int) -> None:
        if seq <= previous:
            self.duplicates += 1
            return
        if previous and seq != previous + 1:
            self.out_of_order += 1
        entry = self.seen.setdefault(seq, [0, 0.0])
        entry[0] += 1
        entry[1] = max(entry[1], at)
        if entry[0] == self.clients:
            waiter = self.waiters.pop(seq, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(entry[1])

    def all_received(self, seq: int) -> asyncio.Future[float]:
        """Resolves with the time the last client received `seq`."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        entry = self.seen.get(seq)
        if entry is not None and entry[0] == self.clients:
            future.set_result(entry[1])
        else:
            self.waiters[seq] = future
        return future


class Receiver(asyncio.Protocol):
    """One WebSocket client: handshake, auth frame, then count `message` frames."""

    def __init__(self, ws_url: str, api_key: str, receipts: Receipts) -> None:
        self.protocol = ClientProtocol(parse_uri(ws_url), max_size=None)
        self.api_key = api_key
        self.receipts = receipts
        self.authenticated: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.last_seq = 0
        self.transport: asyncio.Transport | None = None
        self.lean = False  # switched on when nothing is in flight: then `_lean_frames` reads
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        if self.lean:
            self._lean_frames(data, now)
            return
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if event.status_code != 101:
                    self._fail(f"handshake answered HTTP {event.status_code}")
                    return
                self.protocol.send_text(orjson.dumps({"type": "auth", "apiKey": self.api_key}))
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self._frame(orjson.loads(event.data), now)
        self._flush()

    def _lean_frames(self, data: bytes, now: float) -> None:
        """Server frames are unmasked and, from this server, never fragmented: after the
        handshake the client reads them with this much less than a full protocol
        implementation, so that a thousand clients on one core keep up with the server."""
        buffer = self.buffer + data if self.buffer else data
        start, end = 0, len(buffer)
        while end - start >= 2:
            opcode, length = buffer[start] & 0x0F, buffer[start + 1] & 0x7F
            header = 2
            if length == 126:
                if end - start < 4:
                    break
                length, header = int.from_bytes(buffer[start + 2 : start + 4], "big"), 4
            elif length == 127:
                if end - start < 10:
                    break
                length, header = int.from_bytes(buffer[start + 2 : start + 10], "big"), 10
            if end - start < header + length:
                break
            payload = buffer[start + header : start + header + length]
            start += header + length
            if opcode == Opcode.TEXT.value:
                self._frame(orjson.loads(payload), now)
            elif opcode == Opcode.PING.value:
                self.protocol.send_pong(payload)
                self._flush()
            elif opcode == Opcode.CLOSE.value:
                self._fail("the server closed the connection")
        self.buffer = buffer[start:]

    def _frame(self, frame: dict, now: float) -> None:
        receipts = self.receipts
        receipts.frames += 1
        receipts.last_frame_at = now
        kind = frame.get("type")
        if kind == "message":
            message = frame["message"]
            if message["channelId"] == receipts.channel_id:
                receipts.received(message["seq"], now, self.last_seq)
                self.last_seq = max(self.last_seq, message["seq"])
        elif kind == "authenticated" and not self.authenticated.done():
            self.authenticated.set_result(None)
        elif kind == "error":
            self._fail(f"error frame: {frame}")

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(f"connection lost: {exc}")

    def _fail(self, reason: str) -> None:
        if not self.authenticated.done():
            self.authenticated.set_exception(SystemExit(reason))
        elif self.transport is not None and not self.transport.is_closing():
            print(f"a client failed: {reason}", file=sys.stderr)

    def _flush(self) -> None:
        assert self.transport is not None
        for chunk in self.protocol.data_to_send():
            if chunk:
                self.transport.write(chunk)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.abort()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SystemExit("no VmRSS")


async def settle(receipts: Receipts) -> None:
    """Wait until no frame has arrived for QUIET_SECONDS."""
    # Polls a timestamp the protocols update: there is no event for "nothing happened".
    while time.perf_counter() - receipts.last_frame_at < QUIET_SECONDS:  # noqa: ASYNC110
        await asyncio.sleep(0.2)


async def connect_all(server: Server, keys: list[str], receipts: Receipts) -> list[Receiver]:
    loop = asyncio.get_running_loop()
    host, port = server.base.removeprefix("http://").split(":")
    ws_url = f"ws://{host}:{port}/v1/connect"
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(key: str) -> Receiver:
        async with gate:
            receiver = Receiver(ws_url, key, receipts)
            await loop.create_connection(lambda: receiver, host, int(port))
            await asyncio.wait_for(receiver.authenticated, 30)
            return receiver

    return list(await asyncio.gather(*(one(key) for key in keys)))


async def run(args: argparse.Namespace) -> None:
    with running_server(args.database_url, admin=True) as server:
        async with client(server, max(8, args.burst_senders)) as http:
            admin = await admin_headers(http)
            started = time.perf_counter()
            agents = await create_agents(http, admin, args.clients, prefix="fan")
            ids = [agent_id for agent_id, _ in agents]
            channel_id = await open_group(http, admin, "fanout", ids[:500])
            for agent_id in ids[500:]:
                added = await http.post(
                    f"/channels/{channel_id}/members", json={"principalId": agent_id}, headers=admin
                )
                data(added, 201)
            print(
                f"{server.engine}: {args.clients} agents in one channel "
                f"(set up in {time.perf_counter() - started:.1f} s)"
            )

            receipts = Receipts(channel_id, clients=args.clients)
            gc.collect()
            before = rss_kb(server.process.pid)
            started = time.perf_counter()
            receivers = await connect_all(server, [key for _, key in agents], receipts)
            connected = time.perf_counter() - started
            await settle(receipts)
            after = rss_kb(server.process.pid)
            for receiver in receivers:
                receiver.lean = True  # quiet now: no partial frame is buffered anywhere
            per_connection = (after - before) / args.clients
            print(
                f"connected and authenticated {len(receivers)} clients in {connected:.1f} s; "
                f"{receipts.frames} frames received while they connected (presence)"
            )
            print(
                f"server RSS {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after: "
                f"{per_connection:.1f} KB per connection "
                f"(target ≤ {TARGET_KB_PER_CONNECTION}: "
                f"{verdict(per_connection <= TARGET_KB_PER_CONNECTION)})"
            )

            sender_headers = [{"Authorization": f"Bearer {key}"} for _, key in agents]
            url = f"/channels/{channel_id}/messages"

            async def post(headers: dict[str, str], content: str) -> int:
                sent = await http.post(url, json={"content": content}, headers=headers)
                return int(data(sent, 201)["seq"])

            # Warm up (first-request costs) before measuring.
            for index in range(5):
                seq = await post(sender_headers[0], f"warm-up {index}")
                await asyncio.wait_for(receipts.all_received(seq), 30)

            meter = CpuMeter(server.process.pid)
            latencies: list[float] = []
            with profiled(server.process.pid, args.profile), meter.measure():
                for index in range(args.messages):
                    t0 = time.perf_counter()
                    seq = await post(sender_headers[index % 10], f"latency probe {index}")
                    last = await asyncio.wait_for(receipts.all_received(seq), 30)
                    latencies.append(last - t0)
            latencies.sort()
            p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
            print(
                f"POST → last of {args.clients} receipts over {args.messages} messages: "
                f"p50 {p50:.1f} ms (target ≤ {TARGET_P50_MS}: {verdict(p50 <= TARGET_P50_MS)}), "
                f"p99 {p99:.1f} ms (target ≤ {TARGET_P99_MS}: {verdict(p99 <= TARGET_P99_MS)})"
            )
            print("  " + meter.report(args.messages * args.clients).replace("request", "delivery"))

            # Burst: several senders back to back; deliveries/s at the clients.
            first_seq = max(receipts.seen) + 1
            frames_before = receipts.frames
            seqs: list[int] = []
            burst_meter = CpuMeter(server.process.pid)
            with burst_meter.measure():
                t0 = time.perf_counter()
                deadline = t0 + args.burst_seconds

                async def sender(headers: dict[str, str]) -> None:
                    while time.perf_counter() < deadline:
                        seqs.append(await post(headers, "burst"))

                await asyncio.gather(*(sender(h) for h in sender_headers[: args.burst_senders]))
                last_seq = max(seqs)
                last = await asyncio.wait_for(receipts.all_received(last_seq), 120)
                for seq in range(first_seq, last_seq + 1):
                    await asyncio.wait_for(receipts.all_received(seq), 30)
            deliveries = len(seqs) * args.clients
            rate = deliveries / (last - t0)
            print(
                f"burst: {len(seqs)} messages from {args.burst_senders} senders, "
                f"{deliveries} deliveries in {last - t0:.2f} s: {rate:,.0f} deliveries/s "
                f"(target ≥ {TARGET_DELIVERIES:,}: {verdict(rate >= TARGET_DELIVERIES)}); "
                f"{receipts.frames - frames_before} frames received"
            )
            print("  " + burst_meter.report(deliveries).replace("request", "delivery"))

            incomplete = [seq for seq, (count, _) in receipts.seen.items() if count != args.clients]
            print(
                f"every client got every message exactly once, in order: "
                f"{not incomplete and not receipts.duplicates and not receipts.out_of_order} "
                f"(incomplete seqs {len(incomplete)}, duplicates {receipts.duplicates}, "
                f"out of order {receipts.out_of_order})"
            )
            for receiver in receivers:
                receiver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200, help="latency probes")
    parser.add_argument("--burst-senders", type=int, default=10)
    parser.add_argument("--burst-seconds", type=float, default=5.0)
    parser.add_argument("--database-url")
    parser.add_argument("--profile", help="record the server with py-spy into this file")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
