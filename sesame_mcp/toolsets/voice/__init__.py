"""Voice has no MCP tools of its own: `read_messages` shows a voice message's transcript and
`wait_for_events` reports `voice.transcribed`."""
