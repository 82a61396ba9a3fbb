"""The running platform: settings plus the shared engines, owned by the app's lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from server_core.config import Settings
from server_core.kernel.bus import EventBus, bus_for
from server_core.kernel.store import Store


@dataclass
class Platform:
    settings: Settings
    store: Store
    bus: EventBus
    signing_secret: bytes


@contextlib.asynccontextmanager
async def open_platform(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Platform]:
    """Open the store (migrating it) and the bus; close both on exit."""
    bus = bus_for(settings.redis_url)
    store = Store(settings.sqlalchemy_url, publish=bus.publish)
    if store.is_sqlite:
        settings.ensure_data_dir()
    try:
        if migrate:
            await store.migrate()
        await bus.start()
        try:
            yield Platform(settings, store, bus, settings.signing_secret())
        finally:
            await bus.close()
    finally:
        await store.close()
