"""The `auth` feature's tools (`identity.py`): toolset `identity`, over `/auth/me`, and toolset
`people` (finding the workspace's principals)."""

from sesame_mcp.toolsets.auth.identity import PEOPLE
from sesame_mcp.toolsets.auth.identity import TOOLSET as IDENTITY

__all__ = ["IDENTITY", "PEOPLE"]
