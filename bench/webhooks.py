"""Webhook delivery against a real `sesame-server serve` process and a local receiver, on
SQLite (default) or PostgreSQL.

    uv run python bench/webhooks.py [--latency 200] [--slow 1000]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_db]

1. Latency: one message at a time to a channel an agent with a webhook is in; the time from
   sending the message (its commit is inside that) to the receiver's handler getting the POST.
   Target: p50 <= 50 ms.
2. A slow receiver (200 ms per POST): `--slow` messages sent one after another while their
   deliveries pile up, each send timed; compared with the same number of sends while the
   subscription is paused. Target: send p99 unchanged within noise. Also reported: how long the
   receiver took to get every delivery (bounded by the worker's concurrency). The same sends
   are also timed with the subscription paused, and with a fast receiver: the fast one is the
   fair comparison (each delivery costs the server some work however fast its receiver is).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import (
    admin_headers,
    client,
    create_agents,
    data,
    open_group,
    percentile,
    running_server,
    verdict,
)


class Receiver:
    """A threaded HTTP receiver noting when each message's delivery arrived."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.arrived: dict[str, float] = {}
        self.done = threading.Event()
        self.expected = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                at = time.perf_counter()
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                doc = orjson.loads(body)
                if doc["type"] == "message":
                    receiver.arrived[doc["data"]["message"]["plaintext"]] = at
                    if len(receiver.arrived) >= receiver.expected:
                        receiver.done.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"p50 {percentile(ordered, 0.50):.1f} ms, "
        f"p99 {percentile(ordered, 0.99):.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms (n={len(ordered)})"
    )


async def main(args: argparse.Namespace) -> None:
    os.environ["SESAME_WEBHOOKS_ALLOW_PRIVATE"] = "true"  # the receiver is on 127.0.0.1
    fast, slow = Receiver(), Receiver(delay=0.2)
    with running_server(args.database_url, admin=True) as server:
        async with client(server, 4) as http:
            admin = await admin_headers(http)
            [(agent_id, key)] = await create_agents(http, admin, 1, "hook")
            agent = {"Authorization": f"Bearer {key}"}
            channel = await open_group(http, admin, "hooks", [agent_id])
            hooks = f"/agents/{agent_id}/webhooks"
            body = {"url": fast.url, "eventTypes": ["message"]}
            fast_hook = data(await http.post(hooks, json=body, headers=agent), 201)

            async def send(text: str) -> float:
                started = time.perf_counter()
                data(
                    await http.post(
                        f"/channels/{channel}/messages", json={"content": text}, headers=admin
                    ),
                    201,
                )
                return started

            print(f"engine: {server.engine}")

            async def arrival(receiver: Receiver, text: str) -> float:
                deadline = time.perf_counter() + 30
                while text not in receiver.arrived:
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"no delivery of {text!r} within 30 s")
                    await asyncio.sleep(0.0002)
                return receiver.arrived[text]

            for n in range(20):  # warm-up
                await send(f"warm-{n}")
            await arrival(fast, "warm-19")
            latencies = []
            for n in range(args.latency):
                text = f"lat-{n}"
                started = await send(text)
                latencies.append(await arrival(fast, text) - started)
            p50 = percentile(sorted(latencies), 0.50)
            print(
                f"send -> receiver: {summary(latencies)}; target p50 <= 50 ms: {verdict(p50 <= 50)}"
            )

            async def timed_sends(prefix: str) -> list[float]:
                took = []
                for n in range(args.slow):
                    started = await send(f"{prefix}-{n}")
                    took.append(time.perf_counter() - started)
                return took

            fast.arrived.clear()
            with_fast = await timed_sends("fast")
            await arrival(fast, f"fast-{args.slow - 1}")
            data(
                await http.patch(
                    f"{hooks}/{fast_hook['id']}", json={"active": False}, headers=agent
                )
            )
            quiet = await timed_sends("quiet")
            body = {"url": slow.url, "eventTypes": ["message"]}
            data(await http.post(hooks, json=body, headers=agent), 201)
            slow.expected = args.slow
            began = time.perf_counter()
            loaded = await timed_sends("slow")
            sent_in = time.perf_counter() - began
            await asyncio.to_thread(slow.done.wait, 600)
            drained = time.perf_counter() - began
            print(f"sends, no active webhook:         {summary(quiet)}")
            print(f"sends, fast receiver:             {summary(with_fast)}")
            print(f"sends, 200 ms receiver piling up: {summary(loaded)}")
            ratio = percentile(sorted(loaded), 0.99) / percentile(sorted(with_fast), 0.99)
            print(
                f"send p99 ratio slow/fast receiver: {ratio:.2f}; medians "
                f"{statistics.median(loaded) * 1000:.1f} / "
                f"{statistics.median(with_fast) * 1000:.1f} ms"
            )
            print(
                f"{args.slow} sends took {sent_in:.1f} s; the slow receiver had "
                f"{len(slow.arrived)} deliveries after {drained:.1f} s"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=int, default=200)
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    asyncio.run(main(parser.parse_args()))
