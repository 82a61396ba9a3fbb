"""The `autonomy` feature's tools: toolset `autonomy` (`autonomy.py`): timers on your tasks
and subscriptions to external events (GitHub CI, signed webhooks) that wake you."""

from sesame_mcp.toolsets.autonomy.autonomy import TOOLSET as AUTONOMY

__all__ = ["AUTONOMY"]
