"""The platform's features, in the order the API documents them.

Each feature is a folder with the same name in `server_core/features`, `sesame_mcp/client`,
`sesame_mcp/toolsets` and `tests`; its `feature.py` says what it brings (`kernel.feature`).
The app, the worker runner, the docs and the tests loop over `features()`. Loading is lazy:
importing a feature's wire models (`schemas`, `operations`), as the SDK client does, loads no
service and no storage.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server_core.kernel.feature import Feature

NAMES = (
    "auth",
    "agents",
    "messaging",
    "vault",
    "projects",
    "tasks",
    "webhooks",
    "push",
    "schedule",
    "work_streams",
    "autonomy",
    "library",
    "drive",
    "voice",
    "sessions",
)


@cache
def features() -> tuple[Feature, ...]:
    """Every feature, loaded."""
    loaded = []
    for name in NAMES:
        module = importlib.import_module(f"server_core.features.{name}.feature")
        feature: Feature = module.FEATURE
        assert feature.name == name, (feature.name, name)
        loaded.append(feature)
    return tuple(loaded)
