"""The store façade: one async SQLAlchemy Core store shared by both engines.

Features never open connections: they run inside `Store.transaction()`, which yields a `Tx`.
On SQLite, writes go through a single writer connection (`BEGIN IMMEDIATE`, one at a time per
process; WAL lets readers proceed meanwhile and `busy_timeout` queues writers from other
processes such as the CLI). On PostgreSQL, reads and writes share a pool. Events a transaction
emits are handed to the bus only after it commits, so a rolled-back write never announces itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Result, RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from server_core.kernel.events import Event
from server_core.kernel.store import tables
from server_core.kernel.store.migrate import upgrade_to_head

Publish = Callable[[Sequence[Event]], Awaitable[None]]


class Tx:
    """One transaction: run statements, and emit events to publish once it commits."""

    def __init__(self, conn: AsyncConnection, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    async def execute(self, statement: sa.Executable) -> Result[Any]:
        return await self.conn.execute(statement)

    async def affected(self, statement: sa.Executable) -> int:
        """Run an UPDATE or DELETE; return how many rows it touched."""
        result = await self.conn.execute(statement)
        return int(getattr(result, "rowcount", 0))

    async def one(self, statement: sa.Executable) -> RowMapping | None:
        """The first row as a mapping, or None."""
        return (await self.conn.execute(statement)).mappings().first()

    async def all(self, statement: sa.Executable) -> Sequence[RowMapping]:
        return (await self.conn.execute(statement)).mappings().all()

    async def scalar(self, statement: sa.Executable) -> Any:
        return (await self.conn.execute(statement)).scalar()


def _sqlite_engine(url: str, *, writer: bool) -> AsyncEngine:
    engine = create_async_engine(
        url,
        pool_size=1 if writer else 4,
        max_overflow=0 if writer else 4,
        connect_args={"timeout": 30},
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE reaches SQLite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if not writer:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


class Store:
    """Storage for server_core on SQLite or PostgreSQL."""

    def __init__(self, url: str, publish: Publish | None = None) -> None:
        self.url = url
        self.dialect = sa.make_url(url).get_backend_name()
        self._publish = publish
        if self.dialect == "sqlite":
            self._writer = _sqlite_engine(url, writer=True)
            self._reader = _sqlite_engine(url, writer=False)
        else:
            self._writer = self._reader = create_async_engine(
                url, pool_size=10, max_overflow=10, pool_pre_ping=True
            )
        self._write_lock = asyncio.Lock()

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextlib.asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[Tx]:
        """Run a unit of work; commit on success, roll back on error, then publish its events."""
        engine = self._writer if write else self._reader
        serialize = self._write_lock if write and self.is_sqlite else contextlib.nullcontext()
        async with serialize, engine.begin() as conn:
            tx = Tx(conn, self.dialect)
            yield tx
        if tx.events and self._publish is not None:
            await self._publish(tx.events)

    async def ping(self) -> bool:
        """True when the database answers."""
        try:
            async with self._reader.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception:
            return False
        return True

    async def migrate(self) -> None:
        """Apply pending migrations (several processes may call this at once)."""
        async with self._write_lock, self._writer.begin() as conn:
            if self.dialect == "postgresql":
                # Serialize concurrent starts on one database.
                await conn.execute(sa.text("SELECT pg_advisory_xact_lock(7380421)"))
            await conn.run_sync(upgrade_to_head)

    async def close(self) -> None:
        await self._writer.dispose()
        if self._reader is not self._writer:
            await self._reader.dispose()


__all__ = ["Store", "Tx", "tables"]
