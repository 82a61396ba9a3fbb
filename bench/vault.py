"""Vault latency and limits: reveal, lease use and TOTP against a real `sesame-server serve`
process, on SQLite (default) or PostgreSQL, through the Python SDK.

    uv run python bench/vault.py [--calls 500] [--concurrency 8] [--racers 50]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_db]

An agent that is an editor of a vault holds an item with 4 fields (each sealed with its own
data key). Measured, one after another:

- `--calls` sequential reveals of all fields, lease uses (one lease with enough uses) and TOTP
  codes: p50 / p99 latency; each of them writes an access event before it answers;
- `--concurrency` agents revealing at once for 5 s: reveals per second;
- `--racers` concurrent uses of a lease with `maxUses: 3`: exactly 3 must succeed.

Prints the figures and the server's CPU time per reveal.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ADMIN_EMAIL, PASSWORD, cpu_seconds, running_server
from sesame_mcp.client import SesameClient, SesameError

FIELDS = {
    "username": "app",
    "password": "bench-Secret-0001",
    "host": "db.internal:5432",
    "otp": "JBSWY3DPEHPK3PXP",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def line(name: str, samples: list[float]) -> str:
    p50, p99 = statistics.median(samples) * 1000, percentile(samples, 0.99)
    return f"{name:<28} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   (n={len(samples)})"


async def timed(calls: int, call: object) -> list[float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return samples


async def run(base: str, server_pid: int, args: argparse.Namespace) -> None:
    admin = await SesameClient.login(base, ADMIN_EMAIL, PASSWORD)
    vault = await admin.vault.create_vault("Bench")
    item = await admin.vault.create_item(
        vault.id, "db", "login", FIELDS, field_hints={"otp": "totp"}
    )
    item_id = item.item.id
    clients = []
    for n in range(max(args.concurrency, 1)):
        agent = await admin.agents.create(f"bench-{n}")
        key = await admin.agents.create_api_key(agent.id, label="bench")
        await admin.vault.add_member(vault.id, agent.id, "editor")
        clients.append(SesameClient(base, api_key=key.key))
    agent = clients[0]
    for _ in range(20):  # warm up
        await agent.vault.reveal(item_id)
    cpu = cpu_seconds(server_pid)
    reveals = await timed(args.calls, lambda: agent.vault.reveal(item_id))
    cpu_per_reveal = (cpu_seconds(server_pid) - cpu) / args.calls * 1000
    lease = await agent.vault.request_lease(item_id, reason="bench", max_uses=args.calls)
    uses = await timed(args.calls, lambda: agent.vault.use_lease(lease.id))
    codes = await timed(args.calls, lambda: agent.vault.totp(item_id))
    print(line("reveal (4 fields)", reveals))
    print(line("lease use (4 fields)", uses))
    print(line("TOTP code", codes))
    print(f"server CPU per reveal: {cpu_per_reveal:.2f} ms")

    done = 0
    deadline = time.monotonic() + 5.0

    async def reveal_until(client: SesameClient) -> None:
        nonlocal done
        while time.monotonic() < deadline:
            await client.vault.reveal(item_id)
            done += 1

    started = time.monotonic()
    await asyncio.gather(*(reveal_until(client) for client in clients))
    rate = done / (time.monotonic() - started)
    print(f"{len(clients)} agents revealing at once: {rate:,.0f} reveals/s")

    limited = await agent.vault.request_lease(item_id, reason="race", max_uses=3)

    async def race() -> bool:
        try:
            await agent.vault.use_lease(limited.id)
        except SesameError:
            return False
        return True

    won = sum(await asyncio.gather(*(race() for _ in range(args.racers))))
    verdict = "ok" if won == 3 else "WRONG"
    print(f"{args.racers} concurrent uses of a maxUses 3 lease: {won} succeeded ({verdict})")
    for client in clients:
        await client.aclose()
    await admin.aclose()
    if won != 3:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=500, help="sequential calls of each kind")
    parser.add_argument("--concurrency", type=int, default=8, help="agents revealing at once")
    parser.add_argument("--racers", type=int, default=50, help="concurrent uses of a 3-use lease")
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    with running_server(args.database_url, admin=True) as server:
        print(f"engine {server.engine}; {args.calls} calls of each kind")
        asyncio.run(run(server.base, server.process.pid, args))


if __name__ == "__main__":
    main()
