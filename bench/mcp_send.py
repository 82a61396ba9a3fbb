"""The MCP server's overhead on a send, its notification latency, memory and start time, against
a real `sesame-server serve` process (SQLite) and real `sesame-mcp` processes.

    uv run python bench/mcp_send.py [--calls 1000] [--rounds 10] [--notifications 500]
        [--starts 3]

Agent A sends into a group channel (loop prevention out of the way); agent B sends there too.
In the same run, interleaved in `--rounds` rounds so that the machine's load falls on every
kind alike, `--calls` sequential calls of each kind:

- (a) REST: `SesameClient.messages.send` as agent A, straight to the platform;
- (b) `send_message` over stdio: the SDK's stdio client and a `sesame-mcp` subprocess acting
  as A (protocol 2025-11-25, initialize handshake);
- (c) `send_message` over streamable HTTP: the SDK's streamable-HTTP client and a
  `sesame-mcp --transport streamable-http` subprocess acting as A (2025-11-25);
- (d) the floor of each MCP transport: `ping` on the same sessions, a request the server
  answers without calling the platform.

Then:

- notification latency: each MCP session subscribes (`resources/subscribe`) to
  `sesame://channels/{id}/messages`; B sends over REST, one message at a time, and the time
  from the start of B's POST until the session receives `notifications/resources/updated` is
  recorded (it includes B's POST; the platform fans the event out as it answers);
- MCP server memory: VmRSS (and the peak, VmHWM) of both `sesame-mcp` processes after the runs;
- start time: `--starts` fresh `sesame-mcp` stdio processes, from spawn to the first `whoami`
  result (initialize handshake included). The MCP servers run without PYTHONDONTWRITEBYTECODE,
  so the bytecode the first ones compile is cached for the timed starts, as after an install.

Prints p50/p99 for each, the targets and whether each was met, and the CPU the platform, this
load generator and other processes used during the calls (the machine may be shared).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import anyio
from anyio.abc import Process
from mcp import Client, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPDeprecationWarning

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._server import (
    CpuMeter,
    Server,
    admin_headers,
    client,
    create_agents,
    open_group,
    percentile,
    running_server,
    verdict,
)
from sesame_mcp.client import SesameClient
from sesame_mcp.notifications import channel_messages

BIN = Path(sys.executable).parent / "sesame-mcp"
BANNER = re.compile(r"Sesame MCP server over [\w-]+: (\S+)")
WAIT = 60  # seconds any one step may take before the run is abandoned

TARGET_STDIO_P50_MS = 3.5
TARGET_ABOVE_REST_MS = 2.0
TARGET_P99_MS = 25.0
TARGET_NOTIFY_P50_MS = 5.0
TARGET_RSS_MB = 120.0
TARGET_START_S = 1.5
WARMUP = 20


def mcp_env(server: Server, api_key: str) -> dict[str, str]:
    """This environment without SESAME_* variables, acting as the agent of `api_key`; without
    PYTHONDONTWRITEBYTECODE, so that later starts find the bytecode cached, as in an install."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SESAME_") and key != "PYTHONDONTWRITEBYTECODE"
    }
    return {**env, "SESAME_API_URL": server.base, "SESAME_API_KEY": api_key}


def memory_mb(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def child_pid(marker: Callable[[list[str]], bool]) -> int:
    """The pid of this process's child whose command line `marker` accepts."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (entry / "cmdline").read_bytes().decode().split("\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and marker(argv):
            return int(entry.name)
    raise SystemExit("the sesame-mcp subprocess was not found")


def is_stdio_mcp(argv: list[str]) -> bool:
    return any(part.endswith("sesame-mcp") for part in argv) and "--transport" not in argv


@dataclass
class Timings:
    name: str
    seconds: list[float] = field(default_factory=list)

    def p(self, q: float) -> float:
        return percentile(sorted(self.seconds), q)

    def line(self) -> str:
        return (
            f"{self.name:<34} p50 {self.p(0.5):6.2f} ms   p99 {self.p(0.99):6.2f} ms   "
            f"(n={len(self.seconds)})"
        )


async def timed(timings: Timings, call: Callable[[], Awaitable[None]], count: int) -> None:
    for _ in range(count):
        started = time.perf_counter()
        await call()
        timings.seconds.append(time.perf_counter() - started)


def checked(result: types.CallToolResult, what: str) -> None:
    if result.is_error:
        raise SystemExit(f"{what} failed: {result.content}")


@contextlib.asynccontextmanager
async def http_mcp(env: dict[str, str], errlog: TextIO) -> AsyncIterator[tuple[Process, str]]:
    """A `sesame-mcp --transport streamable-http` subprocess on a free port; its URL once the
    banner names it. Its stderr goes on to `errlog`."""
    command = [str(BIN), "--transport", "streamable-http", "--port", "0"]
    process = await anyio.open_process(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
    )
    async with process, anyio.create_task_group() as group:
        found: list[str] = []
        ready = anyio.Event()

        async def read_stderr() -> None:
            assert process.stderr is not None
            buffer = b""
            async for chunk in process.stderr:
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    text = line.decode(errors="replace")
                    errlog.write(text + "\n")
                    if match := BANNER.search(text):
                        found.append(match.group(1))
                        ready.set()
            ready.set()

        group.start_soon(read_stderr)
        try:
            with anyio.fail_after(WAIT):
                await ready.wait()
            if not found:
                raise SystemExit("sesame-mcp over streamable HTTP did not start")
            yield process, found[0]
        finally:
            if process.returncode is None:
                process.terminate()
            with anyio.fail_after(30):
                await process.wait()


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


async def start_times(env: dict[str, str], errlog: TextIO, count: int) -> list[float]:
    """Seconds from spawning `sesame-mcp` over stdio to its first `whoami` result."""
    params = StdioServerParameters(command=str(BIN), env=env)
    times = []
    for _ in range(count):
        with anyio.fail_after(WAIT):
            started = time.perf_counter()
            async with Client(stdio_client(params, errlog=errlog), mode="legacy") as mcp:
                checked(await mcp.call_tool("whoami", {}), "whoami")
                times.append(time.perf_counter() - started)
    return times


@contextlib.contextmanager
def stderr_file() -> Iterator[TextIO]:
    """Where the MCP servers' stderr goes; printed if the run fails."""
    with tempfile.TemporaryFile("w+") as errlog:
        try:
            yield errlog
        except BaseException:
            errlog.seek(0)
            sys.stderr.write("sesame-mcp stderr:\n" + errlog.read()[-5000:])
            raise


async def run(server: Server, args: argparse.Namespace, errlog: TextIO) -> bool:
    async with client(server, 4) as http:
        admin = await admin_headers(http)
        (a_id, a_key), (b_id, b_key) = await create_agents(http, admin, 2, prefix="mcp")
        channel_id = await open_group(http, admin, "mcp-bench", [a_id, b_id])
    env = mcp_env(server, a_key)
    uri = channel_messages(channel_id)
    stdio_updates, http_updates = Updates(uri), Updates(uri)
    stdio_params = StdioServerParameters(command=str(BIN), env=env)
    content = "a message of a size an agent might send, give or take a few words " * 2

    rest = Timings("(a) REST messages.send")
    stdio_send = Timings("(b) send_message over stdio")
    http_send = Timings("(c) send_message over streamable HTTP")
    stdio_ping = Timings("(d) ping over stdio")
    http_ping = Timings("(d) ping over streamable HTTP")
    stdio_notify = Timings("notification over stdio")
    http_notify = Timings("notification over streamable HTTP")
    stdio_after = Timings("  counted from B's 201 instead")
    http_after = Timings("  counted from B's 201 instead")
    meter = CpuMeter(server.process.pid)

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
    ):
        stdio_pid = child_pid(is_stdio_mcp)
        arguments = {"channel": channel_id, "content": content}

        async def by_rest() -> None:
            await alice.messages.send(channel_id, content)

        async def by_stdio() -> None:
            checked(await over_stdio.call_tool("send_message", arguments), "send_message")

        async def by_http() -> None:
            checked(await over_http.call_tool("send_message", arguments), "send_message")

        async def ping_stdio() -> None:
            await over_stdio.session.send_ping()

        async def ping_http() -> None:
            await over_http.session.send_ping()

        kinds = [
            (rest, by_rest),
            (stdio_send, by_stdio),
            (http_send, by_http),
            (stdio_ping, ping_stdio),
            (http_ping, ping_http),
        ]
        for _, call in kinds:  # warm up: connections, caches, code paths
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
        stdio_rss, stdio_peak = memory_mb(stdio_pid)
        http_rss, http_peak = memory_mb(http_process.pid)

    starts = await start_times(env, errlog, args.starts)

    calls = sum(len(timings.seconds) for timings, _ in kinds)
    print(f"{calls} timed calls in {meter.elapsed:.1f} s; {meter.report(calls)}")
    for timings, _ in kinds:
        print(timings.line())
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
    for timings in (stdio_notify, stdio_after, http_notify, http_after):
        print(timings.line())
    notify = min(stdio_notify.p(0.5), http_notify.p(0.5))
    print(
        f"  from the start of B's REST send to notifications/resources/updated for {uri}; "
        f"p50 ≤ {TARGET_NOTIFY_P50_MS:g} ms: stdio "
        f"{verdict(stdio_notify.p(0.5) <= TARGET_NOTIFY_P50_MS)}, HTTP "
        f"{verdict(http_notify.p(0.5) <= TARGET_NOTIFY_P50_MS)}"
    )
    rss = max(stdio_rss, http_rss)
    print(
        f"MCP server memory after the runs: stdio VmRSS {stdio_rss:.0f} MB (peak {stdio_peak:.0f}),"
        f" HTTP VmRSS {http_rss:.0f} MB (peak {http_peak:.0f}); ≤ {TARGET_RSS_MB:g} MB: "
        f"{verdict(rss <= TARGET_RSS_MB)}"
    )
    start = statistics.median(starts)
    shown = ", ".join(f"{seconds:.2f}" for seconds in starts)
    print(
        f"start to first whoami over stdio: median {start:.2f} s ({shown}); "
        f"≤ {TARGET_START_S} s: {verdict(start <= TARGET_START_S)}"
    )
    return all(
        (
            stdio_send.p(0.5) <= TARGET_STDIO_P50_MS,
            above <= TARGET_ABOVE_REST_MS,
            above_http <= TARGET_ABOVE_REST_MS,
            p99 <= TARGET_P99_MS,
            notify <= TARGET_NOTIFY_P50_MS,
            rss <= TARGET_RSS_MB,
            start <= TARGET_START_S,
        )
    )


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
    with running_server(admin=True) as server, stderr_file() as errlog:
        print(
            f"engine {server.engine}; {args.calls} calls of each kind in {args.rounds} "
            f"interleaved rounds after {WARMUP} each to warm up; machine load "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
        )
        met = asyncio.run(run(server, args, errlog))
    if not met:
        print("some targets were MISSED")


if __name__ == "__main__":
    main()
