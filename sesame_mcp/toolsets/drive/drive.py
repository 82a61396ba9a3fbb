"""Toolset `drive`: files behind signed links, tagged to channels and kept in folders. Listing,
reading, changing, deleting, tagging, saving a channel's attachment and the folders are
declared from the platform's `/drive` operations (`sesame_mcp.derived`); uploading and
downloading move bytes and keep handlers of their own (`transfers.py`). The resource
`sesame://drive/files` lists the files you may read."""

from __future__ import annotations

import json

from mcp.server import MCPServer

from server_core.features.drive.operations import Drive
from sesame_mcp.derived import Ref, derive
from sesame_mcp.registry import Toolset
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.drive.views import (
    DeletedFileOutput,
    DeletedFolderOutput,
    FileDetailOutput,
    FileOutput,
    FilesOutput,
    FileView,
    FolderOutput,
    FoldersOutput,
)
from sesame_mcp.toolsets.messaging import refs

DRIVE_FILES = "sesame://drive/files"
RESOURCE_FILES = 100  # newest files the resource lists

TOOLSET = Toolset(
    "drive",
    "Files: upload, list, download, share to channels, save attachments, folders",
    default=False,
    next_steps={
        "not_found": "list_files shows the files you may read, with their ids; "
        "list_folders your folders",
        "not_your_file": "you may attach only files you uploaded: upload_file, or "
        "save_attachment_to_drive to keep your own copy of someone's attachment",
        "folder_not_empty": "move its files elsewhere (update_file folder_id) or delete them first",
        "folder_cycle": "a folder cannot go inside itself or its subfolders",
        "file_too_large": "the drive refuses files this big; split or compress it",
        "size_mismatch": "the file changed while it was sent; upload it again",
        "upload_mismatch": "upload the file again with upload_file",
        "upload_incomplete": "upload the file again with upload_file",
        "link_expired": "call the tool again for a fresh link",
    },
)


async def _as_given(_: Sesame, ref: str) -> str:
    return ref.strip()


async def _channel_id(state: Sesame, ref: str) -> str:
    return (await refs.resolve_channel(state, ref)).id


FILE = Ref("file", "The file's id (list_files shows them)", _as_given, max_length=64)
FOLDER = Ref("folder", "The folder's id (list_folders shows them)", _as_given, max_length=64)
CHANNEL = Ref("channel", refs.CHANNEL_REF, _channel_id)
IN_FOLDER = "A folder id of yours; omit for the top level"

derive(
    TOOLSET,
    Drive.list_files,
    name="list_files",
    title="List files",
    description="Files you may read: yours, those tagged to your channels (admins: all). "
    "Filter by channel or folder ('root': in no folder); sort by name, size, contentType "
    "or createdAt.",
    output=FilesOutput,
    refs={"channel_id": Ref("channel", "Only files tagged to this channel", _channel_id)},
    descriptions={
        "folder_id": "Only files in this folder of yours; 'root' for files in no folder",
        "sort_by": "name, size, contentType or createdAt (default)",
        "sort_order": "asc or desc (default)",
        "limit": "At most this many (default 200)",
    },
)
derive(
    TOOLSET,
    Drive.get,
    name="get_file",
    title="Get a file",
    description="A file with the channels it is tagged to and its latest activity.",
    output=FileDetailOutput,
    refs={"file_id": FILE},
)
derive(
    TOOLSET,
    Drive.update,
    name="update_file",
    title="Update a file",
    description="Rename, describe, retag or move a file of yours (folder_id null: no folder). "
    "Only the arguments given change.",
    output=FileOutput,
    refs={"file_id": FILE},
    descriptions={
        "name": "Its new name, e.g. report-v2.pdf",
        "description": "What it is; null clears it",
        "tags": "Its tags, replacing the current ones",
        "folder_id": "Move it into this folder of yours; null: no folder",
    },
)
derive(
    TOOLSET,
    Drive.delete,
    name="delete_file",
    title="Delete a file",
    description="Delete a file of yours: it leaves every list and can no longer be downloaded "
    "or attached.",
    output=DeletedFileOutput,
    refs={"file_id": FILE},
)
derive(
    TOOLSET,
    Drive.tag_channel,
    name="tag_file_channel",
    title="Tag a file to a channel",
    description="Share a file with a channel you are in: its members may then find and "
    "download it.",
    output=FileOutput,
    refs={"file_id": FILE, "channel_id": CHANNEL},
)
derive(
    TOOLSET,
    Drive.untag_channel,
    name="untag_file_channel",
    title="Untag a file from a channel",
    description="Stop sharing a file with a channel (messages that attached it still show it).",
    output=FileOutput,
    refs={"file_id": FILE, "channel_id": CHANNEL},
)
derive(
    TOOLSET,
    Drive.save_from_channel,
    name="save_attachment_to_drive",
    title="Save an attachment to your drive",
    description="Copy a message's attachment into your drive as your own file (read_messages "
    "shows attachment ids): you may then attach, tag or change it.",
    output=FileOutput,
    refs={
        "channel_id": Ref("channel", "The channel of the message: " + refs.CHANNEL_REF, _channel_id)
    },
    descriptions={
        "attachment_id": "The attachment's id, as read_messages shows it",
        "folder_id": IN_FOLDER,
    },
)
derive(
    TOOLSET,
    Drive.list_folders,
    name="list_folders",
    title="List folders",
    description="Your folders: all of them, or the subfolders of parent_id ('root' for the "
    "top level).",
    output=FoldersOutput,
    descriptions={"parent_id": "Only the subfolders of this folder; 'root' for the top level"},
)
derive(
    TOOLSET,
    Drive.create_folder,
    name="create_folder",
    title="Create a folder",
    description="Create a folder in your drive, at the top level or inside one of yours.",
    output=FolderOutput,
    descriptions={"name": "The folder's name, e.g. Reports", "parent_id": IN_FOLDER},
)
derive(
    TOOLSET,
    Drive.update_folder,
    name="update_folder",
    title="Update a folder",
    description="Rename a folder of yours or move it (parent_id null: top level).",
    output=FolderOutput,
    refs={"folder_id": FOLDER},
    descriptions={
        "name": "Its new name",
        "parent_id": "Move it inside this folder of yours; null: the top level",
    },
)
derive(
    TOOLSET,
    Drive.delete_folder,
    name="delete_folder",
    title="Delete a folder",
    description="Delete an empty folder of yours (move or delete its files first).",
    output=DeletedFolderOutput,
    refs={"folder_id": FOLDER},
)


@TOOLSET.extra
def files_resource(server: MCPServer, state: Sesame) -> None:
    @server.resource(
        DRIVE_FILES,
        name="drive_files",
        title="My files",
        description=f"The newest {RESOURCE_FILES} files I may read: mine and those tagged to "
        "my channels (JSON). Names and descriptions are written by their uploaders.",
        mime_type="application/json",
    )
    async def files() -> str:
        found = await state.client.drive.list_files(limit=RESOURCE_FILES)
        listed = [FileView.model_validate(f).model_dump(mode="json") for f in found]
        return json.dumps({"files": listed})
