"""History paging throughput: read a long channel history forward, 100 messages a page, against
a real `sesame-server serve` process, on SQLite (default) or PostgreSQL.

    uv run python bench/replay.py [--messages 100000] [--senders 50] [--readers 1,4,8]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_db] [--profile replay.txt]

Setup (not measured, its rate is printed for information): `--senders` agents send
`--messages` messages into one group channel as fast as they can. Then, for each count in
`--readers`, that many concurrent readers (agents, API keys) each page through their own
contiguous share of the history with `GET /channels/:id/messages?direction=after&limit=100`,
starting from the cursor where their share begins; 1 reader is a plain sequential replay. Each
page must hold exactly the next seqs. Prints messages/s and pages/s against the target, page
latency, and the CPU used by the server, by this load generator and by other processes
(PostgreSQL's backends among them), with the server's CPU time per page.

On PostgreSQL the tables are ANALYZEd after seeding, as autovacuum would do on a live
database (`--no-analyze` skips it: with autovacuum off and no statistics, the history query
is planned as if the channel were empty, and every page reads and sorts all the messages after
its cursor).

`--profile FILE` records the server with py-spy during each measured pass (FILE gets the reader
count added to its name).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import httpx2
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._server import (
    CpuMeter,
    Server,
    admin_headers,
    analyze,
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

TARGET_RATE = 100_000
PAGE = 100
CONTENT = "replayed message {}: " + "lorem ipsum dolor sit amet " * 3


async def seed(
    http: httpx2.AsyncClient, keys: list[str], channel_id: str, total: int
) -> tuple[int, float]:
    """Send `total` messages from all keys at once; (messages sent, seconds)."""
    remaining = total
    path = f"/channels/{channel_id}/messages"

    async def send_from(key: str) -> None:
        nonlocal remaining
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        while remaining > 0:
            remaining -= 1
            body = orjson.dumps({"content": CONTENT.format(remaining)})
            data(await http.post(path, content=body, headers=headers), 201)

    started = time.perf_counter()
    await asyncio.gather(*(send_from(key) for key in keys))
    return total, time.perf_counter() - started


async def read_range(
    http: httpx2.AsyncClient,
    key: str,
    channel_id: str,
    start: int,
    end: int,
    latencies: list[float],
) -> int:
    """Page seqs start+1..end forward; check each page; return the messages read."""
    headers = {"Authorization": f"Bearer {key}"}
    path = f"/channels/{channel_id}/messages"
    cursor = start
    while cursor < end:
        limit = min(PAGE, end - cursor)
        params = {"limit": limit, "direction": "after", "cursor": cursor}
        started = time.perf_counter()
        response = await http.get(path, params=params, headers=headers)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"page after {cursor}: HTTP {response.status_code} {response.text}")
        body = orjson.loads(response.content)
        seqs = [message["seq"] for message in body["data"]]
        if seqs != list(range(cursor + 1, cursor + limit + 1)):
            raise SystemExit(f"page after {cursor}: seqs {seqs[:3]}…{seqs[-3:]} ({len(seqs)})")
        if body["pagination"]["cursor"] != cursor + limit:
            raise SystemExit(f"page after {cursor}: next cursor {body['pagination']['cursor']}")
        cursor += limit
    return end - start


async def replay(
    server: Server,
    http: httpx2.AsyncClient,
    keys: list[str],
    channel_id: str,
    total: int,
    readers: int,
    profile: str | None,
) -> None:
    latencies: list[float] = []
    bounds = [total * index // readers for index in range(readers + 1)]
    meter = CpuMeter(server.process.pid)
    with profiled(server.process.pid, profile), meter.measure():
        counts = await asyncio.gather(
            *(
                read_range(
                    http, keys[index % len(keys)], channel_id, *bounds[index : index + 2], latencies
                )
                for index in range(readers)
            )
        )
    read = sum(counts)
    if read != total:
        raise SystemExit(f"{readers} readers read {read} of {total} messages")
    rate = read / meter.elapsed
    latencies.sort()
    label = "sequential" if readers == 1 else f"{readers} concurrent"
    print(
        f"{label:<14} {rate:8.0f} msg/s  {len(latencies) / meter.elapsed:6.0f} pages/s   "
        f"page p50 {percentile(latencies, 0.5):6.2f} ms  p99 {percentile(latencies, 0.99):6.2f} ms"
        f"   target ≥ {TARGET_RATE:,} msg/s: {verdict(rate >= TARGET_RATE)}"
    )
    print(f"{'':<14} {meter.report(len(latencies))}")


def profile_name(profile: str | None, readers: int) -> str | None:
    if profile is None:
        return None
    path = Path(profile)
    return str(path.with_name(f"{path.stem}-{readers}readers{path.suffix}"))


async def run(server: Server, args: argparse.Namespace) -> None:
    async with client(server, max(args.senders, *args.readers)) as http:
        admin = await admin_headers(http)
        agents = await create_agents(http, admin, args.senders, prefix="replay")
        keys = [key for _, key in agents]
        channel_id = await open_group(http, admin, "replay", [agent for agent, _ in agents])
        sent, seconds = await seed(http, keys, channel_id, args.messages)
        total = await last_seq(http, await admin_headers(http), channel_id)
        if total != sent:
            raise SystemExit(f"sent {sent} messages, the channel's lastSeq is {total}")
        print(
            f"seeded   {total} messages in {seconds:.1f} s ({total / seconds:.0f} msg/s, "
            f"{args.senders} senders; setup, not a measured figure)"
        )
        if args.database_url and args.analyze:
            print(analyze(args.database_url))
        for readers in args.readers:
            await replay(
                server, http, keys, channel_id, total, readers, profile_name(args.profile, readers)
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--senders", type=int, default=50, help="concurrent senders to seed")
    parser.add_argument(
        "--readers",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1, 4, 8],
        help="comma-separated reader counts, one measured pass each",
    )
    parser.add_argument("--database-url")
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="PostgreSQL: do not ANALYZE after seeding (plans then go by empty statistics)",
    )
    parser.add_argument("--profile", metavar="FILE", help="py-spy raw profile of each pass")
    args = parser.parse_args()
    with running_server(args.database_url, admin=True) as server:
        print(
            f"engine {server.engine}, {args.messages} messages in one channel, pages of {PAGE}, "
            f"readers {','.join(map(str, args.readers))}"
        )
        asyncio.run(run(server, args))


if __name__ == "__main__":
    main()
