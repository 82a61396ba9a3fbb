"""Two `sesame-server serve` processes on one PostgreSQL database, each running its notifier on
the real clock: events due at the same moment are each fired exactly once — one wake message
and one recorded occurrence per event, whichever node took it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2

from tests.helpers import PASSWORD, bearer, data
from tests.server_core.test_cli import Server, login

EVENTS = 60
ADMIN = "admin@example.com"


def test_two_server_processes_fire_each_due_event_once(
    postgres_url: str, data_dir: Path, tmp_path: Path, anyio_backend: str
) -> None:
    flags = ["--data-dir", str(data_dir), "--database-url", postgres_url]
    admin_flags = ["--admin-email", ADMIN, "--admin-password", PASSWORD]
    # The same data dir: both nodes share the JWT secret and the master key file.
    first = Server.start([*flags, *admin_flags], tmp_path / "first.stderr")
    second: Server | None = None
    try:
        second = Server.start(flags, tmp_path / "second.stderr")
        admin = bearer(login(first.api, ADMIN, PASSWORD)["accessToken"])
        agent = data(
            httpx2.post(f"{first.api}/agents", json={"handle": "cron"}, headers=admin), 201
        )
        key = data(
            httpx2.post(f"{first.api}/agents/{agent['id']}/api-keys", json={}, headers=admin), 201
        )["key"]
        bot = bearer(key)
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
        nodes = (first.api, second.api)
        for number in range(EVENTS):
            body = {
                "title": f"Job {number}",
                "nextOccurrenceAt": due.isoformat(),
                "notifyMinutesBefore": 0,
            }
            data(httpx2.post(f"{nodes[number % 2]}/schedule", json=body, headers=bot), 201)

        deadline = time.monotonic() + 90
        while True:
            done = data(
                httpx2.get(
                    f"{first.api}/schedule",
                    params={"status": "completed", "limit": 100},
                    headers=bot,
                )
            )
            if len(done) == EVENTS or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert len(done) == EVENTS, f"{len(done)} of {EVENTS} events fired in 90 s"
        assert {event["occurrenceCount"] for event in done} == {1}

        [dm] = [
            c for c in data(httpx2.get(f"{first.api}/channels", headers=bot)) if c["kind"] == "dm"
        ]
        page = data(
            httpx2.get(
                f"{second.api}/channels/{dm['id']}/messages", params={"limit": 100}, headers=bot
            )
        )
        titles = [m["metadata"]["scheduleEventTitle"] for m in page if m["intent"] == "wake"]
        assert sorted(titles) == sorted(f"Job {number}" for number in range(EVENTS))
    finally:
        for server in (second, first):
            if server is not None:
                server.stop()
