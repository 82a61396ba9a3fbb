"""Alembic environment. Run from code with a connection (the normal path), or from the alembic
command line for writing new revisions: `uv run alembic revision --autogenerate -m "..."`, which
compares against the database named by SESAME_DATABASE_URL (default: ./.sesame/sesame.db)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.features import features
from server_core.kernel.store import Store
from server_core.kernel.store.tables import declared_here, metadata

features()  # every feature's tables join the metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=declared_here,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_settings() -> None:
    store = Store(Settings().sqlalchemy_url)
    try:
        await store.run_sync(run_on)
    finally:
        await store.close()


given = context.config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    asyncio.run(run_from_settings())
