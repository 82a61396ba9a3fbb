"""The library's MCP tools are not built yet: its pages are reached through `client.library`."""
