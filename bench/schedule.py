"""The schedule: a calendar's expanded view, an agent mirroring its cron jobs, and how late the
notifier's wake messages arrive when thousands of events come due at once. Against a real
`sesame-server serve` process, on SQLite (default) or PostgreSQL; `sync_schedule` also through
a real MCP client and `sesame-mcp --embedded` over stdio (what `./scripts/serve` runs).

    uv run python bench/schedule.py [--events 500] [--jobs 100] [--due 10000] [--agents 20]
        [--calls 100] [--database-url postgresql://postgres@127.0.0.1:5432/bench_db]
        [--only expanded sync notifier]

1. **Expanded view**: an agent puts `--events` recurring events on the calendar (a mix of
   hourly-in-office-hours, daily, weekday, weekly and monthly crons, in five time zones); the
   admin reads `GET /schedule/expanded` for 30 days. Target p50 <= 20 ms.
2. **Sync**: another agent syncs `--jobs` cron jobs, one of them changed each call (so every
   call updates one and leaves the rest as they are, as an agent syncing after each edit does).
   Target p50 <= 50 ms, over REST and through `sync_schedule`.
3. **Notifier lag**: `--due` one-shot events owned by `--agents` agents, all due in the same
   second a few seconds ahead (seeded through the API far in the future, then moved there in
   one statement so that the notifier, not the seeding, is what is timed). Each agent listens
   on the WebSocket gateway; the lag of a wake message is when its `message` event arrives
   minus the occurrence time it names. Target p99 <= 2 s.

Each phase prints p50 / p99 and the server's CPU per call (per wake message for the notifier).

Measured on 2 shared cores (SQLite, defaults): the expanded view of 500 events (33,800
instances: the mix has half-hourly and office-hours jobs) p50 593 ms with 140 ms of server CPU
at load 1.5 — most of the rest is the client reading 30 MB of JSON, every instance carrying its
whole event as the spec's shape has it; sync of 100 jobs p50 16.6-18.0 ms (15-18 ms CPU),
`sync_schedule` embedded over stdio p50 31.1 ms (load 1.4-3); 10,000 events due in the same
second: wake messages arrive p50 3.5-4.4 s / p99 6.2-7.2 s after their time, 0.29-0.37 ms of
server CPU each (load 4-5; 6.0 s / 12.1 s and 1.00 ms while the webhook and Web Push listeners
looked each event up on its own).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._mcp import (
    BIN,
    Timings,
    bench_env,
    checked,
    child_pid,
    embedded_args,
    is_stdio_mcp,
    stderr_file,
    timed,
)
from bench._server import (
    admin_headers,
    client,
    cpu_seconds,
    create_agents,
    data,
    percentile,
    running_server,
    verdict,
)
from server_core.config import to_engine_url
from server_core.features import features
from server_core.features.schedule.tables import schedule_events
from server_core.kernel.store import Store

CRONS = [
    ("0 9-17 * * 1-5", "Europe/Berlin"),  # hourly in office hours
    ("30 2 * * *", "America/New_York"),  # daily
    ("0 8 * * 1-5", "Asia/Tokyo"),  # weekdays
    ("15 10 * * 1", "UTC"),  # weekly
    ("0 6 1 * *", "Australia/Sydney"),  # monthly
    ("*/30 * * * *", "UTC"),  # every half hour
    ("0 12 * * *", "Europe/Berlin"),
    ("45 23 * * 0", "America/New_York"),
    ("0 0 * * 3", "UTC"),
    ("5 4 * * *", "Asia/Tokyo"),
]


PHASES = ["expanded", "sync", "notifier"]


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def measure(name: str, call: Any, pid: int, calls: int, target: float) -> bool:
    """Ten warm-up calls, then `calls` one after another; p50 against the target."""
    for _ in range(10):
        await call()
    timings = Timings(name, [pid])
    await timed(timings, call, calls)
    met = timings.p(0.5) <= target
    print(f"{timings.line()} {verdict(met)}")
    return met


async def expanded_view(server: Any, http: Any, admin: dict[str, str], args: Any) -> bool:
    [(_, key)] = await create_agents(http, admin, 1, prefix="calendar")
    agent = {"Authorization": f"Bearer {key}"}
    gate = asyncio.Semaphore(8)

    async def create(index: int) -> None:
        cron, zone = CRONS[index % len(CRONS)]
        body = {"title": f"job {index}", "cronExpression": cron, "timezone": zone}
        async with gate:
            data(await http.post("/schedule", json=body, headers=agent), 201)

    await asyncio.gather(*(create(index) for index in range(args.events)))
    start = datetime.now(UTC).replace(microsecond=0)
    window = {"from": iso(start), "to": iso(start + timedelta(days=30))}
    instances = data(await http.get("/schedule/expanded", params=window, headers=admin))
    print(f"{args.events} recurring events: {len(instances)} instances in 30 days")

    async def expand() -> None:
        data(await http.get("/schedule/expanded", params=window, headers=admin))

    return await measure(
        "GET /schedule/expanded (30 days)", expand, server.process.pid, args.calls, 20
    )


def jobs(count: int, round_: int) -> list[dict[str, Any]]:
    """`count` jobs; job `round_ % count` has a title that changes every round."""
    listed = []
    for index in range(count):
        cron, zone = CRONS[index % len(CRONS)]
        title = f"job {index}" + (f" (edit {round_})" if index == round_ % count else "")
        listed.append(
            {
                "externalId": f"cron-{index}",
                "title": title,
                "cronExpression": cron,
                "timezone": zone,
            }
        )
    return listed


async def sync_rest(server: Any, http: Any, admin: dict[str, str], args: Any) -> bool:
    [(_, key)] = await create_agents(http, admin, 1, prefix="mirror")
    agent = {"Authorization": f"Bearer {key}"}
    data(await http.put("/schedule/sync", json={"events": jobs(args.jobs, 0)}, headers=agent))
    rounds = iter(range(1, 1_000_000))

    async def sync() -> None:
        body = {"events": jobs(args.jobs, next(rounds))}
        result = data(await http.put("/schedule/sync", json=body, headers=agent))
        if result["created"] or result["removed"]:
            raise SystemExit(f"sync created or removed jobs: {result}")

    name = f"PUT /schedule/sync ({args.jobs} jobs)"
    return await measure(name, sync, server.process.pid, args.calls, 50)


async def sync_mcp(args: Any) -> bool:
    """`sync_schedule` through a real MCP client, `sesame-mcp --embedded` over stdio."""
    with tempfile.TemporaryDirectory() as root, stderr_file() as errlog:
        params = StdioServerParameters(command=str(BIN), args=embedded_args(root), env=bench_env())
        async with Client(stdio_client(params, errlog=errlog), mode="legacy") as mcp:
            checked(await mcp.call_tool("switch_toolsets", {"enable": ["schedule"]}), "switch")
            pid = child_pid(is_stdio_mcp(embedded=True))
            rounds = iter(range(1_000_000))

            async def sync() -> None:
                arguments = {"events": jobs(args.jobs, next(rounds))}
                checked(await mcp.call_tool("sync_schedule", arguments), "sync_schedule")

            name = f"sync_schedule ({args.jobs} jobs), embedded stdio"
            return await measure(name, sync, pid, args.calls, 50)


class Arrivals:
    """Lags of the wake messages received so far; `done` is set when `expected` have come."""

    def __init__(self, expected: int) -> None:
        self.lags: list[float] = []
        self.expected = expected
        self.done = asyncio.Event()

    def add(self, due: datetime) -> None:
        self.lags.append(time.time() - due.timestamp())
        if len(self.lags) >= self.expected:
            self.done.set()


async def listen(url: str, key: str, arrivals: Arrivals, ready: asyncio.Event) -> None:
    async with connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "auth", "apiKey": key}))
        ready.set()
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") != "message":
                continue
            metadata = frame["message"].get("metadata") or {}
            if metadata.get("reason") == "schedule":
                arrivals.add(datetime.fromisoformat(metadata["occurrenceTime"]))


async def notifier_lag(server: Any, http: Any, admin: dict[str, str], args: Any) -> bool:
    agents = await create_agents(http, admin, args.agents, prefix="sleeper")
    far = iso(datetime.now(UTC) + timedelta(days=1))
    gate = asyncio.Semaphore(8)

    async def create(index: int) -> None:
        headers = {"Authorization": f"Bearer {agents[index % len(agents)][1]}"}
        body = {"title": f"check {index}", "nextOccurrenceAt": far, "notifyMinutesBefore": 0}
        async with gate:
            data(await http.post("/schedule", json=body, headers=headers), 201)

    started = time.perf_counter()
    await asyncio.gather(*(create(index) for index in range(args.due)))
    seconds = time.perf_counter() - started
    print(f"{args.due} one-shot events seeded through the API in {seconds:.1f} s")
    arrivals = Arrivals(args.due)
    url = server.base.replace("http://", "ws://") + "/v1/connect"
    readies = [asyncio.Event() for _ in agents]
    listeners = [
        asyncio.create_task(listen(url, key, arrivals, ready))
        for (_, key), ready in zip(agents, readies, strict=True)
    ]
    await asyncio.gather(*(ready.wait() for ready in readies))
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
    features()
    store = Store(to_engine_url(args.database_url or f"sqlite:///{server.data_dir}/sesame.db"))
    try:
        await store.run_sync(
            lambda conn: conn.execute(
                sa.update(schedule_events)
                .where(schedule_events.c.status == "active")
                .where(schedule_events.c.cron_expression.is_(None))
                .values(next_occurrence_at=due, notify_at=due)
            )
        )
    finally:
        await store.close()
    cpu = cpu_seconds(server.process.pid)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(arrivals.done.wait(), 120)
    cpu = cpu_seconds(server.process.pid) - cpu
    for listener in listeners:
        listener.cancel()
    lags = sorted(arrivals.lags)
    if len(lags) < args.due:
        print(f"notifier: only {len(lags)} of {args.due} wake messages arrived in 2 minutes")
        return False
    p50, p99 = statistics.median(lags) * 1000, percentile(lags, 0.99)
    met = p99 <= 2000
    print(
        f"{'notifier lag, due -> wake message received':<44} p50 {p50:6.0f} ms   p99 {p99:6.0f} ms"
        f"   server cpu {cpu / args.due * 1000:5.2f} ms/wake   (n={len(lags)}) {verdict(met)}"
    )
    return met


async def main(args: argparse.Namespace) -> bool:
    with running_server(args.database_url, admin=True) as server:
        async with client(server, 8) as http:
            admin = await admin_headers(http)
            results = []
            if "expanded" in args.only:
                results.append(await expanded_view(server, http, admin, args))
            if "sync" in args.only:
                results.append(await sync_rest(server, http, admin, args))
                results.append(await sync_mcp(args))
            if "notifier" in args.only:
                results.append(await notifier_lag(server, http, admin, args))
    return all(results)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=PHASES,
        default=PHASES,
        help="the phases to run (default: all)",
    )
    sys.exit(0 if asyncio.run(main(parser.parse_args())) else 1)
