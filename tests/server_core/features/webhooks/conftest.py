"""Webhook tests: messaging's `team`, private targets allowed (the receiver listens on
127.0.0.1), a local receiver, and a worker whose clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from server_core.features.webhooks.worker import WebhookWorker
from server_core.kernel.bus import Subscription
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.webhooks.receiver import Receiver


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"open_registration": True, "webhooks_allow_private": True}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@dataclass
class Clock:
    at: datetime

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@dataclass
class Pump:
    """The worker, fed by hand: `await pump()` logs the events published since the last call
    and sends every attempt due at the clock's time."""

    worker: WebhookWorker
    tap: Subscription
    clock: Clock

    async def __call__(self) -> int:
        await self.worker.intake(self.tap.drain())
        return await self.worker.run_once()


@pytest.fixture
async def pump(platform: Platform) -> AsyncIterator[Pump]:
    clock = Clock(utcnow())
    worker = WebhookWorker(platform, now=clock)
    tap = platform.bus.tap()
    yield Pump(worker, tap, clock)
    tap.close()
    await worker.aclose()
