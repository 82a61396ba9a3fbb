"""`sesame-server` as real processes, on both engines: serve (with and without a bootstrap
admin), migrate, workspace create and agent create while the server runs, and healthcheck.

These tests are synchronous: they drive subprocesses. They still take `anyio_backend` (through
the `storage` fixture) so that anyio runs the async `database_url` fixture for them.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.helpers import PASSWORD, KeyPair, bearer, data, error

pytestmark = pytest.mark.slow

SESAME_SERVER = Path(sys.executable).parent / "sesame-server"
# Imports, migrations and password hashing, on a two-core machine whose other test worker is
# busy too.
STARTUP_SECONDS = 60.0
COMMAND_SECONDS = 60.0
STOP_SECONDS = 10.0
PORT_ATTEMPTS = 3  # a free port can be taken by another test worker before the server binds it


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cli_env() -> dict[str, str]:
    """This environment without SESAME_* settings: only the flags configure the processes."""
    return {name: value for name, value in os.environ.items() if not name.startswith("SESAME_")}


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SESAME_SERVER), *args],
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        env=cli_env(),
        check=False,
    )


def run_together(*commands: Sequence[str]) -> list[subprocess.CompletedProcess[str]]:
    """Run independent commands at once: each one spends seconds importing the server."""
    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(lambda command: run_cli(*command), commands))


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    """The command's stdout, after checking it exited 0."""
    assert result.returncode == 0, (
        f"{result.args[1:]} exited {result.returncode}\nstdout:\n{result.stdout}\n"
        f"stderr:\n{result.stderr}"
    )
    return result.stdout


def failed(result: subprocess.CompletedProcess[str]) -> str:
    """The command's stderr, after checking it exited non-zero."""
    assert result.returncode != 0, (
        f"{result.args[1:]} should have failed\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result.stderr


@dataclass(frozen=True)
class Storage:
    data_dir: Path
    database_url: str

    @property
    def engine(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"

    @property
    def flags(self) -> list[str]:
        return ["--data-dir", str(self.data_dir), "--database-url", self.database_url]


@pytest.fixture
def storage(database_url: str, data_dir: Path, anyio_backend: str) -> Storage:
    """The --data-dir and --database-url every command of a test shares."""
    return Storage(data_dir, database_url)


@dataclass
class Server:
    """A `sesame-server serve` process on 127.0.0.1, its stderr going to a file."""

    process: subprocess.Popen[bytes]
    port: int
    stderr_path: Path

    @classmethod
    def launch(cls, flags: Sequence[str], stderr_path: Path) -> Server:
        port = free_port()
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [str(SESAME_SERVER), "serve", "--port", str(port), *flags],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=cli_env(),
            )
        return cls(process, port, stderr_path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def healthy(self) -> bool:
        try:
            return httpx2.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx2.TransportError:
            return False

    @classmethod
    def start(cls, flags: Sequence[str], stderr_path: Path) -> Server:
        """Launch on a free port and wait until healthy; on another port if that one was taken
        between choosing it and binding it."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            server = cls.launch(flags, stderr_path)
            try:
                if server.wait_until_healthy(retry_if_port_taken=attempt < PORT_ATTEMPTS):
                    return server
            except BaseException:
                server.stop()  # it failed the test: it must not outlive it
                raise
        raise AssertionError("unreachable")

    def wait_until_healthy(self, *, retry_if_port_taken: bool = False) -> bool:
        """Wait until the server answers /healthz (True); False if it exited because its port
        was taken and `retry_if_port_taken`; fail the test otherwise."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.healthy():
            if self.process.poll() is not None:
                if retry_if_port_taken and "address already in use" in self.stderr():
                    return False
                pytest.fail(
                    f"sesame-server serve exited with {self.process.returncode} before "
                    f"answering /healthz; stderr:\n{self.stderr()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"sesame-server serve did not answer /healthz within {STARTUP_SECONDS} s; "
                    f"stderr:\n{self.stderr()}"
                )
            time.sleep(0.1)
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_SECONDS)


@pytest.fixture
def serve(storage: Storage, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start `sesame-server serve` on a free port over the test's storage and wait until it is
    healthy; every server started is stopped at the end of the test."""
    servers: list[Server] = []

    def start(*flags: str) -> Server:
        stderr_path = tmp_path / f"serve-{len(servers)}.stderr"
        server = Server.start([*storage.flags, *flags], stderr_path)
        servers.append(server)
        return server

    yield start
    for server in reversed(servers):
        server.stop()


def login(api: str, email: str, password: str) -> dict[str, Any]:
    session: dict[str, Any] = data(
        httpx2.post(f"{api}/auth/login", json={"email": email, "password": password})
    )
    return session


def test_serve_answers_health_and_registers_first_admin(
    serve: Callable[..., Server], storage: Storage
) -> None:
    server = serve("--log-level", "warning")

    health = data(httpx2.get(f"{server.url}/healthz"))
    assert health["status"] == "ok"
    assert health["database"] == storage.engine
    assert health["version"]
    banner = server.stderr()
    assert f"Sesame server on {server.url}" in banner
    assert f"{server.url}/api/v1/auth/register" in banner

    with httpx2.Client(base_url=server.api) as http:
        first = {"email": "ada@example.com", "password": PASSWORD, "handle": "ada"}
        session = data(http.post("/auth/register", json={**first, "displayName": "Ada"}), 201)
        assert session["principal"]["isAdmin"] is True
        assert session["principal"]["email"] == "ada@example.com"
        me = data(http.get("/auth/me", headers=bearer(session["accessToken"])))
        assert me["id"] == session["principal"]["id"]
        second = {"email": "eve@example.com", "password": PASSWORD, "handle": "eve"}
        closed = http.post("/auth/register", json={**second, "displayName": "Eve"})
        error(closed, 403, "registration_closed")

    secret = storage.data_dir / "jwt-secret"
    assert secret.read_text().strip()
    assert mode_of(secret) == 0o600

    healthy, unhealthy = run_together(
        ["healthcheck", "--port", str(server.port)],
        ["healthcheck", "--port", str(free_port()), "--timeout", "2"],
    )
    assert f"healthy: {server.url}/healthz" in succeeded(healthy)
    assert "unhealthy: http://127.0.0.1:" in failed(unhealthy)


def test_serve_with_admin_email_bootstraps_once_and_survives_restart(
    serve: Callable[..., Server], storage: Storage
) -> None:
    flags = ("--admin-email", "admin@example.com")
    server = serve(*flags)

    saved = storage.data_dir / "admin.json"
    assert mode_of(saved) == 0o600
    credentials = json.loads(saved.read_text())
    assert credentials["email"] == "admin@example.com"
    password = credentials["password"]
    assert len(password) >= 8
    assert f"Admin: admin@example.com  password: {password}" in server.stderr()
    session = login(server.api, "admin@example.com", password)
    assert session["principal"]["isAdmin"] is True
    workspace = session["workspace"]

    server.stop()
    restarted = serve(*flags)

    assert f"password: <password in {saved}>" in restarted.stderr()
    assert json.loads(saved.read_text()) == credentials
    again = login(restarted.api, "admin@example.com", password)
    assert again["principal"]["id"] == session["principal"]["id"]
    assert again["workspace"] == workspace
    # `agent create` without --workspace only works while there is exactly one workspace.
    probe = json.loads(
        succeeded(run_cli("agent", "create", *storage.flags, "--handle", "probe", "--json"))
    )
    assert probe["workspaceId"] == workspace["id"]


def test_provisioned_agent_authenticates_with_api_key_and_signature(
    serve: Callable[..., Server], storage: Storage
) -> None:
    server = serve("--admin-email", "ops@example.com", "--admin-password", PASSWORD)
    assert f"Admin: ops@example.com  password: {PASSWORD}" in server.stderr()
    assert not (storage.data_dir / "admin.json").exists()  # only generated passwords are saved
    admin = login(server.api, "ops@example.com", PASSWORD)
    keys = KeyPair.generate()

    with httpx2.Client(base_url=server.api) as http:
        as_admin = bearer(admin["accessToken"])
        provisioned = http.post(
            "/agents", json={"handle": "helper-bot", "publicKey": keys.public_b64}, headers=as_admin
        )
        agent = data(provisioned, 201)
        assert agent["kind"] == "agent"
        assert agent["ownerId"] == admin["principal"]["id"]
        assert agent["publicKey"] == keys.public_b64
        created = data(
            http.post(f"/agents/{agent['id']}/api-keys", json={"label": "ci"}, headers=as_admin),
            201,
        )
        assert created["key"].startswith("sk_live_")
        assert created["key"].startswith(created["keyPrefix"])

        by_key = data(http.get("/auth/me", headers=bearer(created["key"])))
        assert by_key["id"] == agent["id"]
        assert by_key["kind"] == "agent"
        by_signature = data(http.get("/auth/me", headers=keys.signature_header("helper-bot")))
        assert by_signature["id"] == agent["id"]
        forged = KeyPair.generate().signature_header("helper-bot")
        error(http.get("/auth/me", headers=forged), 401, "invalid_credentials")


@pytest.mark.both_engines
def test_workspace_and_agent_commands_work_while_server_runs(
    serve: Callable[..., Server], storage: Storage
) -> None:
    server = serve("--admin-email", "admin@example.com", "--admin-password", PASSWORD)
    beta_admin = ["--admin-email", "b@example.com", "--admin-password", "pw-123456789"]
    create_beta = ["workspace", "create", *storage.flags, "--name", "Beta", *beta_admin, "--json"]

    created = json.loads(succeeded(run_cli(*create_beta)))
    beta = created["workspace"]
    assert beta["id"]
    assert beta["name"] == "Beta"
    assert created["admin"]["isAdmin"] is True
    assert created["admin"]["workspaceId"] == beta["id"]
    session = login(server.api, "b@example.com", "pw-123456789")
    assert session["principal"]["id"] == created["admin"]["id"]
    assert session["workspace"]["id"] == beta["id"]

    agent_create = ["agent", "create", *storage.flags]
    bot = json.loads(
        succeeded(run_cli(*agent_create, "--workspace", beta["id"], "--handle", "ci-bot", "--json"))
    )
    assert bot["id"]
    assert bot["handle"] == "ci-bot"
    assert bot["workspaceId"] == beta["id"]
    assert bot["apiKey"].startswith("sk_live_")
    me = data(httpx2.get(f"{server.api}/auth/me", headers=bearer(bot["apiKey"])))
    assert me["id"] == bot["id"]
    assert me["kind"] == "agent"
    assert me["workspaceId"] == beta["id"]
    assert me["ownerId"] == created["admin"]["id"]

    same_email, no_workspace, same_handle, bad_handle = run_together(
        create_beta,
        [*agent_create, "--handle", "other-bot"],
        [*agent_create, "--workspace", "Beta", "--handle", "ci-bot"],
        [*agent_create, "--workspace", beta["id"], "--handle", "-x"],
    )
    assert "An account with that email already exists (email_taken)" in failed(same_email)
    assert "pass --workspace" in failed(no_workspace)
    assert "(handle_taken)" in failed(same_handle)
    failed(bad_handle)
    # None of the failures wrote anything: the admin still logs in to Beta alone.
    assert login(server.api, "b@example.com", "pw-123456789")["workspace"]["id"] == beta["id"]


@pytest.mark.both_engines
def test_migrate_prepares_a_fresh_data_dir_and_can_run_again(
    storage: Storage, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh" / "state"
    flags = ["--data-dir", str(fresh), "--database-url", storage.database_url]

    assert "migrations applied" in succeeded(run_cli("migrate", *flags))
    assert mode_of(fresh) == 0o700
    secret = (fresh / "jwt-secret").read_bytes()
    assert mode_of(fresh / "jwt-secret") == 0o600

    again, agent = run_together(["migrate", *flags], ["agent", "create", *flags, "--handle", "x1"])
    assert "migrations applied" in succeeded(again)
    assert "no workspace yet" in failed(agent)  # the schema is there, and empty
    assert (fresh / "jwt-secret").read_bytes() == secret


@pytest.mark.both_engines
def test_serve_banner_names_the_storage_in_use(
    serve: Callable[..., Server], storage: Storage
) -> None:
    banner = serve().stderr()
    expected = (
        "PostgreSQL"
        if storage.engine == "postgresql"
        else storage.database_url.removeprefix("sqlite:///")
    )
    assert f"Storage: {expected}" in banner


def test_invalid_arguments_are_reported_without_a_traceback(tmp_path: Path) -> None:
    flags = ["--data-dir", str(tmp_path / "data")]
    gamma_admin = ["--admin-email", "g@example.com", "--admin-password", "short"]
    bad_handle, short_password = run_together(
        ["agent", "create", *flags, "--handle", "-x"],
        ["workspace", "create", *flags, "--name", "Gamma", *gamma_admin],
    )
    for stderr in (failed(bad_handle), failed(short_password)):
        assert "Traceback" not in stderr
        assert stderr.startswith(("Error:", "Usage:"))


def test_serve_refuses_an_admin_who_could_never_log_in(tmp_path: Path) -> None:
    flags = [
        "--data-dir",
        str(tmp_path / "data"),
        "--admin-email",
        "admin",
        "--admin-password",
        "x",
    ]
    server = Server.launch(flags, tmp_path / "serve.stderr")
    try:
        # It must refuse and exit before serving; still running at the deadline means it served.
        exit_code = server.process.wait(timeout=STARTUP_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve started with an admin who cannot log in:\n{server.stderr()}")
    finally:
        server.stop()
    assert exit_code != 0
    assert "Traceback" not in server.stderr()


@pytest.mark.both_engines
def test_every_acknowledged_message_survives_kill_9(
    serve: Callable[..., Server], storage: Storage
) -> None:
    server = serve("--admin-email", "admin@example.com", "--admin-password", PASSWORD)
    token = login(server.api, "admin@example.com", PASSWORD)["accessToken"]
    channel = data(
        httpx2.post(f"{server.api}/channels", json={"kind": "group"}, headers=bearer(token)), 201
    )
    url = f"{server.api}/channels/{channel['id']}/messages"
    acknowledged: dict[str, int] = {}
    enough = threading.Event()

    def sender(who: int) -> None:
        with httpx2.Client(headers=bearer(token), timeout=5) as http:
            for n in range(10_000):
                try:
                    response = http.post(url, json={"content": f"{who}-{n}"})
                except httpx2.TransportError:
                    return  # the server is gone
                if response.status_code == 201:
                    message = response.json()["data"]
                    acknowledged[message["id"]] = message["seq"]
                    if len(acknowledged) >= 200:
                        enough.set()

    with ThreadPoolExecutor(8) as pool:
        for who in range(8):
            pool.submit(sender, who)
        enough.wait(timeout=COMMAND_SECONDS)
        server.process.kill()  # SIGKILL while the senders are still sending
        server.process.wait(timeout=STOP_SECONDS)
    assert len(acknowledged) >= 200

    restarted = serve()
    stored: dict[str, int] = {}
    cursor = 0
    with httpx2.Client(headers=bearer(token)) as http:
        while True:
            page = http.get(
                f"{restarted.api}/channels/{channel['id']}/messages",
                params={"direction": "after", "cursor": cursor, "limit": 100},
            ).json()
            stored.update({m["id"]: m["seq"] for m in page["data"]})
            cursor = page["pagination"]["cursor"]
            if not page["pagination"]["hasMore"]:
                break
    missing = {id_: seq for id_, seq in acknowledged.items() if stored.get(id_) != seq}
    assert not missing, f"{len(missing)} acknowledged messages lost"
    assert sorted(stored.values()) == list(range(1, len(stored) + 1))


def test_two_processes_on_one_postgresql_keep_seq_gap_free(
    postgres_url: str, data_dir: Path, tmp_path: Path, anyio_backend: str
) -> None:
    flags = ["--data-dir", str(data_dir), "--database-url", postgres_url]
    admin = ["--admin-email", "admin@example.com", "--admin-password", PASSWORD]
    # The same data dir: both nodes share the JWT secret and the master key file.
    first = Server.start([*flags, *admin], tmp_path / "first.stderr")
    second: Server | None = None
    try:
        second = Server.start(flags, tmp_path / "second.stderr")
        token = login(first.api, "admin@example.com", PASSWORD)["accessToken"]
        channel = data(
            httpx2.post(f"{first.api}/channels", json={"kind": "group"}, headers=bearer(token)),
            201,
        )
        nodes = (first.api, second.api)
        seqs: list[int] = []

        def sender(who: int) -> None:
            with httpx2.Client(headers=bearer(token), timeout=30) as http:
                for n in range(25):
                    response = http.post(
                        f"{nodes[who % 2]}/channels/{channel['id']}/messages",
                        json={"content": f"{who}-{n}"},
                    )
                    seqs.append(data(response, 201)["seq"])

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(sender, range(8)))
        assert sorted(seqs) == list(range(1, 201))
    finally:
        for server in (second, first):
            if server is not None:
                server.stop()
