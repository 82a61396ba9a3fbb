"""The `drive` feature's tools, over `/drive`: toolset `drive` (`drive.py`: listing, reading,
changing, deleting and tagging files, saving a channel's attachment, folders, and the
`sesame://drive/files` resource; `transfers.py`: uploading and downloading the bytes)."""

from sesame_mcp.toolsets.drive import transfers as transfers
from sesame_mcp.toolsets.drive.drive import TOOLSET as DRIVE

__all__ = ["DRIVE"]
