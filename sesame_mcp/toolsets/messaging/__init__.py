"""The `messaging` feature's tools, and the helpers every toolset shares:

- `channels.py`: toolset `channels` (list, create, open a DM; the `sesame://channels`
  resource), and what to do next after the errors of channels and messages;
- `messaging.py`: toolset `messaging` (send, read, mark read); `history.py` adds its
  recent-messages resource and its prompts `catch_up` and `reply_in_thread`;
- `channel_admin.py`, `message_admin.py`: the optional toolsets of those names;
- `refs.py`: how tools name channels, principals and messages (the other features' tools
  name principals with it too);
- `views.py`: the compact views tools answer with, and others' text quoted as data.
"""

from sesame_mcp.toolsets.messaging import history  # noqa: F401  (messaging's resource, prompts)
from sesame_mcp.toolsets.messaging.channel_admin import TOOLSET as CHANNEL_ADMIN
from sesame_mcp.toolsets.messaging.channels import TOOLSET as CHANNELS
from sesame_mcp.toolsets.messaging.message_admin import TOOLSET as MESSAGE_ADMIN
from sesame_mcp.toolsets.messaging.messaging import TOOLSET as MESSAGING

__all__ = ["CHANNELS", "CHANNEL_ADMIN", "MESSAGE_ADMIN", "MESSAGING"]
