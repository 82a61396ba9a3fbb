"""PostgreSQL behind the async store: asyncpg through SQLAlchemy's async engine."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine

from server_core.kernel.store.tables import JSON_CODEC

T = TypeVar("T")

# Any constant shared by every node: serializes concurrent migrations on one database.
MIGRATION_LOCK = 7380421


def lock_for_migration(conn: Connection) -> None:
    """Hold the migration lock until the transaction ends."""
    conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))


class PostgresBackend:
    def __init__(self, url: URL) -> None:
        self._engine = create_async_engine(
            url.set(drivername="postgresql+asyncpg"),
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            **JSON_CODEC,
        )

    @contextlib.asynccontextmanager
    async def transaction(
        self, write: bool
    ) -> AsyncIterator[Callable[[Callable[[Connection], Any]], Any]]:
        async with self._engine.begin() as conn:
            yield conn.run_sync

    async def run_sync(self, work: Callable[[Connection], T], write: bool = True) -> T:
        async with self._engine.begin() as conn:
            return await conn.run_sync(work)

    async def close(self) -> None:
        await self._engine.dispose()
