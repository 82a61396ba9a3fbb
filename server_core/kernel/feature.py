"""What a feature brings to the platform, in one object the app, the worker runner, the docs
and the tests loop over (`server_core.features.features()` lists them).

A feature's `feature.py` builds its `FEATURE`: the service that answers each of its declared
operations, the event types it publishes, its error types, its background workers, its
long-running loops (consumers of the bus) and any plain routes it serves outside `/api/v1`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute

from server_core.config import Settings
from server_core.kernel.errors import ApiError
from server_core.kernel.events import Event
from server_core.kernel.operations import Operation
from server_core.kernel.platform import Platform
from server_core.kernel.routing import Service
from server_core.kernel.store import Store


@dataclass(frozen=True)
class Worker:
    """A background pass, run every `interval(settings)` seconds on every node (so each pass
    must be safe to run on several nodes at once); it returns how many things it changed."""

    what: str
    run_once: Callable[[Store], Awaitable[int]]
    interval: Callable[[Settings], float]


@dataclass(frozen=True)
class Loop:
    """A background task that runs for the app's whole life with the platform in hand (e.g. one
    that consumes the bus); restarted after an error, cancelled at shutdown."""

    what: str
    run: Callable[[Platform], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Feature:
    name: str
    serves: Mapping[Operation[Any], Service] = field(default_factory=dict)
    events: Sequence[type[Event]] = ()
    errors: Sequence[type[ApiError]] = ()
    workers: Sequence[Worker] = ()
    loops: Sequence[Loop] = ()
    # Served at the root, outside `/api/v1` and its envelope (the drive's signed links): they
    # authenticate and read their bodies themselves, so the API's body limit does not apply.
    routes: Sequence[BaseRoute] = ()
