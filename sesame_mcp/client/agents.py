"""`client.agents`: provisioning, listing, editing and archiving agents, their status, API keys
and Ed25519 public key (`/agents`). Its methods are the declared operations."""

from __future__ import annotations

from server_core.features.agents import operations
from sesame_mcp.client.area import Area


class Agents(Area, operations.Agents):
    """The workspace's agents. Creating, archiving and managing keys are for humans (the
    agent's owner or an admin); any principal may list and read agents."""
