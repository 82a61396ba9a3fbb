"""Shared by the MCP benchmarks: `sesame-mcp` subprocesses (against a platform, or embedded)
over stdio and streamable HTTP, timings with the CPU their servers used, and start times.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import anyio
from anyio.abc import Process
from mcp import Client, StdioServerParameters, types
from mcp.client.stdio import stdio_client

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._server import Server, cpu_seconds, percentile

BIN = Path(sys.executable).parent / "sesame-mcp"
BANNER = re.compile(r"Sesame MCP server over [\w-]+: (\S+)")
WAIT = 60  # seconds any one step may take before the run is abandoned


def bench_env() -> dict[str, str]:
    """This environment without SESAME_* variables; without PYTHONDONTWRITEBYTECODE, so that
    later starts find the bytecode cached, as in an install."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SESAME_") and key != "PYTHONDONTWRITEBYTECODE"
    }


def mcp_env(server: Server, api_key: str) -> dict[str, str]:
    """`bench_env()` acting as the agent of `api_key` on `server`."""
    return {**bench_env(), "SESAME_API_URL": server.base, "SESAME_API_KEY": api_key}


def embedded_args(data_dir: Path | str) -> list[str]:
    """`sesame-mcp --embedded` over `data_dir`, its platform on a free port."""
    return ["--embedded", "--data-dir", str(data_dir), "--platform-port", "0"]


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


def is_stdio_mcp(embedded: bool) -> Callable[[list[str]], bool]:
    """A `child_pid` marker for the stdio `sesame-mcp` subprocess, embedded or not."""

    def marker(argv: list[str]) -> bool:
        return (
            any(part.endswith("sesame-mcp") for part in argv)
            and "--transport" not in argv
            and ("--embedded" in argv) == embedded
        )

    return marker


@dataclass
class Timings:
    """Latencies of one kind of call, and the CPU the processes that serve it used."""

    name: str
    server_pids: Sequence[int] = ()
    seconds: list[float] = field(default_factory=list)
    server_cpu: float = 0.0

    def p(self, q: float) -> float:
        return percentile(sorted(self.seconds), q)

    def line(self) -> str:
        cpu = ""
        if self.server_pids:
            cpu = f"   server cpu {self.server_cpu / len(self.seconds) * 1000:5.2f} ms/call"
        return (
            f"{self.name:<44} p50 {self.p(0.5):6.2f} ms   p99 {self.p(0.99):6.2f} ms{cpu}   "
            f"(n={len(self.seconds)})"
        )


async def timed(timings: Timings, call: Callable[[], Awaitable[None]], count: int) -> None:
    cpu = sum(cpu_seconds(pid) for pid in timings.server_pids)
    for _ in range(count):
        started = time.perf_counter()
        await call()
        timings.seconds.append(time.perf_counter() - started)
    timings.server_cpu += sum(cpu_seconds(pid) for pid in timings.server_pids) - cpu


def checked(result: types.CallToolResult, what: str) -> types.CallToolResult:
    if result.is_error:
        raise SystemExit(f"{what} failed: {result.content}")
    return result


@contextlib.asynccontextmanager
async def http_mcp(
    env: dict[str, str], errlog: TextIO, *args: str
) -> AsyncIterator[tuple[Process, str]]:
    """A `sesame-mcp --transport streamable-http` subprocess (with `args`) on a free port; its
    URL once the banner names it. Its stderr goes on to `errlog`."""
    command = [str(BIN), *args, "--transport", "streamable-http", "--port", "0"]
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


async def start_times(
    params: Callable[[], StdioServerParameters], errlog: TextIO, count: int
) -> list[float]:
    """Seconds from spawning `sesame-mcp` over stdio (with the parameters `params()` gives
    for each start) to its first `whoami` result, initialize handshake included."""
    times = []
    for _ in range(count):
        started_with = params()
        with anyio.fail_after(WAIT):
            started = time.perf_counter()
            async with Client(stdio_client(started_with, errlog=errlog), mode="legacy") as mcp:
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
