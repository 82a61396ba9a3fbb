"""Task latency on a full board: create, PATCH status (with a dependent auto-unblocked),
`/tasks/mine`, `/tasks/next`, `/tasks/search` and `/tasks?q=` against a real
`sesame-server serve` process, on SQLite (default) or PostgreSQL.

    uv run python bench/tasks.py [--tasks 10000] [--activity 50000] [--calls 300]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_db]

Seeding goes straight into the database through the store (`Store.run_sync`, inserts of many
rows at once), beside the running server: tasks with their creation transition, activity
entries, and an agent assigned to one task in a hundred. The database's own triggers index
them for search as they would index rows written through the API. Texts are made of words
drawn from a made-up vocabulary with Zipf-like frequencies, so that a search can be timed for
a common word, a middling one and a rare one.

Measured, one call after another, after 20 warm-up calls: p50 / p99 latency and the server's
CPU time per call. Targets on SQLite: p50 <= 5 ms and p99 <= 25 ms for every call; search
over the seeded board p50 <= 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import (
    admin_headers,
    analyze,
    client,
    cpu_seconds,
    create_agents,
    data,
    percentile,
    running_server,
    verdict,
)
from server_core.config import to_engine_url
from server_core.features import features
from server_core.features.tasks.tables import (
    task_activity,
    task_assignees,
    task_counters,
    task_status_transitions,
    tasks,
)
from server_core.kernel.clock import utcnow
from server_core.kernel.ids import new_id
from server_core.kernel.store import Store

STATUSES = ["backlog"] * 2 + ["todo"] * 6 + ["active"] * 4 + ["blocked", "review"]
STATUSES += ["done"] * 5 + ["cancelled"]
PRIORITIES = ["critical", "high", "medium", "medium", "low"]
ACTIVITY = ["progress", "progress", "comment", "decision", "blocker", "artifact"]
SYLLABLES = ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "wa", "ze", "bri", "cla"]
SYLLABLES += ["dro", "fen", "gal", "hom", "jut", "kre"]
VOCABULARY_SIZE = 3000


def vocabulary() -> list[str]:
    """Made-up words, each distinct, the most frequent first."""
    words: list[str] = []
    pick = random.Random(7)
    while len(words) < VOCABULARY_SIZE:
        word = "".join(pick.choice(SYLLABLES) for _ in range(pick.randint(2, 4)))
        if word not in words:
            words.append(word)
    return words


class Text:
    """Phrases of vocabulary words with Zipf-like frequencies; counts the documents each word
    appears in."""

    def __init__(self, seed: int) -> None:
        self.words = vocabulary()
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.random = random.Random(seed)
        self.documents: Counter[str] = Counter()

    def phrase(self, low: int, high: int) -> str:
        return " ".join(
            self.random.choices(self.words, self.weights, k=self.random.randint(low, high))
        )

    def document(self, *parts: str) -> None:
        self.documents.update(set(" ".join(parts).split()))


def seed(
    conn: sa.Connection,
    text: Text,
    args: argparse.Namespace,
    workspace_id: str,
    creator_id: str,
    agent_id: str,
) -> None:
    pick = random.Random(11)
    now = utcnow()
    rows = []
    for number in range(1, args.tasks + 1):
        at = now - timedelta(minutes=args.tasks - number)
        title, description = text.phrase(3, 8), text.phrase(15, 60)
        context = None
        if number % 3 == 0:
            context = {
                "background": text.phrase(10, 30),
                "decisions": [text.phrase(4, 10)],
                "relevant_files": [],
                "relevant_links": [],
                "constraints": [text.phrase(4, 10)],
                "acceptance": [text.phrase(4, 10), text.phrase(4, 10)],
                "notes": None,
            }
        parts = [title, description]
        if context:
            parts += [context["background"], *context["decisions"], *context["acceptance"]]
            parts += context["constraints"]
        text.document(*parts)
        rows.append(
            {
                "id": new_id(),
                "workspace_id": workspace_id,
                "number": number,
                "title": title,
                "description": description,
                "project_id": None,
                "status": pick.choice(STATUSES),
                "priority": pick.choice(PRIORITIES),
                "labels": [],
                "due_date": at + timedelta(days=pick.randint(1, 60)) if number % 4 == 0 else None,
                "parent_id": None,
                "position": None,
                "context": context,
                "created_by": creator_id,
                "created_at": at,
                "updated_at": at,
                "status_changed_at": at,
            }
        )
    for start in range(0, len(rows), 1000):
        conn.execute(sa.insert(tasks), rows[start : start + 1000])
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
        [
            {"task_id": row["id"], "principal_id": agent_id, "assigned_at": row["created_at"]}
            for row in rows[::100]
        ],
    )
    entries = []
    for index in range(args.activity):
        task = rows[pick.randrange(len(rows))]
        message = text.phrase(6, 20)
        text.document(message)
        entries.append(
            {
                "id": new_id(),
                "task_id": task["id"],
                "type": pick.choice(ACTIVITY),
                "message": message,
                "meta": {},
                "author_id": creator_id,
                "created_at": task["created_at"] + timedelta(seconds=index % 600),
            }
        )
        if len(entries) == 1000:
            conn.execute(sa.insert(task_activity), entries)
            entries = []
    if entries:
        conn.execute(sa.insert(task_activity), entries)


async def seed_board(
    url: str, text: Text, args: argparse.Namespace, ids: tuple[str, str, str]
) -> float:
    features()  # every table joins the metadata
    store = Store(to_engine_url(url))
    started = time.perf_counter()
    try:
        await store.run_sync(lambda conn: seed(conn, text, args, *ids))
    finally:
        await store.close()
    return time.perf_counter() - started


Call = Callable[[], Awaitable[Any]]


async def measure(name: str, calls: list[Call], server_pid: int) -> bool:
    """Run the calls one after another; print p50 / p99 and the server's CPU per call."""
    for call in calls[:20]:
        await call()
    measured = calls[20:]
    samples = []
    cpu = cpu_seconds(server_pid)
    for call in measured:
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    cpu_per_call = (cpu_seconds(server_pid) - cpu) / len(measured) * 1000
    samples.sort()
    p50, p99 = statistics.median(samples) * 1000, percentile(samples, 0.99)
    met = p50 <= 5 and p99 <= 25
    print(
        f"{name:<40} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  server cpu {cpu_per_call:5.2f} ms"
        f"/call  (n={len(measured)}) {verdict(met)}"
    )
    return met


async def run(server: Any, args: argparse.Namespace, database_url: str) -> bool:
    async with client(server, 1) as http:
        admin = await admin_headers(http)
        me = data(await http.get("/auth/me", headers=admin))
        [(agent_id, key)] = await create_agents(http, admin, 1, prefix="tasks")
        agent = {"Authorization": f"Bearer {key}"}
        text = Text(seed=3)
        total = args.tasks + args.activity
        seconds = await seed_board(
            database_url, text, args, (me["workspaceId"], me["id"], agent_id)
        )
        print(
            f"seeded {args.tasks:,} tasks and {args.activity:,} activity entries through the "
            f"store in {seconds:.1f} s (indexed by the database's triggers)"
        )
        if server.engine == "PostgreSQL":
            print(analyze(database_url))
        n = args.calls + 20

        async def create() -> None:
            body = {"title": text.phrase(3, 8), "description": text.phrase(15, 60)}
            data(await http.post("/tasks", json=body, headers=agent), 201)

        # Pairs for the PATCH: a todo task and a blocked one waiting on it.
        pairs = []
        for _ in range(n):
            blocker = data(await http.post("/tasks", json={"title": "blocker"}, headers=agent), 201)
            blocked = data(
                await http.post(
                    "/tasks", json={"title": "waits", "status": "blocked"}, headers=agent
                ),
                201,
            )
            dependency = {"dependsOnId": blocker["id"]}
            data(
                await http.post(
                    f"/tasks/{blocked['id']}/dependencies", json=dependency, headers=agent
                ),
                201,
            )
            pairs.append((blocker["id"], blocked["id"]))
        pending = iter(pairs)

        async def complete() -> None:
            blocker, _ = next(pending)
            data(await http.patch(f"/tasks/{blocker}", json={"status": "done"}, headers=agent))

        def get(path: str, **params: Any) -> Call:
            async def call() -> None:
                data(await http.get(path, params=params, headers=agent))

            return call

        # Words no other word starts with: the last word of a search is also a prefix, and
        # these match as many documents as counted. Then a short word many others start with.
        # A common word is in about 5% of the documents, a middling one in 0.5%, a rare one in
        # 0.05%.
        unextended = [
            (word, count)
            for word, count in text.documents.most_common()
            if not any(other != word and other.startswith(word) for other in text.words)
        ]
        common, middling, rare = (
            min(unextended, key=lambda item: abs(item[1] - share * total))
            for share in (0.05, 0.005, 0.0005)
        )
        prefix = max(
            text.words[:100], key=lambda word: sum(other.startswith(word) for other in text.words)
        )
        extended = sum(other.startswith(prefix) for other in text.words) - 1
        results = [
            await measure("POST /tasks", [create] * n, server.process.pid),
            await measure(
                "PATCH status done (1 dependent unblocked)", [complete] * n, server.process.pid
            ),
        ]
        unblocked = [data(await http.get(f"/tasks/{b}", headers=agent)) for _, b in pairs[:5]]
        if any(task["status"] != "todo" for task in unblocked):
            raise SystemExit("a dependent was not unblocked")
        mine = len(data(await http.get("/tasks/mine", headers=agent)))
        results.append(
            await measure(
                f"GET /tasks/mine ({mine} tasks)", [get("/tasks/mine")] * n, server.process.pid
            )
        )
        results.append(
            await measure("GET /tasks/next", [get("/tasks/next")] * n, server.process.pid)
        )
        search_ok = True
        for label, (word, count) in (("common", common), ("middling", middling), ("rare", rare)):
            met = await measure(
                f"GET /tasks/search ({label} word: {count / total:.1%})",
                [get("/tasks/search", q=word)] * n,
                server.process.pid,
            )
            search_ok = search_ok and met
            results.append(met)
        await measure(
            f"GET /tasks/search (prefix of {extended} words)",
            [get("/tasks/search", q=prefix)] * n,
            server.process.pid,
        )
        results.append(
            await measure(
                f"GET /tasks?q= (middling word: {middling[1] / total:.1%})",
                [get("/tasks", q=middling[0], limit=50)] * n,
                server.process.pid,
            )
        )
        print(f"search p50 <= 5 ms over {args.tasks:,} tasks: {verdict(search_ok)}")
        return all(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000, help="tasks seeded")
    parser.add_argument("--activity", type=int, default=50_000, help="activity entries seeded")
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
