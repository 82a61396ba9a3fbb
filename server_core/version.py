"""The platform's version, importable without the app (the MCP server reports it too)."""

VERSION = "0.1.0"
