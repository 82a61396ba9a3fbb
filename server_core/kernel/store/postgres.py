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
            # Sized for a busy node: requests beyond the pool wait for a connection instead of
            # opening (and, on return, closing) an overflow one each, which costs far more than
            # the wait; the overflow only absorbs bursts.
            pool_size=20,
            max_overflow=10,
            # A ping per checkout costs a round trip, but without it a database restart or
            # failover fails one request per pooled connection; users would see those errors.
            pool_pre_ping=True,
            # Every transaction ends in an explicit commit or rollback: no reset needed on return.
            pool_reset_on_return=None,
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

    async def migrate(self, work: Callable[[Connection], None]) -> None:
        """Run schema changes in one transaction, one node at a time."""

        def locked(conn: Connection) -> None:
            lock_for_migration(conn)
            work(conn)

        await self.run_sync(locked)

    async def close(self) -> None:
        await self._engine.dispose()
