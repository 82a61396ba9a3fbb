"""The MCP server's overhead on a send and a read, its notification latency, memory and start
time: against a real `sesame-server serve` process (SQLite) and, embedded, with the platform in
the `sesame-mcp` process itself; real `sesame-mcp` processes throughout.

    uv run python bench/mcp_send.py [--calls 1000] [--rounds 10] [--notifications 500]
        [--starts 3]

Agent A sends into a group channel (loop prevention out of the way); agent B sends there too.
In the same run, interleaved in `--rounds` rounds so that the machine's load falls on every
kind alike, `--calls` sequential calls of each kind:

- (a) REST: `SesameClient.messages.send` and `.history` (20) as agent A, straight to the
  platform;
- (b) over stdio: the SDK's stdio client and a `sesame-mcp` subprocess acting as A (protocol
  2025-11-25, initialize handshake): `send_message`, `read_messages` (limit 20), and the
  transport's floor, `ping`, a request the server answers without calling the platform;
- (c) the same over streamable HTTP: a `sesame-mcp --transport streamable-http` subprocess;
- (e) embedded, over stdio: `sesame-mcp --embedded` on a data dir of its own, acting as its
  local agent in a channel it made through the tools (what `./scripts/serve` runs, but on
  stdio);
- (f) embedded, over streamable HTTP.

Each line shows the CPU the processes serving the call used per call: the platform for (a),
the MCP server and the platform for (b) and (c), the one process for (e) and (f).

Then:

- notification latency, against the platform process: each MCP session subscribes
  (`resources/subscribe`) to `sesame://channels/{id}/messages`; B sends over REST, one message
  at a time, and the time from the start of B's POST until the session receives
  `notifications/resources/updated` is recorded (it includes B's POST; the platform fans the
  event out as it answers);
- MCP server memory: VmRSS (and the peak, VmHWM) of the `sesame-mcp` processes after the runs;
- start time: `--starts` fresh `sesame-mcp` stdio processes, from spawn to the first `whoami`
  result (initialize handshake included): against the platform; embedded on a new data dir
  each (the first run bootstraps it: migrations, admin, local agent); embedded on a data dir
  made before. The MCP servers run without PYTHONDONTWRITEBYTECODE, so the bytecode the first
  ones compile is cached for the timed starts, as after an install.

Prints p50/p99 for each, the targets and whether each was met, and the CPU the platform, this
load generator and other processes used during the calls (the machine may be shared).

Measured on 2 shared cores (`--calls 300 --rounds 3`, machine load 1.1-1.5), embedded over
stdio, p50 / p99: send_message 2.34 / 6.37 ms, read_messages (20) 6.24 / 19.1 ms, ping 0.39 ms;
start to first whoami 1.43 s on a new data dir, 1.25 s on an existing one. Before the embedded
MCP server called its platform in process, and while the platform's accepted connections kept
Nagle's algorithm on (load 0.7-1.1): 48.0 / 56.1 ms, 98.1 / 108.2 ms, 0.53 ms; 1.69 s and
1.64 s. A read is two platform requests (the channel, for the read position; the page), each
~1.1-1.4 ms in process, most of it SQLite's worker-thread hops.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import anyio
from mcp import Client, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPDeprecationWarning

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._mcp import (
    BIN,
    WAIT,
    Timings,
    bench_env,
    checked,
    child_pid,
    embedded_args,
    http_mcp,
    is_stdio_mcp,
    mcp_env,
    memory_mb,
    start_times,
    stderr_file,
    timed,
)
from bench._server import (
    CpuMeter,
    Server,
    admin_headers,
    client,
    create_agents,
    open_group,
    running_server,
    verdict,
)
from sesame_mcp.client import SesameClient
from sesame_mcp.notifications import channel_messages

TARGET_STDIO_P50_MS = 3.5
TARGET_ABOVE_REST_MS = 2.0
TARGET_P99_MS = 25.0
TARGET_NOTIFY_P50_MS = 5.0
TARGET_RSS_MB = 120.0
TARGET_START_S = 1.5
# Embedded, over stdio: the platform is in the MCP server's process.
TARGET_EMBEDDED_SEND_P50_MS = 3.0
TARGET_EMBEDDED_READ_P50_MS = 4.0
TARGET_EMBEDDED_P99_MS = 10.0
TARGET_EMBEDDED_ABOVE_FLOOR_MS = 1.5
READ_LIMIT = 20
WARMUP = 20
CONTENT = "a message of a size an agent might send, give or take a few words " * 2

Call = Callable[[], Awaitable[None]]


class Updates:
    """`notifications/resources/updated` a session received for one URI, with their times."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.times: list[float] = []
        self._arrived = anyio.Event()

    async def handler(self, message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification) and (
            str(message.params.uri) == self.uri
        ):
            self.times.append(time.perf_counter())
            self._arrived.set()
            self._arrived = anyio.Event()

    async def beyond(self, count: int) -> float:
        """The time the update after the first `count` arrived."""
        while len(self.times) <= count:
            await self._arrived.wait()
        return self.times[count]


async def notification_latency(
    timings: Timings,
    after_answer: Timings,
    mcp: Client,
    updates: Updates,
    bob: SesameClient,
    channel_id: str,
    n: int,
) -> None:
    """B sends `n` messages one by one; the time from each POST's start (and from its answer:
    negative when the update came first) to the update."""
    await mcp.session.subscribe_resource(updates.uri)
    for index in range(n + WARMUP):
        seen = len(updates.times)
        started = time.perf_counter()
        await bob.messages.send(channel_id, f"from bob {index}")
        answered = time.perf_counter()
        with anyio.fail_after(WAIT):
            arrived = await updates.beyond(seen)
        if index >= WARMUP:
            timings.seconds.append(arrived - started)
            after_answer.seconds.append(arrived - answered)
    await mcp.session.unsubscribe_resource(updates.uri)


@dataclass
class Session:
    """One MCP session under test: the pids of the processes that serve it, and the channel
    its agent sends to and reads."""

    label: str
    mcp: Client
    server_pids: Sequence[int]
    channel_id: str

    def kinds(self, prefix: str) -> list[tuple[Timings, Call]]:
        """send_message, read_messages and the transport's floor, `ping`."""
        send_args = {"channel": self.channel_id, "content": CONTENT}
        read_args = {"channel": self.channel_id, "limit": READ_LIMIT}

        async def send() -> None:
            checked(await self.mcp.call_tool("send_message", send_args), "send_message")

        async def read() -> None:
            result = checked(await self.mcp.call_tool("read_messages", read_args), "read")
            assert result.structured_content is not None
            if len(result.structured_content["messages"]) != READ_LIMIT:
                raise SystemExit(f"read_messages gave fewer than {READ_LIMIT} messages")

        async def ping() -> None:
            await self.mcp.session.send_ping()

        return [
            (Timings(f"{prefix} send_message over {self.label}", self.server_pids), send),
            (
                Timings(
                    f"{prefix} read_messages ({READ_LIMIT}) over {self.label}", self.server_pids
                ),
                read,
            ),
            (Timings(f"{prefix} ping over {self.label}", self.server_pids), ping),
        ]


async def embedded_channel(mcp: Client) -> str:
    """A group channel of the embedded platform, loop prevention out of the way, set up
    through the tools as an agent would; its id."""
    created = checked(await mcp.call_tool("create_channel", {"name": "bench"}), "create")
    assert created.structured_content is not None
    channel_id: str = created.structured_content["channel"]["id"]
    switch = "switch_toolsets"
    checked(await mcp.call_tool(switch, {"enable": ["channel_admin"]}), switch)
    limits = {"mode": "free", "max_consecutive": 100_000, "cooldown_ms": 0, "rate_limit": 100_000}
    coordination = {"channel": channel_id, **limits}
    checked(await mcp.call_tool("set_coordination", coordination), "set_coordination")
    checked(await mcp.call_tool(switch, {"disable": ["channel_admin"]}), switch)
    return channel_id


@dataclass
class Starts:
    """Start times of `sesame-mcp` over stdio, to the first `whoami` result."""

    remote: list[float]
    embedded_first: list[float]
    embedded_later: list[float]

    @staticmethod
    def line(label: str, starts: list[float]) -> str:
        shown = ", ".join(f"{seconds:.2f}" for seconds in starts)
        start = statistics.median(starts)
        return (
            f"start to first whoami over stdio, {label}: median {start:.2f} s ({shown}); "
            f"≤ {TARGET_START_S} s: {verdict(start <= TARGET_START_S)}"
        )


async def measure_starts(env: dict[str, str], errlog: TextIO, count: int, root: Path) -> Starts:
    """Against the platform; embedded on a new data dir each time (the first run bootstraps
    it); embedded on a data dir made before."""
    made = iter(range(1_000_000))

    def remote() -> StdioServerParameters:
        return StdioServerParameters(command=str(BIN), env=env)

    def first() -> StdioServerParameters:
        data_dir = root / f"start-{next(made)}"
        return StdioServerParameters(
            command=str(BIN), args=embedded_args(data_dir), env=bench_env()
        )

    def later() -> StdioServerParameters:
        args = embedded_args(root / "start-0")
        return StdioServerParameters(command=str(BIN), args=args, env=bench_env())

    return Starts(
        remote=await start_times(remote, errlog, count),
        embedded_first=await start_times(first, errlog, count),
        embedded_later=await start_times(later, errlog, count),
    )


async def run(server: Server, args: argparse.Namespace, errlog: TextIO, root: Path) -> bool:
    async with client(server, 4) as http:
        admin = await admin_headers(http)
        (a_id, a_key), (b_id, b_key) = await create_agents(http, admin, 2, prefix="mcp")
        channel_id = await open_group(http, admin, "mcp-bench", [a_id, b_id])
    env = mcp_env(server, a_key)
    uri = channel_messages(channel_id)
    stdio_updates, http_updates = Updates(uri), Updates(uri)
    stdio_params = StdioServerParameters(command=str(BIN), env=env)
    embedded_params = StdioServerParameters(
        command=str(BIN), args=embedded_args(root / "stdio"), env=bench_env()
    )
    platform = server.process.pid

    rest = Timings("(a) REST messages.send", [platform])
    rest_read = Timings(f"(a) REST messages.history ({READ_LIMIT})", [platform])
    stdio_notify = Timings("notification over stdio")
    http_notify = Timings("notification over streamable HTTP")
    stdio_after = Timings("  counted from B's 201 instead")
    http_after = Timings("  counted from B's 201 instead")
    meter = CpuMeter(platform)

    async with (
        SesameClient(server.base, api_key=a_key) as alice,
        SesameClient(server.base, api_key=b_key) as bob,
        Client(
            stdio_client(stdio_params, errlog=errlog),
            mode="legacy",
            message_handler=stdio_updates.handler,
        ) as over_stdio,
        http_mcp(env, errlog) as (http_process, url),
        Client(url, mode="legacy", message_handler=http_updates.handler) as over_http,
        Client(stdio_client(embedded_params, errlog=errlog), mode="legacy") as embedded_stdio,
        http_mcp(bench_env(), errlog, *embedded_args(root / "http")) as (embedded_process, e_url),
        Client(e_url, mode="legacy") as embedded_http,
    ):
        stdio_pid = child_pid(is_stdio_mcp(embedded=False))
        embedded_pid = child_pid(is_stdio_mcp(embedded=True))
        sessions = [
            Session("stdio", over_stdio, [stdio_pid, platform], channel_id),
            Session("streamable HTTP", over_http, [http_process.pid, platform], channel_id),
            Session(
                "stdio", embedded_stdio, [embedded_pid], await embedded_channel(embedded_stdio)
            ),
            Session(
                "streamable HTTP",
                embedded_http,
                [embedded_process.pid],
                await embedded_channel(embedded_http),
            ),
        ]

        async def by_rest() -> None:
            await alice.messages.send(channel_id, CONTENT)

        async def read_by_rest() -> None:
            await alice.messages.history(channel_id, limit=READ_LIMIT)

        stdio, over_http_kinds, embedded, embedded_over_http = (
            session.kinds(prefix)
            for session, prefix in zip(sessions, ["(b)", "(c)", "(e)", "(f)"], strict=True)
        )
        kinds: list[tuple[Timings, Call]] = [(rest, by_rest), (rest_read, read_by_rest)]
        kinds += stdio + over_http_kinds + embedded + embedded_over_http
        for _, call in kinds:  # warm up: connections, caches, code paths; READ_LIMIT messages
            for _ in range(WARMUP):
                await call()
        per_round = args.calls // args.rounds
        with meter.measure():
            for _ in range(args.rounds):
                for timings, call in kinds:
                    await timed(timings, call, per_round)

        await notification_latency(
            stdio_notify,
            stdio_after,
            over_stdio,
            stdio_updates,
            bob,
            channel_id,
            args.notifications,
        )
        await notification_latency(
            http_notify, http_after, over_http, http_updates, bob, channel_id, args.notifications
        )
        memory = {
            name: memory_mb(pid)
            for name, pid in (
                ("stdio", stdio_pid),
                ("HTTP", http_process.pid),
                ("embedded stdio", embedded_pid),
                ("embedded HTTP", embedded_process.pid),
            )
        }

    starts = await measure_starts(env, errlog, args.starts, root)

    calls = sum(len(timings.seconds) for timings, _ in kinds)
    print(f"{calls} timed calls in {meter.elapsed:.1f} s; platform process: {meter.report(calls)}")
    print(
        "(b), (c): sesame-mcp against the platform process; (e), (f): sesame-mcp --embedded; "
        "server cpu: the processes that serve the call"
    )
    for timings, _ in kinds:
        print(timings.line())
    stdio_send, stdio_ping = stdio[0][0], stdio[2][0]
    http_send, http_ping = over_http_kinds[0][0], over_http_kinds[2][0]
    above = stdio_send.p(0.5) - rest.p(0.5)
    above_http = http_send.p(0.5) - rest.p(0.5)
    p99 = max(stdio_send.p(0.99), http_send.p(0.99))
    print(
        f"  send_message p50 over stdio ≤ {TARGET_STDIO_P50_MS} ms: "
        f"{verdict(stdio_send.p(0.5) <= TARGET_STDIO_P50_MS)}; "
        f"above REST: stdio +{above:.2f} ms, HTTP +{above_http:.2f} ms, "
        f"≤ {TARGET_ABOVE_REST_MS} ms: stdio {verdict(above <= TARGET_ABOVE_REST_MS)}, "
        f"HTTP {verdict(above_http <= TARGET_ABOVE_REST_MS)}"
    )
    print(
        f"  send_message p99 ≤ {TARGET_P99_MS:g} ms (both transports): "
        f"{verdict(p99 <= TARGET_P99_MS)}"
    )
    print(
        f"  MCP layer above its transport floor (p50): stdio "
        f"{stdio_send.p(0.5) - stdio_ping.p(0.5):.2f} ms, HTTP "
        f"{http_send.p(0.5) - http_ping.p(0.5):.2f} ms; the platform send itself "
        f"{rest.p(0.5):.2f} ms"
    )
    embedded_met = report_embedded(embedded, embedded_over_http)
    for timings in (stdio_notify, stdio_after, http_notify, http_after):
        print(timings.line())
    notify = min(stdio_notify.p(0.5), http_notify.p(0.5))
    print(
        f"  from the start of B's REST send to notifications/resources/updated for {uri}; "
        f"p50 ≤ {TARGET_NOTIFY_P50_MS:g} ms: stdio "
        f"{verdict(stdio_notify.p(0.5) <= TARGET_NOTIFY_P50_MS)}, HTTP "
        f"{verdict(http_notify.p(0.5) <= TARGET_NOTIFY_P50_MS)}"
    )
    shown = ", ".join(
        f"{name} {rss:.0f} MB (peak {peak:.0f})" for name, (rss, peak) in memory.items()
    )
    rss = max(memory["stdio"][0], memory["HTTP"][0])
    print(
        f"MCP server memory after the runs (VmRSS): {shown}; against the platform ≤ "
        f"{TARGET_RSS_MB:g} MB: {verdict(rss <= TARGET_RSS_MB)} (embedded: platform included)"
    )
    print(Starts.line("against the platform", starts.remote))
    print(Starts.line("embedded, new data dir", starts.embedded_first))
    print(Starts.line("embedded, existing data dir", starts.embedded_later))
    start_met = all(
        statistics.median(times) <= TARGET_START_S
        for times in (starts.remote, starts.embedded_first, starts.embedded_later)
    )
    return all(
        (
            stdio_send.p(0.5) <= TARGET_STDIO_P50_MS,
            above <= TARGET_ABOVE_REST_MS,
            above_http <= TARGET_ABOVE_REST_MS,
            p99 <= TARGET_P99_MS,
            notify <= TARGET_NOTIFY_P50_MS,
            rss <= TARGET_RSS_MB,
            embedded_met,
            start_met,
        )
    )


def report_embedded(
    stdio: list[tuple[Timings, Call]], over_http: list[tuple[Timings, Call]]
) -> bool:
    """The embedded targets, over stdio (streamable HTTP shown beside them); whether met."""
    (send, _), (read, _), (ping, _) = stdio
    (http_send, _), (http_read, _), (http_ping, _) = over_http
    send_above, read_above = send.p(0.5) - ping.p(0.5), read.p(0.5) - ping.p(0.5)
    checks = {
        f"send_message p50 ≤ {TARGET_EMBEDDED_SEND_P50_MS:g} ms": send.p(0.5)
        <= TARGET_EMBEDDED_SEND_P50_MS,
        f"p99 ≤ {TARGET_EMBEDDED_P99_MS:g} ms": send.p(0.99) <= TARGET_EMBEDDED_P99_MS,
        f"read_messages p50 ≤ {TARGET_EMBEDDED_READ_P50_MS:g} ms": read.p(0.5)
        <= TARGET_EMBEDDED_READ_P50_MS,
        f"both ≤ {TARGET_EMBEDDED_ABOVE_FLOOR_MS:g} ms above ping": max(send_above, read_above)
        <= TARGET_EMBEDDED_ABOVE_FLOOR_MS,
    }
    print(
        "  embedded over stdio: "
        + "; ".join(f"{name}: {verdict(met)}" for name, met in checks.items())
    )
    print(
        f"  embedded, above the ping floor (p50): stdio send +{send_above:.2f} ms, read "
        f"+{read_above:.2f} ms; HTTP send +{http_send.p(0.5) - http_ping.p(0.5):.2f} ms, read "
        f"+{http_read.p(0.5) - http_ping.p(0.5):.2f} ms"
    )
    return all(checks.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000, help="timed calls of each kind")
    parser.add_argument("--rounds", type=int, default=10, help="interleave the kinds in rounds")
    parser.add_argument("--notifications", type=int, default=500, help="timed per transport")
    parser.add_argument("--starts", type=int, default=3, help="fresh stdio processes timed")
    args = parser.parse_args()
    # resources/subscribe and ping are the 2025-11-25 protocol's, which these sessions speak.
    warnings.filterwarnings("ignore", category=MCPDeprecationWarning)
    if not 1 <= args.rounds <= args.calls:
        parser.error("--rounds must be between 1 and --calls")
    with (
        running_server(admin=True) as server,
        stderr_file() as errlog,
        tempfile.TemporaryDirectory() as root,
    ):
        print(
            f"engine {server.engine}; {args.calls} calls of each kind in {args.rounds} "
            f"interleaved rounds after {WARMUP} each to warm up; machine load "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
        )
        met = asyncio.run(run(server, args, errlog, Path(root)))
        print(f"machine load at the end {os.getloadavg()[0]:.2f}")
    if not met:
        print("some targets were MISSED")


if __name__ == "__main__":
    main()
