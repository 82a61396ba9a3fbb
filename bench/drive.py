"""The drive against a real `sesame-server serve` process, on SQLite (default) or PostgreSQL.

    uv run python bench/drive.py [--mib 100] [--rounds 200]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_db] [--profile drive]

1. Throughput: a file of `--mib` MiB uploaded through its signed PUT link and downloaded
   through its signed GET link, streamed from and to disk, against a raw copy of the same file
   on the same disk. Target: each >= 0.5x the raw copy; the server's RSS grows <= 20 MB.
   Measured twice: with curl (a native client, when on PATH: the server's own rate, as a
   browser or an SDK on another machine sees it) and with the benchmark's Python client
   (httpx2, which reads 64 KiB at a time and is the slower end of that pair).
2. Latency: `POST /drive/files` (register) of small uploads and `GET /drive/files/:id/
   download-url`, one at a time, `--rounds` each. Target: p50 <= 5 ms.

`--profile PREFIX` records the server with py-spy during each measured phase, into
PREFIX-upload.txt, PREFIX-download.txt and PREFIX-latency.txt (raw collapsed stacks).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import (
    admin_headers,
    client,
    data,
    percentile,
    profiled,
    running_server,
    verdict,
)

CHUNK = 1024 * 1024
TRIES = 3


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def chunks_of(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk


def raw_copy_seconds(source: Path, target: Path) -> float:
    """A plain copy into the page cache, as the server's writes are (neither side syncs); the
    best of TRIES."""
    best = float("inf")
    for _ in range(TRIES):
        os.sync()
        started = time.perf_counter()
        shutil.copyfile(source, target)
        best = min(best, time.perf_counter() - started)
        target.unlink()
    return best


def curl_seconds(arguments: list[str]) -> float:
    """curl's own time for one transfer (its start-up not counted), failing on an HTTP error."""
    command = ["curl", "-sS", "--fail-with-body", "-w", "%{time_total}", *arguments]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def curl_download(url: str, copy: Path, size: int) -> float:
    seconds = curl_seconds(["-o", str(copy), url])
    assert copy.stat().st_size == size
    copy.unlink()
    return seconds


async def native_transfer(
    http: httpx2.AsyncClient, admin: dict[str, str], big: Path, size: int, copy: Path
) -> tuple[float, float, float]:
    """Seconds of curl's upload and download of `big` through the signed links, and of a
    download into /dev/null (the server's side alone: curl writes a file 16 KiB at a time);
    each the best of TRIES, as the machine may be shared."""
    uploads: list[float] = []
    downloads: list[float] = []
    discarded: list[float] = []
    for _ in range(TRIES):
        body = {"fileName": "native.bin", "contentType": "application/octet-stream", "size": size}
        issued = data(await http.post("/drive/files/upload-url", json=body, headers=admin))
        put = ["-o", "/dev/null", "-T", str(big), "-H", "Content-Type: application/octet-stream"]
        uploads.append(curl_seconds([*put, "-H", "Expect:", issued["uploadUrl"]]))
        register = {**body, "fileId": issued["fileId"], "s3Key": issued["s3Key"]}
        file = data(await http.post("/drive/files", json=register, headers=admin), 201)
        link = data(await http.get(f"/drive/files/{file['id']}/download-url", headers=admin))
        downloads.append(curl_download(link["downloadUrl"], copy, size))
        discarded.append(curl_seconds(["-o", "/dev/null", link["downloadUrl"]]))
    return min(uploads), min(downloads), min(discarded)


def _named(prefix: str | None, phase: str) -> str | None:
    return None if prefix is None else f"{prefix}-{phase}.txt"


async def _latencies(
    http: httpx2.AsyncClient, admin: dict[str, str], rounds: int
) -> tuple[list[float], list[float]]:
    """Seconds of each register and of each download-url request."""
    registers: list[float] = []
    links: list[float] = []
    small = {"fileName": "s.txt", "contentType": "text/plain", "size": 2}
    for _ in range(rounds):
        issued = data(await http.post("/drive/files/upload-url", json=small, headers=admin))
        put = await http.put(
            issued["uploadUrl"], content=b"ok", headers={"Content-Type": "text/plain"}
        )
        data(put)
        body = {**small, "fileId": issued["fileId"], "s3Key": issued["s3Key"]}
        started = time.perf_counter()
        registered = data(await http.post("/drive/files", json=body, headers=admin), 201)
        registers.append(time.perf_counter() - started)
        started = time.perf_counter()
        data(await http.get(f"/drive/files/{registered['id']}/download-url", headers=admin))
        links.append(time.perf_counter() - started)
    return registers, links


async def run(mib: int, rounds: int, database_url: str | None, profile: str | None) -> None:
    with running_server(database_url, admin=True) as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "big.bin"
        with big.open("wb") as out:
            for _ in range(mib):
                out.write(os.urandom(CHUNK))
        size = big.stat().st_size
        async with client(server, 4) as http:
            admin = await admin_headers(http)
            pid = server.process.pid
            rss_before = rss_mb(pid)
            os.sync()

            body = {"fileName": "big.bin", "contentType": "application/octet-stream", "size": size}
            issued = data(await http.post("/drive/files/upload-url", json=body, headers=admin))
            headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
            with profiled(pid, _named(profile, "upload")):
                started = time.perf_counter()
                response = await http.put(
                    issued["uploadUrl"], content=chunks_of(big), headers=headers
                )
                upload_s = time.perf_counter() - started
            data(response)
            register = {**body, "fileId": issued["fileId"], "s3Key": issued["s3Key"]}
            file = data(await http.post("/drive/files", json=register, headers=admin), 201)
            link = data(await http.get(f"/drive/files/{file['id']}/download-url", headers=admin))
            copy = work / "downloaded.bin"
            with profiled(pid, _named(profile, "download")):
                started = time.perf_counter()
                async with http.stream("GET", link["downloadUrl"]) as streamed:
                    with copy.open("wb") as out:
                        async for chunk in streamed.aiter_bytes(CHUNK):
                            out.write(chunk)
                download_s = time.perf_counter() - started
            assert copy.stat().st_size == size
            copy.unlink()
            native: tuple[float, float, float] | None = None
            if shutil.which("curl"):
                native = await native_transfer(http, admin, big, size, copy)
            rss_growth = rss_mb(pid) - rss_before
            disk_s = raw_copy_seconds(big, work / "raw.bin")
            # Written-back before timing commits: SQLite's fsync would wait on those pages.
            os.sync()
            with profiled(pid, _named(profile, "latency")):
                registers, links = await _latencies(http, admin, rounds)

    mb = size / 1e6
    disk = mb / disk_s
    up, down = mb / upload_s, mb / download_s
    register_p50 = percentile(sorted(registers), 0.5)
    link_p50 = percentile(sorted(links), 0.5)
    print(f"drive on {server.engine}: {mib} MiB file, {rounds} rounds of register / download-url")
    print(f"  raw disk copy      {disk:8.1f} MB/s")
    if native is not None:
        labels = ("upload, curl", "download, curl", "  into /dev/null")
        for label, seconds in zip(labels, native, strict=True):
            rate = mb / seconds
            print(
                f"  {label:<17} {rate:8.1f} MB/s = {rate / disk:.2f}x disk  "
                f"{verdict(rate >= disk / 2)}"
            )
    for label, rate in (("upload, Python", up), ("download, Python", down)):
        print(f"  {label:<17} {rate:8.1f} MB/s = {rate / disk:.2f}x disk")
    print(f"  server RSS growth  {rss_growth:8.1f} MB  {verdict(rss_growth <= 20)}")
    print(f"  register p50       {register_p50:8.2f} ms  {verdict(register_p50 <= 5)}")
    print(f"  download-url p50   {link_p50:8.2f} ms  {verdict(link_p50 <= 5)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", metavar="PREFIX", help="py-spy raw profiles of each phase")
    args = parser.parse_args()
    asyncio.run(run(args.mib, args.rounds, args.database_url, args.profile))


if __name__ == "__main__":
    main()
