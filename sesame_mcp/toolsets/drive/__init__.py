"""The drive has no MCP tools yet: its operations are reached through the SDK client."""
