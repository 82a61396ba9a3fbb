"""SQLite transaction cost: the store's worker-thread driver against aiosqlite.

    uv run --with aiosqlite python bench/sqlite_transactions.py [--transactions 1000]

Each transaction is what an authenticated read does: BEGIN, two point reads, COMMIT. Without
aiosqlite installed only the store is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from server_core.kernel.store import Store

metadata = sa.MetaData()
items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("value", sa.String),
)


def two_reads() -> tuple[sa.Select[tuple[int, str]], sa.Select[tuple[int, str]]]:
    return sa.select(items).where(items.c.id == 5), sa.select(items).where(items.c.id == 6)


async def milliseconds_each(once: Callable[[], Awaitable[None]], count: int) -> float:
    """Warm up, then the mean wall time of `count` sequential runs."""
    for _ in range(50):
        await once()
    started = time.perf_counter()
    for _ in range(count):
        await once()
    return (time.perf_counter() - started) / count * 1000


async def measure_store(path: Path, count: int) -> float:
    store = Store(f"sqlite:///{path}")
    await store.run_sync(metadata.create_all)
    await store.run_sync(
        lambda conn: conn.execute(items.insert(), [{"id": i, "value": str(i)} for i in range(1000)])
    )
    first, second = two_reads()

    async def once() -> None:
        async with store.transaction(write=False) as tx:
            await tx.one(first)
            await tx.one(second)

    try:
        return await milliseconds_each(once, count)
    finally:
        await store.close()


async def measure_aiosqlite(path: Path, count: int) -> float | None:
    try:
        import aiosqlite  # noqa: F401
    except ImportError:
        return None
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    first, second = two_reads()

    async def once() -> None:
        async with engine.begin() as conn:
            (await conn.execute(first)).mappings().first()
            (await conn.execute(second)).mappings().first()

    try:
        return await milliseconds_each(once, count)
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transactions", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        store_ms = await measure_store(path, args.transactions)
        print(f"store (worker thread per statement)  {store_ms:6.3f} ms per transaction")
        aio_ms = await measure_aiosqlite(path, args.transactions)
        if aio_ms is None:
            print("aiosqlite not installed: run with `uv run --with aiosqlite` to compare")
        else:
            print(f"aiosqlite                            {aio_ms:6.3f} ms per transaction")


if __name__ == "__main__":
    asyncio.run(main())
