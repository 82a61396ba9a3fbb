"""Agent continuity latency: `GET /agents/:id/wake` for an agent with many tasks, channels and
memories, `PUT /agents/:id/state` and memory recall (`GET /agents/:id/memory?q=`), against a
real `sesame-server serve` process, on SQLite (default) or PostgreSQL.

    uv run python bench/continuity.py [--tasks 200] [--channels 50] [--memories 100]
        [--calls 300] [--database-url postgresql://postgres@127.0.0.1:5432/bench_db]

The agent's tasks (in every status, one in three with a context block, all assigned to it) and
its memories (one in ten pinned) go straight into the database through the store; its channels
and their messages are made through the API (messages are encrypted at rest by the server), a
few messages in every other channel so that half of them have unread messages.

Measured, one call after another, after 20 warm-up calls: p50 / p99 latency and the server's
CPU time per call. Targets on SQLite: wake p50 <= 10 ms and p99 <= 40 ms; state upsert and
memory recall p50 <= 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import (
    admin_headers,
    client,
    cpu_seconds,
    create_agents,
    data,
    open_group,
    percentile,
    running_server,
    verdict,
)
from server_core.config import to_engine_url
from server_core.features import features
from server_core.features.agents.tables import agent_memory
from server_core.features.tasks.tables import (
    task_assignees,
    task_counters,
    task_status_transitions,
    tasks,
)
from server_core.kernel.clock import utcnow
from server_core.kernel.ids import new_id
from server_core.kernel.store import Store

STATUSES = ["todo"] * 4 + ["active"] * 2 + ["blocked", "review", "done", "backlog"]
PRIORITIES = ["critical", "high", "medium", "medium", "low"]
CATEGORIES = ["lessons", "preferences", "people", "projects", "context-recovery"]
WORDS = [
    "schema",
    "auth",
    "migration",
    "deploy",
    "review",
    "retry",
    "cache",
    "index",
    "queue",
    "token",
    "webhook",
]


def seed(
    conn: sa.Connection, args: argparse.Namespace, workspace_id: str, creator: str, agent: str
) -> None:
    pick = random.Random(5)
    now = utcnow()
    rows = []
    for number in range(1, args.tasks + 1):
        at = now - timedelta(minutes=args.tasks - number)
        context = None
        if number % 3 == 0:
            context = {
                "background": " ".join(pick.choices(WORDS, k=30)),
                "decisions": [" ".join(pick.choices(WORDS, k=8))],
                "relevant_files": ["src/app.py"],
                "relevant_links": [],
                "constraints": [],
                "acceptance": [" ".join(pick.choices(WORDS, k=8))],
                "notes": None,
            }
        rows.append(
            {
                "id": new_id(),
                "workspace_id": workspace_id,
                "number": number,
                "title": " ".join(pick.choices(WORDS, k=5)),
                "description": " ".join(pick.choices(WORDS, k=40)),
                "project_id": None,
                "status": pick.choice(STATUSES),
                "priority": pick.choice(PRIORITIES),
                "labels": ["bench"],
                "due_date": at + timedelta(days=pick.randint(1, 30)) if number % 4 == 0 else None,
                "parent_id": None,
                "position": None,
                "context": context,
                "created_by": creator,
                "created_at": at,
                "updated_at": at,
                "status_changed_at": at,
            }
        )
    conn.execute(sa.insert(tasks), rows)
    conn.execute(sa.insert(task_counters).values(workspace_id=workspace_id, last_number=args.tasks))
    conn.execute(
        sa.insert(task_status_transitions),
        [
            {
                "id": new_id(),
                "task_id": row["id"],
                "from_status": None,
                "to_status": row["status"],
                "at": row["created_at"],
                "duration_ms": None,
            }
            for row in rows
        ],
    )
    conn.execute(
        sa.insert(task_assignees),
        [{"task_id": row["id"], "principal_id": agent, "assigned_at": now} for row in rows],
    )
    memories = []
    for index in range(args.memories):
        content = " ".join(pick.choices(WORDS, k=pick.randint(20, 120)))
        memories.append(
            {
                "id": new_id(),
                "agent_id": agent,
                "workspace_id": workspace_id,
                "category": CATEGORIES[index % len(CATEGORIES)],
                "key": f"entry-{index}",
                "content": content,
                "size": len(content.encode()),
                "pinned": index % 10 == 0,
                "created_at": now,
                "updated_at": now - timedelta(seconds=index),
            }
        )
    conn.execute(sa.insert(agent_memory), memories)


async def seed_store(url: str, args: argparse.Namespace, ids: tuple[str, str, str]) -> float:
    features()  # every table joins the metadata
    store = Store(to_engine_url(url))
    started = time.perf_counter()
    try:
        await store.run_sync(lambda conn: seed(conn, args, *ids))
    finally:
        await store.close()
    return time.perf_counter() - started


Call = Callable[[], Awaitable[Any]]


async def measure(
    name: str, calls: list[Call], pid: int, p50_target: float, p99_target: float
) -> bool:
    """Run the calls one after another; print p50 / p99 and the server's CPU per call."""
    for call in calls[:20]:
        await call()
    measured = calls[20:]
    samples = []
    cpu = cpu_seconds(pid)
    for call in measured:
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    cpu_per_call = (cpu_seconds(pid) - cpu) / len(measured) * 1000
    samples.sort()
    p50, p99 = statistics.median(samples) * 1000, percentile(samples, 0.99)
    met = p50 <= p50_target and p99 <= p99_target
    print(
        f"{name:<44} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  server cpu {cpu_per_call:5.2f} ms"
        f"/call  (n={len(measured)}) {verdict(met)}"
    )
    return met


async def run(server: Any, args: argparse.Namespace, database_url: str) -> bool:
    async with client(server, 1) as http:
        admin = await admin_headers(http)
        me = data(await http.get("/auth/me", headers=admin))
        [(agent_id, key)] = await create_agents(http, admin, 1, prefix="continuity")
        agent = {"Authorization": f"Bearer {key}"}
        seconds = await seed_store(database_url, args, (me["workspaceId"], me["id"], agent_id))
        for index in range(args.channels):
            channel_id = await open_group(http, admin, f"room-{index}", [agent_id])
            if index % 2 == 0:
                for n in range(3):
                    body = {"content": f"note {n}"}
                    data(
                        await http.post(
                            f"/channels/{channel_id}/messages", json=body, headers=admin
                        ),
                        201,
                    )
        print(
            f"seeded {args.tasks} tasks and {args.memories} memories through the store in "
            f"{seconds:.2f} s; {args.channels} channels through the API"
        )
        wake = data(await http.get(f"/agents/{agent_id}/wake", headers=agent))
        counts = {status: len(found) for status, found in wake["tasks"].items()}
        print(
            f"wake: tasks {counts}, {len(wake['channels']['unread'])} unread channels, "
            f"{len(wake['memories']['pinned'])} pinned memories"
        )
        n = args.calls + 20
        pid = server.process.pid

        async def get_wake() -> None:
            data(await http.get(f"/agents/{agent_id}/wake", headers=agent))

        async def put_state() -> None:
            body = {"state": {"checkpoint": time.time(), "branch": "feature/auth", "pr": 142}}
            data(await http.put(f"/agents/{agent_id}/state", json=body, headers=agent))

        async def recall() -> None:
            params = {"q": "migration", "limit": 20}
            data(await http.get(f"/agents/{agent_id}/memory", params=params, headers=agent))

        async def recall_category() -> None:
            params = {"category": "lessons"}
            data(await http.get(f"/agents/{agent_id}/memory", params=params, headers=agent))

        async def mine() -> None:
            data(
                await http.get(
                    "/tasks/mine", params={"status": "active,blocked,todo"}, headers=agent
                )
            )

        # For comparison: the same tasks as wake lists them, alone.
        await measure("GET /tasks/mine (wake's tasks alone)", [mine] * n, pid, 1e9, 1e9)
        return all(
            [
                await measure("GET /agents/:id/wake", [get_wake] * n, pid, 10, 40),
                await measure("PUT /agents/:id/state", [put_state] * n, pid, 5, 1e9),
                await measure("GET /agents/:id/memory?q= (recall)", [recall] * n, pid, 5, 1e9),
                await measure(
                    "GET /agents/:id/memory?category=", [recall_category] * n, pid, 5, 1e9
                ),
            ]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=200, help="tasks assigned to the agent")
    parser.add_argument("--channels", type=int, default=50, help="channels the agent is in")
    parser.add_argument("--memories", type=int, default=100, help="memory entries")
    parser.add_argument("--calls", type=int, default=300, help="measured calls of each kind")
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    with running_server(args.database_url, admin=True) as server:
        url = args.database_url or f"sqlite:///{Path(server.data_dir) / 'sesame.db'}"
        print(f"engine {server.engine}; {args.calls} calls of each kind")
        met = asyncio.run(run(server, args, url))
    if not met:
        print("some targets were missed")


if __name__ == "__main__":
    main()
