"""The running platform: settings plus the shared engines, owned by the app's lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from server_core.config import Settings
from server_core.kernel.bus import EventBus, bus_for
from server_core.kernel.counters import Counters
from server_core.kernel.keyring import Keyring, load_master_keys
from server_core.kernel.store import Store
from server_core.kernel.throttle import Throttle, throttle_for


@dataclass
class Platform:
    settings: Settings
    store: Store
    bus: EventBus
    signing_secret: bytes
    keyring: Keyring
    # Failed credentials, counted (shared through Redis when configured).
    throttle: Throttle
    # What the background work has done, for /metrics.
    counters: Counters = field(default_factory=Counters)


@contextlib.asynccontextmanager
async def open_platform(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Platform]:
    """Open the store (migrating it), the keyring and the bus; close them on exit."""
    bus = bus_for(settings.redis_url)
    store = Store(settings.sqlalchemy_url, publish=bus.publish)
    if store.is_sqlite:
        settings.ensure_data_dir()
    master_key = settings.master_key.get_secret_value() if settings.master_key else None
    keyring = Keyring(load_master_keys(master_key, settings.data_dir))
    try:
        if migrate:
            await store.migrate()
            await keyring.backfill(store)
        await bus.start()
        throttle = throttle_for(settings)
        try:
            yield Platform(settings, store, bus, settings.signing_secret(), keyring, throttle)
        finally:
            await throttle.close()
            await bus.close()
    finally:
        await store.close()
