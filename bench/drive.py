"""The drive against a real `sesame-server serve` process, on SQLite (default) or PostgreSQL.

    uv run python bench/drive.py [--mib 100] [--rounds 200]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_db]

1. Throughput: a file of `--mib` MiB uploaded through its signed PUT link and downloaded
   through its signed GET link, streamed from and to disk, against a raw copy of the same file
   on the same disk. Target: each >= 0.5x the raw copy; the server's RSS grows <= 20 MB.
2. Latency: `POST /drive/files` (register) of small uploads and `GET /drive/files/:id/
   download-url`, one at a time, `--rounds` each. Target: p50 <= 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import admin_headers, client, data, percentile, running_server, verdict

CHUNK = 1024 * 1024


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
    """A plain copy into the page cache, as the server's writes are (neither side syncs)."""
    os.sync()
    started = time.perf_counter()
    shutil.copyfile(source, target)
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


async def run(mib: int, rounds: int, database_url: str | None) -> None:
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
            started = time.perf_counter()
            response = await http.put(issued["uploadUrl"], content=chunks_of(big), headers=headers)
            upload_s = time.perf_counter() - started
            data(response)
            register = {**body, "fileId": issued["fileId"], "s3Key": issued["s3Key"]}
            file = data(await http.post("/drive/files", json=register, headers=admin), 201)
            link = data(await http.get(f"/drive/files/{file['id']}/download-url", headers=admin))
            copy = work / "downloaded.bin"
            started = time.perf_counter()
            async with http.stream("GET", link["downloadUrl"]) as streamed:
                with copy.open("wb") as out:
                    async for chunk in streamed.aiter_bytes(CHUNK):
                        out.write(chunk)
            download_s = time.perf_counter() - started
            assert copy.stat().st_size == size
            copy.unlink()
            rss_growth = rss_mb(pid) - rss_before
            disk_s = raw_copy_seconds(big, work / "raw.bin")
            # Written-back before timing commits: SQLite's fsync would wait on those pages.
            os.sync()

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

    mb = size / 1e6
    disk = mb / disk_s
    up, down = mb / upload_s, mb / download_s
    register_p50 = percentile(sorted(registers), 0.5)
    link_p50 = percentile(sorted(links), 0.5)
    print(f"drive on {server.engine}: {mib} MiB file, {rounds} rounds of register / download-url")
    print(f"  raw disk copy      {disk:8.1f} MB/s")
    print(f"  upload (PUT link)  {up:8.1f} MB/s = {up / disk:.2f}x disk  {verdict(up >= disk / 2)}")
    print(
        f"  download (GET)     {down:8.1f} MB/s = {down / disk:.2f}x disk  "
        f"{verdict(down >= disk / 2)}"
    )
    print(f"  server RSS growth  {rss_growth:8.1f} MB  {verdict(rss_growth <= 20)}")
    print(f"  register p50       {register_p50:8.2f} ms  {verdict(register_p50 <= 5)}")
    print(f"  download-url p50   {link_p50:8.2f} ms  {verdict(link_p50 <= 5)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.mib, args.rounds, args.database_url))


if __name__ == "__main__":
    main()
