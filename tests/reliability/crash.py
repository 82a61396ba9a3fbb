"""`kill -9` of a `sesame-server serve` process on SQLite while clients write, round after
round: what the server acknowledged must survive, the database must pass SQLite's integrity
check, and the first write after each restart must succeed.

Synchronous: it drives real processes (`tests/server_core/test_cli.py`'s `Server`) from
threads, so the check is the same in the tests and in `bench/reliability.py`."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from tests.helpers import PASSWORD, bearer, data
from tests.server_core.test_cli import STOP_SECONDS, Server, login

ADMIN = "admin@example.com"
ACKNOWLEDGED_WAIT = 60.0  # seconds for a round's writers to reach their count


@dataclass
class CrashReport:
    rounds: int = 0
    messages: dict[str, int] = field(default_factory=dict)  # acknowledged id -> seq
    items: set[str] = field(default_factory=set)  # acknowledged vault item ids
    lost_messages: int = 0
    lost_items: int = 0
    seq_gaps: int = 0
    integrity: list[str] = field(default_factory=list)  # PRAGMA integrity_check per round
    first_writes: list[int] = field(default_factory=list)  # status of the first write after

    @property
    def corrupt_rounds(self) -> int:
        return sum(1 for result in self.integrity if result != "ok")

    def summary(self) -> str:
        failed_first = sum(1 for status in self.first_writes if status != 201)
        return (
            f"{self.rounds} rounds, {len(self.messages)} messages and {len(self.items)} vault "
            f"items acknowledged: lost {self.lost_messages + self.lost_items}, seq gaps "
            f"{self.seq_gaps}, integrity_check not ok {self.corrupt_rounds}, failed first "
            f"writes after restart {failed_first}"
        )


def integrity_check(database: Path) -> str:
    with sqlite3.connect(database) as db:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows)


class Writers:
    """Threads that write until the server dies: messages into one channel from `senders`
    threads, vault items from one more."""

    def __init__(self, report: CrashReport, api: str, token: str, channel: str, vault: str) -> None:
        self.report = report
        self.api = api
        self.headers = bearer(token)
        self.channel = channel
        self.vault = vault
        self.lock = threading.Lock()
        self.count = 0
        self.enough = threading.Event()

    def acknowledged(self, target: int) -> None:
        with self.lock:
            self.count += 1
            if self.count >= target:
                self.enough.set()

    def messages(self, who: int, target: int) -> None:
        with httpx2.Client(base_url=self.api, headers=self.headers, timeout=10) as http:
            for n in range(1_000_000):
                try:
                    response = http.post(
                        f"/channels/{self.channel}/messages", json={"content": f"{who}-{n}"}
                    )
                except httpx2.TransportError:
                    return  # the server is gone
                if response.status_code == 201:
                    message = response.json()["data"]
                    self.report.messages[message["id"]] = message["seq"]
                    self.acknowledged(target)

    def items(self, target: int) -> None:
        with httpx2.Client(base_url=self.api, headers=self.headers, timeout=10) as http:
            for n in range(1_000_000):
                body = {
                    "vaultId": self.vault,
                    "name": f"item {n}",
                    "type": "login",
                    "fields": {"username": "u", "password": f"p-{n}"},
                }
                try:
                    response = http.post("/vault/items", json=body)
                except httpx2.TransportError:
                    return
                if response.status_code == 201:
                    self.report.items.add(response.json()["data"]["item"]["id"])
                    self.acknowledged(target)


def crash_rounds(
    flags: Sequence[str], database: Path, logs: Path, *, rounds: int, senders: int, writes: int
) -> CrashReport:
    """`rounds` times: write from `senders` + 1 threads until `writes` more are acknowledged,
    SIGKILL the server, check the file, restart, write once. Then read everything back."""
    report = CrashReport()
    admin = ["--admin-email", ADMIN, "--admin-password", PASSWORD]
    server = Server.start([*flags, *admin], logs / "serve-0.stderr")
    try:
        token = login(server.api, ADMIN, PASSWORD)["accessToken"]
        with httpx2.Client(base_url=server.api, headers=bearer(token)) as http:
            channel = data(http.post("/channels", json={"kind": "group", "name": "crash"}), 201)
            vault = data(http.post("/vault/vaults", json={"name": "Crash"}), 201)
        for round_ in range(1, rounds + 1):
            token = login(server.api, ADMIN, PASSWORD)["accessToken"]
            writers = Writers(report, server.api, token, channel["id"], vault["id"])
            with ThreadPoolExecutor(senders + 1) as pool:
                for who in range(senders):
                    pool.submit(writers.messages, who, writes)
                pool.submit(writers.items, writes)
                writers.enough.wait(timeout=ACKNOWLEDGED_WAIT)
                server.process.kill()  # SIGKILL while the writers are still writing
                server.process.wait(timeout=STOP_SECONDS)
            assert writers.count >= writes, f"round {round_}: {writers.count} writes acknowledged"
            report.integrity.append(integrity_check(database))
            server = Server.start(flags, logs / f"serve-{round_}.stderr")
            report.rounds = round_
            first = httpx2.post(
                f"{server.api}/channels/{channel['id']}/messages",
                json={"content": f"after restart {round_}"},
                headers=bearer(token),
            )
            report.first_writes.append(first.status_code)
            if first.status_code == 201:
                report.messages[first.json()["data"]["id"]] = first.json()["data"]["seq"]
        read_back(report, server.api, token, channel["id"])
    finally:
        server.stop()
    return report


def read_back(report: CrashReport, api: str, token: str, channel: str) -> None:
    stored: dict[str, int] = {}
    cursor = 0
    with httpx2.Client(base_url=api, headers=bearer(token), timeout=30) as http:
        while True:
            page = http.get(
                f"/channels/{channel}/messages",
                params={"direction": "after", "cursor": cursor, "limit": 100},
            ).json()
            stored.update({message["id"]: message["seq"] for message in page["data"]})
            cursor = page["pagination"]["cursor"]
            if not page["pagination"]["hasMore"]:
                break
        report.lost_items = sum(
            1 for item in report.items if http.get(f"/vault/items/{item}").status_code != 200
        )
    report.lost_messages = sum(1 for id_, seq in report.messages.items() if stored.get(id_) != seq)
    seqs = set(stored.values())
    report.seq_gaps = len(set(range(1, max(seqs, default=0) + 1)) - seqs)
