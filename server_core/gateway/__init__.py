"""The WebSocket gateway at `/v1/connect` (see `hub.py`)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from server_core.kernel.platform import Platform


def install_gateway(app: FastAPI) -> None:
    """Add the `/v1/connect` WebSocket route."""


@contextlib.asynccontextmanager
async def gateway_hub(app: FastAPI, platform: Platform) -> AsyncIterator[None]:
    """Run the gateway's fan-out for the app's lifetime."""
    yield
