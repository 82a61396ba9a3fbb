"""The `auth` feature's tools: toolset `identity` (`identity.py`), over `/auth/me`."""

from sesame_mcp.toolsets.auth.identity import TOOLSET as IDENTITY

__all__ = ["IDENTITY"]
