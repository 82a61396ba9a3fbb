"""Message send throughput: concurrent agents POSTing messages as fast as they can, against a
real `sesame-server serve` process (one worker), on SQLite (default) or PostgreSQL.

    uv run python bench/send_throughput.py [--senders 50] [--channels 1]
        [--duration 20 | --messages 40000] [--healthz-duration 5]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_db] [--profile send.txt]

Each sender is an agent with an API key, a member of a group channel whose loop prevention is
raised out of the way (with `--channels N` the senders are spread over N channels). After a
short warm-up each sender sends back to back for `--duration` seconds (or until `--messages`
have been sent in all). Prints:

- persisted messages/s: the channels' `lastSeq` growth over the timed phase, checked against
  the 201 answers; afterwards every channel's history is paged (direction=after) and its seqs
  must be exactly 1..lastSeq, the seqs the sends answered with included;
- p50/p99 latency of the POSTs;
- GET /healthz requests/s at the same concurrency, in the same run, and the ratio
  msg/s ÷ healthz req/s (how close a send comes to the cheapest request the server answers);
- CPU used by the server, by this load generator (they share the machine's cores) and by
  other processes (PostgreSQL's backends, or anything else running), and the server's CPU time
  per request.

`--profile FILE` records the server with py-spy during the timed send phase.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._server import (
    CpuMeter,
    Server,
    admin_headers,
    client,
    create_agents,
    data,
    last_seq,
    open_group,
    percentile,
    profiled,
    running_server,
    verdict,
)

TARGET_RATE = 2_000
TARGET_P99_MS = 100
TARGET_RATIO = 0.25
WARMUP_PER_SENDER = 5
FILLER = "lorem ipsum dolor sit amet " * 3


class Budget:
    """Until a deadline, or a shared number of requests."""

    def __init__(self, seconds: float, count: int | None) -> None:
        self.deadline = time.perf_counter() + seconds
        self.remaining = count

    def take(self) -> bool:
        if self.remaining is not None:
            self.remaining -= 1
            return self.remaining >= 0
        return time.perf_counter() < self.deadline


@dataclass
class Phase:
    """What one timed phase measured."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    meter: CpuMeter | None = None

    @property
    def elapsed(self) -> float:
        return self.meter.elapsed if self.meter else 0.0

    @property
    def cpu(self) -> str:
        return self.meter.report(len(self.latencies)) if self.meter else ""

    def fail(self, response: httpx2.Response) -> None:
        if len(self.failures) < 5:
            self.failures.append(f"HTTP {response.status_code} {response.text[:300]}")

    def figures(self) -> str:
        ordered = sorted(self.latencies)
        return f"p50 {percentile(ordered, 0.5):6.2f} ms   p99 {percentile(ordered, 0.99):6.2f} ms"


async def timed(server: Server, phase: Phase, workers: list[Awaitable[None]]) -> None:
    phase.meter = CpuMeter(server.process.pid)
    with phase.meter.measure():
        await asyncio.gather(*workers)


async def sender(
    http: httpx2.AsyncClient,
    key: str,
    channel_id: str,
    more: Callable[[], bool],
    phase: Phase,
    seqs: list[int],
) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    path = f"/channels/{channel_id}/messages"
    sent = 0
    while more():
        sent += 1
        body = orjson.dumps({"content": f"{key[-8:]} message {sent}: {FILLER}"})
        started = time.perf_counter()
        response = await http.post(path, content=body, headers=headers)
        phase.latencies.append(time.perf_counter() - started)
        phase.statuses[response.status_code] += 1
        if response.status_code == 201:
            seqs.append(orjson.loads(response.content)["data"]["seq"])
        else:
            phase.fail(response)


async def health_checker(
    http: httpx2.AsyncClient, url: str, more: Callable[[], bool], phase: Phase
) -> None:
    while more():
        started = time.perf_counter()
        response = await http.get(url)
        phase.latencies.append(time.perf_counter() - started)
        phase.statuses[response.status_code] += 1
        if response.status_code != 200:
            phase.fail(response)


async def history_seqs(
    http: httpx2.AsyncClient, headers: dict[str, str], channel_id: str
) -> tuple[list[int], int]:
    """Every seq of the channel's history, paged forward 100 at a time; and the page count."""
    seqs: list[int] = []
    cursor = 0
    pages = 0
    while True:
        response = await http.get(
            f"/channels/{channel_id}/messages",
            params={"limit": 100, "direction": "after", "cursor": cursor},
            headers=headers,
        )
        data(response)
        body = orjson.loads(response.content)
        pages += 1
        seqs.extend(message["seq"] for message in body["data"])
        if not body["pagination"]["hasMore"]:
            return seqs, pages
        cursor = body["pagination"]["cursor"]


def seq_problems(seqs: list[int], last: int, what: str) -> list[str]:
    if seqs == list(range(1, last + 1)):
        return []
    counts = Counter(seqs)
    duplicates = sum(1 for count in counts.values() if count > 1)
    missing = sum(1 for seq in range(1, last + 1) if seq not in counts)
    return [f"{what}: {len(seqs)} seqs for lastSeq {last}, {missing} missing, {duplicates} twice"]


async def run(server: Server, args: argparse.Namespace) -> bool:
    async with client(server, args.senders) as http:
        admin = await admin_headers(http)
        agents = await create_agents(http, admin, args.senders, prefix="sender")
        channel_ids = [
            await open_group(
                http,
                admin,
                f"bench-{index}",
                [agent for agent, _ in agents[index :: args.channels]],
            )
            for index in range(args.channels)
        ]
        assignment = [
            (key, channel_ids[index % args.channels]) for index, (_, key) in enumerate(agents)
        ]
        seqs: dict[str, list[int]] = {channel_id: [] for channel_id in channel_ids}

        def senders(phase: Phase, budget: Callable[[], Budget]) -> list[Awaitable[None]]:
            """One sender per agent; each asks `budget()` for its budget (shared or its own)."""
            return [
                sender(http, key, channel_id, budget().take, phase, seqs[channel_id])
                for key, channel_id in assignment
            ]

        warmup = Phase()
        await timed(server, warmup, senders(warmup, lambda: Budget(0, WARMUP_PER_SENDER)))
        before = {channel_id: await last_seq(http, admin, channel_id) for channel_id in channel_ids}

        sends = Phase()
        with profiled(server.process.pid, args.profile):
            shared = Budget(args.duration, args.messages)
            await timed(server, sends, senders(sends, lambda: shared))
        after = {channel_id: await last_seq(http, admin, channel_id) for channel_id in channel_ids}

        health = Phase()
        url = server.base + "/healthz"
        budget = Budget(args.healthz_duration, None)
        await timed(
            server, health, [health_checker(http, url, budget.take, health) for _ in assignment]
        )

        admin = await admin_headers(http)
        problems = [failure for phase in (warmup, sends, health) for failure in phase.failures]
        pages = 0
        for channel_id in channel_ids:
            history, read = await history_seqs(http, admin, channel_id)
            pages += read
            problems += seq_problems(history, after[channel_id], f"history of {channel_id}")
            problems += seq_problems(
                sorted(seqs[channel_id]), after[channel_id], f"answers in {channel_id}"
            )

    persisted = sum(after[c] - before[c] for c in channel_ids)
    if persisted != sends.statuses[201]:
        problems.append(f"{persisted} messages persisted, {sends.statuses[201]} sends answered 201")
    rate = persisted / sends.elapsed
    health_rate = health.statuses[200] / health.elapsed
    p99 = percentile(sorted(sends.latencies), 0.99)
    ratio = rate / health_rate
    print(
        f"send     {rate:8.0f} msg/s persisted ({persisted} in {sends.elapsed:.1f} s)   "
        f"{sends.figures()}"
    )
    print(
        f"         target ≥ {TARGET_RATE:,} msg/s: {verdict(rate >= TARGET_RATE)}; "
        f"p99 ≤ {TARGET_P99_MS} ms: {verdict(p99 <= TARGET_P99_MS)}"
    )
    print(f"         {sends.cpu}")
    print(
        f"healthz  {health_rate:8.0f} req/s ({health.statuses[200]} in {health.elapsed:.1f} s)"
        f"        {health.figures()}"
    )
    print(f"         {health.cpu}")
    print(
        f"ratio    {ratio:8.2f} msg/s ÷ healthz req/s   target ≥ {TARGET_RATIO}: "
        f"{verdict(ratio >= TARGET_RATIO)}"
    )
    statuses = sends.statuses + warmup.statuses + health.statuses
    print(f"statuses {dict(sorted(statuses.items()))}")
    total = sum(after.values())
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        return False
    print(
        f"verified: {total} messages over {len(channel_ids)} channel(s), lastSeq = sends "
        f"answered 201, history seqs 1..lastSeq with no gap or duplicate ({pages} pages)"
    )
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", type=int, default=50, help="concurrent senders (agents)")
    parser.add_argument("--channels", type=int, default=1, help="spread senders over N channels")
    parser.add_argument("--duration", type=float, default=20, help="seconds of timed sends")
    parser.add_argument("--messages", type=int, help="send this many in all instead")
    parser.add_argument("--healthz-duration", type=float, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--profile", metavar="FILE", help="py-spy raw profile of the sends")
    args = parser.parse_args()
    if not 1 <= args.channels <= args.senders:
        parser.error("--channels must be between 1 and --senders")
    with running_server(args.database_url, admin=True) as server:
        budget = f"{args.messages} messages" if args.messages else f"{args.duration:g} s"
        print(
            f"engine {server.engine}, {args.senders} senders over {args.channels} channel(s), "
            f"{budget} of sends after {WARMUP_PER_SENDER} each to warm up"
        )
        ok = asyncio.run(run(server, args))
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
