"""Shared by the HTTP benchmarks: a real `sesame-server serve` process on a free port with a
temp data dir (SQLite, or PostgreSQL with its `public` schema emptied first), an admin login,
agents with API keys, and the figures the benchmarks print.

`profiled()` records the server with py-spy (`py-spy` on PATH or in ~/.local/bin, e.g. from
`uv tool install py-spy`) while a measured phase runs, in py-spy's raw (collapsed stack)
format, one stack per line, thread names included.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx2
import orjson

PASSWORD = "bench-password-1"
ADMIN_EMAIL = "admin@localhost"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    base: str
    process: subprocess.Popen[bytes]
    engine: str
    data_dir: str = ""

    @property
    def api(self) -> str:
        return self.base + "/api/v1"


@contextlib.contextmanager
def running_server(database_url: str | None = None, *, admin: bool = False) -> Iterator[Server]:
    """Start `sesame-server serve` and wait until /healthz answers; stop it on exit. With
    `admin`, the server bootstraps a workspace whose admin is ADMIN_EMAIL / PASSWORD."""
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
        if admin:
            command += ["--admin-email", ADMIN_EMAIL, "--admin-password", PASSWORD]
        if database_url:
            reset = "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
            quiet = {**os.environ, "PGOPTIONS": "--client-min-messages=warning"}
            subprocess.run(["psql", database_url, "-qc", reset], check=True, env=quiet)
            command += ["--database-url", database_url]
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=os.environ.copy())
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx2.get(base + "/healthz").status_code == 200:
                        break
                except httpx2.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.1)
            yield Server(base, process, "PostgreSQL" if database_url else "SQLite", data_dir)
        finally:
            process.terminate()
            process.wait(timeout=10)


def analyze(database_url: str) -> str:
    """Run ANALYZE on PostgreSQL (what autovacuum does on its own after bulk inserts, when it
    is on); say whether autovacuum is on."""
    quiet = {**os.environ, "PGOPTIONS": "--client-min-messages=warning"}
    command = ["psql", database_url, "-qAtc", "SHOW autovacuum", "-c", "ANALYZE"]
    shown = subprocess.run(command, check=True, env=quiet, capture_output=True, text=True)
    return f"ANALYZE done (autovacuum is {shown.stdout.strip() or '?'} on this server)"


def client(server: Server, connections: int) -> httpx2.AsyncClient:
    """One keep-alive pool with a connection per concurrent worker."""
    limits = httpx2.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=60
    )
    return httpx2.AsyncClient(base_url=server.api, timeout=60, limits=limits)


def data(response: httpx2.Response, expected: int = 200) -> dict:
    if response.status_code != expected:
        raise SystemExit(
            f"{response.request.method} {response.request.url}: "
            f"HTTP {response.status_code} {response.text[:500]}"
        )
    return orjson.loads(response.content)["data"]


async def admin_headers(http: httpx2.AsyncClient) -> dict[str, str]:
    """Log in as the bootstrapped admin (the access token lives 15 minutes)."""
    body = {"email": ADMIN_EMAIL, "password": PASSWORD}
    session = data(await http.post("/auth/login", json=body))
    return {"Authorization": f"Bearer {session['accessToken']}"}


async def create_agents(
    http: httpx2.AsyncClient, admin: dict[str, str], count: int, prefix: str = "bench"
) -> list[tuple[str, str]]:
    """`count` agents, each with an API key: [(agent id, key)]."""

    async def one(index: int) -> tuple[str, str]:
        agent = data(
            await http.post("/agents", json={"handle": f"{prefix}-{index}"}, headers=admin), 201
        )
        created = await http.post(f"/agents/{agent['id']}/api-keys", json={}, headers=admin)
        return agent["id"], data(created, 201)["key"]

    gate = asyncio.Semaphore(8)

    async def gated(index: int) -> tuple[str, str]:
        async with gate:
            return await one(index)

    return list(await asyncio.gather(*(gated(index) for index in range(count))))


async def open_group(
    http: httpx2.AsyncClient, admin: dict[str, str], name: str, member_ids: Sequence[str]
) -> str:
    """A group channel with these members and loop prevention out of the way; its id."""
    body = {"kind": "group", "name": name, "memberIds": list(member_ids)}
    channel_id: str = data(await http.post("/channels", json=body, headers=admin), 201)["id"]
    coordination = {
        "mode": "free",
        "loopPrevention": {"cooldownMs": 0, "maxConsecutive": 100_000, "rateLimit": 100_000},
    }
    data(await http.put(f"/channels/{channel_id}/coordination", json=coordination, headers=admin))
    return channel_id


async def last_seq(http: httpx2.AsyncClient, headers: dict[str, str], channel_id: str) -> int:
    return int(data(await http.get(f"/channels/{channel_id}", headers=headers))["lastSeq"])


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-quantile of sorted seconds, in milliseconds."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of a process (all its threads); this process by default."""
    if pid is None:
        return time.process_time()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all processes have used, summed over cores (from /proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU used by the server, by this process and by everything else (PostgreSQL's own
    processes included), over a phase."""

    server_pid: int
    server: float = 0.0
    client: float = 0.0
    other: float = 0.0
    elapsed: float = 0.0

    @contextlib.contextmanager
    def measure(self) -> Iterator[None]:
        server, client, busy = cpu_seconds(self.server_pid), cpu_seconds(), machine_busy_seconds()
        started = time.perf_counter()
        try:
            yield
        finally:
            self.elapsed = time.perf_counter() - started
            self.server = cpu_seconds(self.server_pid) - server
            self.client = cpu_seconds() - client
            self.other = max(0.0, machine_busy_seconds() - busy - self.server - self.client)

    def report(self, requests: int) -> str:
        """Cores busy on average, and the server's CPU time per request."""
        return (
            f"cpu (cores of {os.cpu_count()}): server {self.server / self.elapsed:.2f}, "
            f"load generator {self.client / self.elapsed:.2f}, "
            f"other processes {self.other / self.elapsed:.2f}; "
            f"server {self.server / max(requests, 1) * 1000:.2f} ms cpu per request"
        )


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _py_spy() -> str:
    found = shutil.which("py-spy") or str(Path.home() / ".local/bin/py-spy")
    if not Path(found).exists():
        raise SystemExit("--profile needs py-spy (e.g. `uv tool install py-spy`)")
    return found


@contextlib.contextmanager
def profiled(pid: int, output: str | None) -> Iterator[None]:
    """Sample `pid` with py-spy for the duration of the block (nothing without `output`)."""
    if output is None:
        yield
        return
    command = [_py_spy(), "record", "--pid", str(pid), "--output", output]
    command += ["--format", "raw", "--threads", "--rate", "100", "--nonblocking"]
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)  # let it attach
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=30)
        print(f"py-spy profile of the server: {output}")
