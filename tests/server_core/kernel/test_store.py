"""The store: one transaction per unit of work, events only after commit, serialized SQLite
writes, and migrations that go down and up again; on both engines, the whole module."""

from __future__ import annotations

import asyncio
from pathlib import Path

import anyio
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server_core.features import features
from server_core.kernel.clock import utcnow
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.ids import new_id
from server_core.kernel.platform import Platform
from server_core.kernel.store import Store
from server_core.kernel.store.migrate import downgrade_to_base, upgrade_to_head
from server_core.kernel.store.tables import declared_here, metadata, workspaces

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


class WorkspaceRenamed(Event):
    """An event used only to observe publication timing."""

    wire_name = "test.workspace_renamed"
    name: str


async def _count(platform: Platform) -> int:
    async with platform.store.transaction(write=False) as tx:
        return int(await tx.scalar(sa.select(sa.func.count()).select_from(workspaces)))


def _insert(name: str) -> sa.Insert:
    return sa.insert(workspaces).values(id=new_id(), name=name, created_at=utcnow())


async def test_events_are_published_only_after_commit(platform: Platform) -> None:
    subscription = platform.bus.subscribe()
    route = EventRoute(workspace_id=new_id())

    async def fail_after_writing() -> None:
        async with platform.store.transaction() as tx:
            await tx.execute(_insert("rolled back"))
            tx.emit(WorkspaceRenamed(route=route, name="rolled back"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_after_writing()
    assert await _count(platform) == 0

    async with platform.store.transaction() as tx:
        await tx.execute(_insert("kept"))
        tx.emit(WorkspaceRenamed(route=route, name="kept"))
        # Not yet: the transaction has not committed.
        assert subscription._queue.empty()
    with anyio.fail_after(5):
        event = await subscription.get()
    assert isinstance(event, WorkspaceRenamed)
    assert event.name == "kept"
    assert event.frame() == {"type": "test.workspace_renamed", "name": "kept"}
    assert subscription._queue.empty()
    assert await _count(platform) == 1
    subscription.close()


async def test_concurrent_writers_all_commit(platform: Platform) -> None:
    async def write(n: int) -> None:
        async with platform.store.transaction() as tx:
            await tx.execute(_insert(f"ws-{n}"))

    async with anyio.create_task_group() as group:
        for n in range(40):
            group.start_soon(write, n)
    assert await _count(platform) == 40


async def test_reads_run_while_a_write_is_open(platform: Platform) -> None:
    writer_inside = asyncio.Event()
    release = asyncio.Event()

    async def slow_write() -> None:
        async with platform.store.transaction() as tx:
            await tx.execute(_insert("pending"))
            writer_inside.set()
            await release.wait()

    async with anyio.create_task_group() as group:
        group.start_soon(slow_write)
        with anyio.fail_after(5):
            await writer_inside.wait()
            # Readers see the last committed state and are not blocked by the writer.
            assert await _count(platform) == 0
        release.set()
    assert await _count(platform) == 1


async def test_read_transactions_cannot_write_on_sqlite(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'ro.db'}")
    try:
        await store.migrate()
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            async with store.transaction(write=False) as tx:
                await tx.execute(_insert("sneaky"))
    finally:
        await store.close()


async def test_migrations_go_down_and_up(platform: Platform, database_url: str) -> None:
    store = Store(platform.settings.sqlalchemy_url)
    try:
        await store.run_sync(downgrade_to_base)
        tables = await store.run_sync(lambda conn: sa.inspect(conn).get_table_names())
        assert "principals" not in tables
        await store.run_sync(upgrade_to_head)
        await store.migrate()  # idempotent
        assert await store.ping()
    finally:
        await store.close()
    assert await _count(platform) == 0


async def test_ping_reports_an_unreachable_database() -> None:
    store = Store("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        assert await store.ping() is False
    finally:
        await store.close()


async def test_many_concurrent_transactions_do_not_starve_each_other(platform: Platform) -> None:
    """More open transactions than connections or worker threads: each waits its turn and all
    finish (none holds a thread while waiting for a connection)."""

    async def read_twice() -> None:
        async with platform.store.transaction(write=False) as tx:
            await tx.scalar(sa.select(sa.func.count()).select_from(workspaces))
            await anyio.sleep(0.01)  # hold the transaction open between statements
            await tx.scalar(sa.select(sa.func.count()).select_from(workspaces))

    async def write_twice(n: int) -> None:
        async with platform.store.transaction() as tx:
            await tx.execute(_insert(f"a-{n}"))
            await anyio.sleep(0.01)
            await tx.execute(_insert(f"b-{n}"))

    with anyio.fail_after(20):
        async with anyio.create_task_group() as group:
            for n in range(30):
                group.start_soon(read_twice)
                group.start_soon(write_twice, n)
    assert await _count(platform) == 60


async def test_migrations_match_the_table_definitions(platform: Platform) -> None:
    """Whatever the kernel's and the features' tables.py declare, the migrations create:
    nothing left to autogenerate."""
    features()  # every feature's tables join the metadata

    def differences(conn: sa.Connection) -> list[object]:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": declared_here}
        )
        return list(compare_metadata(context, metadata))

    assert await platform.store.run_sync(differences) == []
