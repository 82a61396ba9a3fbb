"""Typed platform events.

Each event type is a model with its documented wire name (`type`) and payload fields. Besides
the payload an event carries its route: the workspace it belongs to and, where it is narrower,
the channel whose members receive it or the principals it is addressed to. The gateway, the
webhook worker and the MCP listener all consume these same models.
"""

from __future__ import annotations

from typing import Any, ClassVar

import orjson
from pydantic import BaseModel, ConfigDict, Field

from server_core.kernel.wire import WireModel


class EventRoute(BaseModel):
    """Who an event is for."""

    model_config = ConfigDict(frozen=True)

    workspace_id: str
    channel_id: str | None = None
    principal_ids: tuple[str, ...] = ()


class Event(WireModel):
    """Base of every event. Subclasses set `wire_name` and declare their payload fields."""

    wire_name: ClassVar[str]
    registry: ClassVar[dict[str, type[Event]]] = {}

    route: EventRoute = Field(exclude=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("wire_name")
        if isinstance(name, str):
            Event.registry[name] = cls

    def frame(self) -> dict[str, Any]:
        """The event as it goes out on the wire: `{"type": ..., <payload>}`."""
        return {"type": self.wire_name, **self.model_dump(mode="json")}

    def to_json(self) -> bytes:
        """Serialized with its route, for carrying between processes."""
        return orjson.dumps(
            {"type": self.wire_name, "route": self.route.model_dump(), "payload": self.frame()}
        )

    @staticmethod
    def from_json(raw: bytes | str) -> Event:
        doc = orjson.loads(raw)
        cls = Event.registry[doc["type"]]
        payload = {k: v for k, v in doc["payload"].items() if k != "type"}
        return cls.model_validate({**payload, "route": doc["route"]})
