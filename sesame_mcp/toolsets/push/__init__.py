"""Web Push has no MCP tools: subscriptions belong to browsers."""
