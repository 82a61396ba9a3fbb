"""The `webhooks` feature's tools: toolset `webhooks` (`webhooks.py`), over
`/agents/:id/webhooks`: subscriptions, their signing secrets and the delivery log."""

from sesame_mcp.toolsets.webhooks.webhooks import TOOLSET as WEBHOOKS

__all__ = ["WEBHOOKS"]
