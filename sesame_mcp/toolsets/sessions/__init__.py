"""The `sessions` feature's tools, over `/sessions` and `/reservations`: toolset `sessions`:
the file reservations of this connection's session (`reservations.py`: reserve, release,
check before writing) and the sessions of the workspace (`sessions.py`: list, end, read a
history, send into one). The connection itself becomes a session in
`sesame_mcp.connections`."""

from sesame_mcp.toolsets.sessions import sessions as _sessions  # noqa: F401  (its tools)
from sesame_mcp.toolsets.sessions.reservations import TOOLSET as SESSIONS

__all__ = ["SESSIONS"]
