"""Embedded mode: the Sesame platform (server_core) in this process and event loop, on a free
loopback port, over a local data dir.

The first run bootstraps the data dir as `sesame-server serve --admin-email` does (a
workspace, its admin, the admin's password in `DIR/admin.json`, mode 0600) and provisions a
local agent with an API key (`DIR/agent.json`, mode 0600); later runs reuse both. The MCP
server then acts as that agent: its REST calls go to the app in process (`app`, through
`InProcessTransport`), its event stream over the port, which also serves everyone else.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp

from server_core import bootstrap
from server_core.app import create_app
from server_core.config import Settings
from server_core.features.agents.schemas import ProvisionAgentRequest
from server_core.kernel.platform import Platform, open_platform
from sesame_mcp.transports import bind, serving

AGENT_FILE = "agent.json"
LOCAL_AGENT_HANDLE = "local-agent"
DEFAULT_ADMIN_EMAIL = "admin@localhost"


@dataclass(frozen=True)
class LocalAgent:
    """An agent of the local workspace with an API key."""

    id: str
    handle: str
    api_key: str


@dataclass(frozen=True)
class LocalPlatform:
    """The running embedded platform: where it listens, who administers it, and the agent the
    MCP server acts as."""

    url: str
    data_dir: Path
    admin_email: str
    admin_password_file: Path | None
    agent: LocalAgent
    platform: Platform
    app: ASGIApp

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/v1/connect"

    async def agent_named(self, handle: str, display_name: str | None = None) -> LocalAgent:
        """Another agent of the workspace (made on first use) with a fresh API key."""
        return await provision_agent(self.platform, handle, display_name)


@contextlib.asynccontextmanager
async def running_platform(
    data_dir: Path, *, port: int = 0, admin_email: str = DEFAULT_ADMIN_EMAIL
) -> AsyncIterator[LocalPlatform]:
    """The platform over `data_dir`, served on 127.0.0.1:`port` (0: a free port) until the
    block ends. Bootstraps the data dir on first run."""
    sock = bind("127.0.0.1", port)
    try:
        settings = Settings(data_dir=data_dir, host="127.0.0.1", port=sock.getsockname()[1])
        login = await bootstrap.prepare_admin(settings, admin_email, None)
        assert login is not None  # an admin email was given
        async with open_platform(settings) as platform:
            agent = await _local_agent(platform, data_dir / AGENT_FILE)
            app = create_app(platform=platform)
            async with serving(app, sock, **bootstrap.UVICORN_OPTIONS):
                password_file = login.get("passwordFile")
                yield LocalPlatform(
                    url=settings.public_url,
                    data_dir=data_dir,
                    admin_email=login["email"],
                    admin_password_file=Path(password_file) if password_file else None,
                    agent=agent,
                    platform=platform,
                    app=app,
                )
    finally:
        sock.close()


async def _local_agent(platform: Platform, saved: Path) -> LocalAgent:
    """The agent in `saved`, while it still exists; otherwise a new one, saved there."""
    known = _read_agent(saved)
    if known is not None and await bootstrap.agent_exists(platform, known.id):
        return known
    agent = await provision_agent(platform, LOCAL_AGENT_HANDLE, "Local agent")
    bootstrap.write_private(
        saved, {"id": agent.id, "handle": agent.handle, "apiKey": agent.api_key}
    )
    return agent


def _read_agent(path: Path) -> LocalAgent | None:
    try:
        document: dict[str, Any] = json.loads(path.read_text())
        return LocalAgent(document["id"], document["handle"], document["apiKey"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        # A damaged file is replaced rather than trusted; keep it for inspection.
        os.replace(path, path.with_suffix(".json.broken"))
        return None


async def provision_agent(
    platform: Platform, handle: str, display_name: str | None = None
) -> LocalAgent:
    """An agent of the first workspace, owned by its first admin, with a new API key; an
    existing agent of that handle gets a new key."""
    request = ProvisionAgentRequest.model_validate({"handle": handle, "displayName": display_name})
    issued = await bootstrap.issue_agent(platform, request, label="sesame-mcp embedded", reuse=True)
    return LocalAgent(issued.id, issued.handle, issued.api_key)
