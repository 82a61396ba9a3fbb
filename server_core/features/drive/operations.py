"""`/drive`: upload a file in three steps (upload URL, PUT the bytes, register), list, read,
download, tag to channels, save a channel's attachment, and folders."""

from __future__ import annotations

from server_core.features.drive.errors import (
    FileTooLarge,
    FolderCycle,
    FolderNotEmpty,
    NotYourUpload,
    QuotaExceeded,
    UploadIncomplete,
    UploadMismatch,
    UploadNotFound,
)
from server_core.features.drive.schemas import (
    CreateFolderRequest,
    DownloadUrl,
    DriveFile,
    DriveFileDetail,
    Folder,
    ListFilesQuery,
    ListFoldersQuery,
    RegisterFileRequest,
    SaveFromChannelRequest,
    TagChannelRequest,
    UpdateFileRequest,
    UpdateFolderRequest,
    UploadUrl,
    UploadUrlRequest,
)
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.operations import Operation, Operations, PathParam

FILE = PathParam("id", "file_id", "File id", max_length=64)
FOLDER = PathParam("id", "folder_id", "Folder id", max_length=64)
TAGGED = PathParam("channelId", "channel_id", "Channel id", max_length=64)
Files = list[DriveFile]
Folders = list[Folder]


class Drive(Operations):
    """Files behind signed, expiring links, tagged to channels and organised in folders."""

    area = "drive"

    upload_url = Operation(
        "POST",
        "/drive/files/upload-url",
        body=UploadUrlRequest,
        response=UploadUrl,
        errors=[FileTooLarge, QuotaExceeded],
        summary="Get a signed upload URL and the new file's id (PUT the bytes, then register)",
    )
    register = Operation(
        "POST",
        "/drive/files",
        body=RegisterFileRequest,
        response=DriveFile,
        status=201,
        also={200: "Registered already: the file as it is"},
        errors=[
            UploadNotFound,
            NotYourUpload,
            UploadMismatch,
            UploadIncomplete,
            NotFound,
            Forbidden,
        ],
        idempotent=True,
        summary="Register an uploaded file in your drive (optionally in a folder or tagged)",
    )
    save_from_channel = Operation(
        "POST",
        "/drive/files/save-from-channel",
        body=SaveFromChannelRequest,
        response=DriveFile,
        status=201,
        errors=[NotFound, Forbidden, QuotaExceeded],
        summary="Copy a message attachment of a channel into your drive",
    )
    list_files = Operation(
        "GET",
        "/drive/files",
        query=ListFilesQuery,
        response=Files,
        errors=[NotFound, Forbidden],
        summary="Files you may see: yours, tagged to your channels (admins: all)",
    )
    get = Operation(
        "GET",
        "/drive/files/{id}",
        params=[FILE],
        response=DriveFileDetail,
        errors=[NotFound],
        summary="A file with its channels and its latest 50 activity entries",
    )
    download_url = Operation(
        "GET",
        "/drive/files/{id}/download-url",
        params=[FILE],
        response=DownloadUrl,
        errors=[NotFound],
        summary="A signed download URL (uploader, admins, members of a tagged channel)",
    )
    update = Operation(
        "PATCH",
        "/drive/files/{id}",
        params=[FILE],
        body=UpdateFileRequest,
        response=DriveFile,
        errors=[NotFound, Forbidden],
        idempotent=True,
        summary="Rename, describe, retag or move a file (uploader or admin)",
    )
    delete = Operation(
        "DELETE",
        "/drive/files/{id}",
        params=[FILE],
        response=DriveFile,
        errors=[NotFound, Forbidden],
        summary="Delete a file (soft: it leaves lists and downloads)",
    )
    tag_channel = Operation(
        "POST",
        "/drive/files/{id}/channels",
        params=[FILE],
        body=TagChannelRequest,
        response=DriveFile,
        errors=[NotFound, Forbidden],
        idempotent=True,
        summary="Tag a file to a channel you are in: its members may then read it",
    )
    untag_channel = Operation(
        "DELETE",
        "/drive/files/{id}/channels/{channelId}",
        params=[FILE, TAGGED],
        response=DriveFile,
        errors=[NotFound, Forbidden],
        summary="Untag a file from a channel",
    )
    list_folders = Operation(
        "GET",
        "/drive/folders",
        query=ListFoldersQuery,
        response=Folders,
        errors=[NotFound],
        summary="Your folders (?parentId= for one folder's subfolders, 'root' for the top)",
    )
    create_folder = Operation(
        "POST",
        "/drive/folders",
        body=CreateFolderRequest,
        response=Folder,
        status=201,
        errors=[NotFound],
        summary="Create a folder, at the top or in one of yours",
    )
    update_folder = Operation(
        "PATCH",
        "/drive/folders/{id}",
        params=[FOLDER],
        body=UpdateFolderRequest,
        response=Folder,
        errors=[NotFound, FolderCycle],
        idempotent=True,
        summary="Rename or move a folder (never under itself)",
    )
    delete_folder = Operation(
        "DELETE",
        "/drive/folders/{id}",
        params=[FOLDER],
        response=Folder,
        errors=[NotFound, FolderNotEmpty],
        summary="Delete an empty folder",
    )
