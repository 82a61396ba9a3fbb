"""Authenticated request throughput: `GET /api/v1/auth/me` with each credential kind, against a
real `sesame-server serve` process, on SQLite (default) or PostgreSQL (--database-url).

    uv run python bench/auth_requests.py [--requests 2000] [--concurrency 16]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]

Prints requests per second and latency percentiles per method, plus a write path
(`PATCH /auth/profile`, one transaction through the single SQLite writer).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers import KeyPair

PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        command = [
            str(Path(sys.executable).parent / "sesame-server"),
            "serve",
            "--port",
            str(port),
            "--data-dir",
            data_dir,
            "--log-level",
            "warning",
        ]
        if args.database_url:
            reset = "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
            subprocess.run(["psql", args.database_url, "-qc", reset], check=True)
            command += ["--database-url", args.database_url]
        server = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=os.environ.copy())
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx2.get(base + "/healthz").status_code == 200:
                        break
                except httpx2.HTTPError:
                    time.sleep(0.1)
            engine = "PostgreSQL" if args.database_url else "SQLite"
            print(
                f"engine {engine}, {args.requests} requests per row, concurrency {args.concurrency}"
            )
            asyncio.run(run(base, args.requests, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
