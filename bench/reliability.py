"""The reliability checks of `tests/reliability/` at full size, against real `sesame-server
serve` processes, one figure per check; and a soak run.

    uv run python bench/reliability.py [--database-url postgresql://…/bench_db]
        [--senders 50] [--each 20] [--retries 20] [--clients 50] [--stream 300]
        [--crash-rounds 20] [--fuzz-examples 10] [--checks sends,retries,…]
        [--soak-minutes 10]

- `sends`: `--senders` agents send `--each` messages at once into one channel, half over REST,
  half as WebSocket `send` frames: seq gaps, duplicates, lost (acknowledged, not in history);
- `retries`: `--retries` concurrent sends with one clientGeneratedId: statuses, messages made;
- `crash`: `--crash-rounds` rounds of writes, `kill -9`, restart on a SQLite data dir:
  acknowledged writes lost, integrity_check, the first write after each restart;
- `replay`: `--clients` WebSocket clients read a stream of `--stream` messages, 30% dropped
  mid-stream (sockets aborted) and reconnected with replay cursors: missing, duplicates;
- `matrix`, `canaries`, `fuzz`: the authorization matrix, the canary secrets and the fuzz per
  credential, run by pytest (in-process servers; the fuzz with `--fuzz-examples` examples per
  operation, on PostgreSQL too when SESAME_TEST_DATABASE_URL is set);
- `--soak-minutes N` (instead of the checks): a steady mixed load (REST sends, history pages,
  vault reveals, WebSocket clients that reconnect) for N minutes; the server's RSS and open
  file descriptors after warm-up and at the end.

The machine's load average is printed first: these figures move with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._server import Server, admin_headers, client, running_server
from bench._soak import soak
from tests.reliability.crash import crash_rounds
from tests.reliability.replay import replay_after_drops
from tests.reliability.sends import concurrent_retries, concurrent_senders

CHECKS = ["sends", "retries", "crash", "replay", "matrix", "canaries", "fuzz"]
PYTEST_CHECKS = {
    "matrix": "tests/reliability/test_authorization.py",
    "canaries": "tests/reliability/test_canaries.py",
    "fuzz": "tests/reliability/test_fuzz.py",
}
ROOT = Path(__file__).resolve().parents[1]


def ws_url(server: Server) -> str:
    return server.base.replace("http://", "ws://") + "/v1/connect"


def line(name: str, ok: bool, figure: str, started: float) -> bool:
    verdict = "ok  " if ok else "FAIL"
    print(f"{verdict} {name:9} {figure}  ({time.perf_counter() - started:.1f} s)", flush=True)
    return ok


async def over_http(server: Server, args: argparse.Namespace, checks: list[str]) -> bool:
    ok = True
    async with client(server, max(args.senders, args.clients, args.retries) + 8) as http:
        admin = await admin_headers(http)
        if "sends" in checks:
            started = time.perf_counter()
            sent = await concurrent_senders(http, admin, ws_url(server), args.senders, args.each)
            clean = (sent.gaps, sent.duplicates, sent.lost) == (0, 0, 0) and not sent.refused
            full = len(sent.acknowledged) == sent.stored == args.senders * args.each
            ok &= line("sends", clean and full, sent.summary(), started)
        if "retries" in checks:
            started = time.perf_counter()
            retried = await concurrent_retries(http, admin, args.retries)
            figure = (
                f"{args.retries} concurrent retries: statuses {dict(retried.statuses)}, "
                f"{retried.messages} message(s), reuse with other content {retried.reuse_status}"
            )
            good = retried.statuses == {201: 1, 200: args.retries - 1}
            ok &= line("retries", good and retried.messages == 1, figure, started)
        if "replay" in checks:
            started = time.perf_counter()
            replay = await replay_after_drops(
                http,
                admin,
                ws_url(server),
                clients=args.clients,
                messages=args.stream,
                drop_share=0.3,
            )
            good = (replay.missing, replay.duplicates) == (0, 0)
            dropped = replay.reconnected == replay.mid_stream == replay.dropped
            ok &= line("replay", good and dropped, replay.summary(), started)
    return ok


def crash(args: argparse.Namespace) -> bool:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        database = root / "sesame.db"
        flags = ["--data-dir", str(root / "data"), "--database-url", f"sqlite:///{database}"]
        report = crash_rounds(
            flags, database, root, rounds=args.crash_rounds, senders=6, writes=args.crash_writes
        )
    good = report.integrity == ["ok"] * args.crash_rounds
    good &= report.first_writes == [201] * args.crash_rounds
    good &= (report.lost_messages, report.lost_items, report.seq_gaps) == (0, 0, 0)
    return line("crash", good, report.summary(), started)


def through_pytest(name: str, args: argparse.Namespace) -> bool:
    started = time.perf_counter()
    env = {**os.environ, "RELIABILITY_FUZZ_EXAMPLES": str(args.fuzz_examples)}
    command = [sys.executable, "-m", "pytest", "-n", "0", "-q", "-s", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, PYTEST_CHECKS[name]], cwd=ROOT, env=env, capture_output=True, text=True
    )
    figures = re.findall(r"reliability: (.*)", done.stdout)
    outcome = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    ok = line(name, done.returncode == 0, f"{outcome}", started)
    for figure in figures:
        print(f"     {'':9} {figure}")
    if not ok:
        print(done.stdout[-3000:])
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL for the HTTP checks (default SQLite)")
    parser.add_argument("--checks", default=",".join(CHECKS), help="comma-separated subset")
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--each", type=int, default=20, help="messages per sender")
    parser.add_argument("--retries", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--stream", type=int, default=300, help="messages the clients read")
    parser.add_argument("--crash-rounds", type=int, default=20)
    parser.add_argument("--crash-writes", type=int, default=100, help="acknowledged per round")
    parser.add_argument("--fuzz-examples", type=int, default=10)
    parser.add_argument("--soak-minutes", type=float, help="run the soak instead of the checks")
    args = parser.parse_args()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}", flush=True)
    if args.soak_minutes:
        with running_server(args.database_url, admin=True) as server:
            ok = asyncio.run(soak(server, args.soak_minutes * 60))
        raise SystemExit(0 if ok else 1)
    checks = args.checks.split(",")
    unknown = set(checks) - set(CHECKS)
    if unknown:
        parser.error(f"unknown checks: {', '.join(sorted(unknown))}")
    ok = True
    if {"sends", "retries", "replay"} & set(checks):
        with running_server(args.database_url, admin=True) as server:
            print(f"engine {server.engine}", flush=True)
            ok &= asyncio.run(over_http(server, args, checks))
    if "crash" in checks:
        ok &= crash(args)
    for name in PYTEST_CHECKS:
        if name in checks:
            ok &= through_pytest(name, args)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine load average at the end: {load}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
