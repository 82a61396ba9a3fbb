"""The toolsets' tests share the MCP server tests' fixtures (`tests/sesame_mcp/server`): a
session with every toolset on (`mcp_all`), another agent (`bob`), a channel with both
(`plans`); and `ok` and `text` to read a tool's result. Like every test not marked
`both_engines`, they run on SQLite."""

from __future__ import annotations

from tests.sesame_mcp.server.conftest import bob as bob
from tests.sesame_mcp.server.conftest import mcp_all as mcp_all
from tests.sesame_mcp.server.conftest import ok as ok
from tests.sesame_mcp.server.conftest import plans as plans
from tests.sesame_mcp.server.conftest import text as text
