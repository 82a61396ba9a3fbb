"""The Python client of the Sesame platform: REST (`SesameClient`) and real-time events
(`EventListener`), typed with the server's wire models. See docs/sdk.md."""

from sesame_mcp.client.auth import (
    AccessToken,
    AgentKey,
    ApiKey,
    Credentials,
    generate_agent_keys,
)
from sesame_mcp.client.errors import SesameError
from sesame_mcp.client.events import EventListener
from sesame_mcp.client.frames import DeliveryAck, ServerEvent
from sesame_mcp.client.rest import SesameClient
from sesame_mcp.client.wire import UNSET, Page

__all__ = [
    "UNSET",
    "AccessToken",
    "AgentKey",
    "ApiKey",
    "Credentials",
    "DeliveryAck",
    "EventListener",
    "Page",
    "ServerEvent",
    "SesameClient",
    "SesameError",
    "generate_agent_keys",
]
