"""The store façade: one async store over SQLAlchemy Core, on SQLite or PostgreSQL.

Features never open connections: they run inside `Store.transaction()`, which yields a `Tx`
whose statements run on the engine's connection. Events a transaction emits are handed to the
bus only after it commits, so a rolled-back write never announces itself.

- PostgreSQL: asyncpg through SQLAlchemy's async engine, one pool for reads and writes.
- SQLite: the standard library driver, each statement run on a worker thread (see `sqlite.py`
  for why); writes go through a single writer connection, one transaction at a time.

Hot write paths submit synchronous units to `Store.combined()`, which commits many of them in
one transaction (`combined.py`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.kernel.events import Event
from server_core.kernel.store import tables
from server_core.kernel.store.combined import Unit, WriteCombiner
from server_core.kernel.store.migrate import upgrade_to_head

T = TypeVar("T")
Publish = Callable[[Sequence[Event]], Awaitable[None]]
Call = Callable[[Callable[[Connection], Any]], Awaitable[Any]]


class Tx:
    """One transaction: run statements, and emit events to publish once it commits."""

    def __init__(self, dialect: str, call: Call) -> None:
        self.dialect = dialect
        self.events: list[Event] = []
        self._call = call

    def emit(self, event: Event) -> None:
        self.events.append(event)

    async def execute(self, statement: sa.Executable) -> None:
        await self._call(lambda conn: conn.execute(statement).close())

    async def affected(self, statement: sa.Executable) -> int:
        """Run an UPDATE or DELETE; return how many rows it touched."""
        count: int = await self._call(lambda conn: conn.execute(statement).rowcount)
        return count

    async def one(self, statement: sa.Executable) -> RowMapping | None:
        """The first row as a mapping, or None."""
        row: RowMapping | None = await self._call(
            lambda conn: conn.execute(statement).mappings().first()
        )
        return row

    async def all(self, statement: sa.Executable) -> Sequence[RowMapping]:
        rows: Sequence[RowMapping] = await self._call(
            lambda conn: conn.execute(statement).mappings().all()
        )
        return rows

    async def scalar(self, statement: sa.Executable) -> Any:
        return await self._call(lambda conn: conn.execute(statement).scalar())

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run synchronous code against the connection in one hop (several statements, or
        work that must see the connection, such as opening ciphertexts)."""
        result: T = await self._call(work)
        return result

    async def unit(self, unit: Unit[T]) -> T:
        """Run a unit of work (as `Store.combined` takes them) in this transaction; its
        events are published with the transaction's."""
        return await self.run(lambda conn: unit(conn, self.events))


class Backend(Protocol):
    def transaction(self, write: bool) -> contextlib.AbstractAsyncContextManager[Call]: ...

    async def run_sync(self, work: Callable[[Connection], T], write: bool = True) -> T: ...

    async def migrate(self, work: Callable[[Connection], None]) -> None: ...

    async def close(self) -> None: ...


class Store:
    """Storage for server_core on SQLite or PostgreSQL."""

    def __init__(self, url: str, publish: Publish | None = None) -> None:
        parsed = sa.make_url(url)
        self.dialect = parsed.get_backend_name()
        self._publish = publish
        self._backend: Backend
        if self.dialect == "sqlite":
            from server_core.kernel.store.sqlite import SqliteBackend

            self._backend = SqliteBackend(parsed)
        elif self.dialect == "postgresql":
            from server_core.kernel.store.postgres import PostgresBackend

            self._backend = PostgresBackend(parsed)
        else:
            raise ValueError(f"unsupported database: {parsed.render_as_string()}")
        self._combiner = WriteCombiner(self._backend.run_sync, publish)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextlib.asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[Tx]:
        """Run a unit of work; commit on success, roll back on error, then publish its events."""
        async with self._backend.transaction(write) as call:
            tx = Tx(self.dialect, call)
            yield tx
        if tx.events and self._publish is not None:
            await self._publish(tx.events)

    async def run_sync(self, work: Callable[[Connection], T]) -> T:
        """Run `work` with a plain SQLAlchemy connection inside one write transaction, in one
        hop (migrations, schema inspection, small self-contained writes)."""
        return await self._backend.run_sync(work)

    async def read(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in a read transaction of its own, begun and ended in the same hop (for a
        short self-contained read such as authenticating a request)."""
        return await self._backend.run_sync(work, write=False)

    async def combined(self, unit: Unit[T], order_key: str = "") -> T:
        """Run a synchronous unit of work in a transaction shared with other concurrent units
        (group commit, see `combined.py`); its events are published after the commit."""
        return await self._combiner.submit(unit, order_key)

    async def ping(self) -> bool:
        """True when the database answers."""
        try:
            async with self.transaction(write=False) as tx:
                await tx.scalar(sa.text("SELECT 1"))
        except Exception:
            return False
        return True

    async def migrate(self, work: Callable[[Connection], None] = upgrade_to_head) -> None:
        """Apply pending migrations (several processes may call this at once); `work` moves to
        another revision instead (`migrate.downgrade_to`)."""
        await self._backend.migrate(work)

    async def close(self) -> None:
        await self._combiner.close()
        await self._backend.close()


__all__ = ["Store", "Tx", "tables"]
