"""Authenticated request throughput: `GET /api/v1/auth/me` with each credential kind, against a
real `sesame-server serve` process, on SQLite (default) or PostgreSQL (--database-url).

    uv run python bench/auth_requests.py [--requests 2000] [--concurrency 16]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_db]

Prints requests per second and latency percentiles per method, plus a write path
(`PATCH /auth/profile`, one transaction through the single SQLite writer).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._server import PASSWORD, running_server
from tests.helpers import KeyPair


async def measure(
    http: httpx2.AsyncClient,
    label: str,
    method: str,
    path: str,
    headers_of,
    total: int,
    workers: int,
    body: dict | None = None,
) -> None:
    latencies: list[float] = []
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            response = await http.request(method, path, headers=headers_of(), json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{label}: HTTP {response.status_code} {response.text}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(
        f"{label:<28} {total / elapsed:8.0f} req/s   p50 {p(0.5):6.2f} ms   "
        f"p99 {p(0.99):6.2f} ms   mean {statistics.mean(latencies) * 1000:6.2f} ms"
    )


async def run(base: str, total: int, workers: int) -> None:
    async with httpx2.AsyncClient(base_url=base + "/api/v1", timeout=30) as http:
        session = (
            await http.post(
                "/auth/register",
                json={
                    "email": "b@example.com",
                    "password": PASSWORD,
                    "handle": "bench",
                    "displayName": "Bench",
                },
            )
        ).json()["data"]
        token = session["accessToken"]
        pair = KeyPair.generate()
        auth = {"Authorization": f"Bearer {token}"}
        agent = (
            await http.post(
                "/agents", json={"handle": "bench-bot", "publicKey": pair.public_b64}, headers=auth
            )
        ).json()["data"]
        key = (await http.post(f"/agents/{agent['id']}/api-keys", json={}, headers=auth)).json()[
            "data"
        ]["key"]
        await measure(
            http,
            "GET /auth/me  api key",
            "GET",
            "/auth/me",
            lambda: {"Authorization": f"Bearer {key}"},
            total,
            workers,
        )
        await measure(http, "GET /auth/me  JWT", "GET", "/auth/me", lambda: auth, total, workers)
        await measure(
            http,
            "GET /auth/me  signature",
            "GET",
            "/auth/me",
            lambda: pair.signature_header("bench-bot"),
            total,
            workers,
        )
        await measure(
            http,
            "PATCH /auth/profile  JWT",
            "PATCH",
            "/auth/profile",
            lambda: auth,
            total,
            workers,
            body={"profile": {"n": 1}},
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with running_server(args.database_url) as server:
        print(
            f"engine {server.engine}, {args.requests} requests per row, "
            f"concurrency {args.concurrency}"
        )
        asyncio.run(run(server.base, args.requests, args.concurrency))


if __name__ == "__main__":
    main()
