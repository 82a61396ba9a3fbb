"""`client.drive`: files and folders (`/drive`). Its methods are the declared operations; the
bytes travel through the signed `uploadUrl` / `downloadUrl` they hand out."""

from __future__ import annotations

from server_core.features.drive import operations
from sesame_mcp.client.area import Area


class Drive(Area, operations.Drive):
    """The drive: upload URLs, registering, listing, downloading, tagging and folders."""
