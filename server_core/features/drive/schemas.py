"""Wire models of `/drive`: files, folders, signed links and file activity.

Requests name a file `fileName` and its type `contentType` (a body with `name` or `mimeType`
instead misses the required field: 400); answers call the name `name`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from server_core.kernel.wire import RequestModel, Timestamp, WireModel, no_nul

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_file_name(value: str) -> str:
    """A name that stays one path part: no `/`, `\\`, control characters, `.` or `..`."""
    if "/" in value or "\\" in value:
        raise ValueError("must not contain '/' or '\\'")
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters (NUL included)")
    if value.strip(".") == "" or value.startswith(".."):
        raise ValueError("must not be '.', '..' or start with '..'")
    return value


Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
FileName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    AfterValidator(check_file_name),
    Field(description="The file's name, e.g. report.pdf (no '/', '\\', '..' or NUL)"),
]
ContentType = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=255,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
        r"(\s*;\s*[A-Za-z0-9_.+-]+=[^\x00-\x1f\x7f;]+)*$",
    ),
    Field(description="The MIME type, e.g. application/pdf"),
]
Size = Annotated[int, Field(ge=0, le=2**53, description="The file's size in bytes")]
FolderName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    AfterValidator(check_file_name),
]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_nul),
]
Description = Annotated[str, StringConstraints(max_length=4000), AfterValidator(no_nul)]


# --- requests ---------------------------------------------------------------------------------


class UploadUrlRequest(RequestModel):
    file_name: FileName
    content_type: ContentType
    size: Size


class RegisterFileRequest(RequestModel):
    file_id: Id
    s3_key: Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(no_nul)]
    file_name: FileName
    content_type: ContentType
    size: Size
    folder_id: Id | None = Field(default=None, description="Put it in this folder of yours")
    channel_id: Id | None = Field(default=None, description="Tag it to this channel at once")


class ListFilesQuery(RequestModel):
    channel_id: Id | None = Field(default=None, description="Only files tagged to this channel")
    folder_id: Id | None = Field(
        default=None, description="Only files in this folder ('root': files in no folder)"
    )
    sort_by: Literal["name", "size", "contentType", "createdAt"] = "createdAt"
    sort_order: Literal["asc", "desc"] = "desc"
    limit: int = Field(default=200, ge=1, le=1000, description="At most this many files")


class UpdateFileRequest(RequestModel):
    name: FileName | None = None
    description: Description | None = Field(default=None, description="null clears it")
    tags: Annotated[list[Tag], Field(max_length=50)] | None = Field(
        default=None, description="Replace the tags"
    )
    folder_id: Id | None = Field(default=None, description="Move to this folder; null: no folder")


class TagChannelRequest(RequestModel):
    channel_id: Id


class SaveFromChannelRequest(RequestModel):
    attachment_id: Id = Field(description="An id from a message's metadata.attachments[]")
    channel_id: Id = Field(description="The channel the message with the attachment is in")
    folder_id: Id | None = None


class ListFoldersQuery(RequestModel):
    parent_id: Id | None = Field(
        default=None, description="Only folders in this one ('root': top-level folders)"
    )


class CreateFolderRequest(RequestModel):
    name: FolderName
    parent_id: Id | None = None


class UpdateFolderRequest(RequestModel):
    name: FolderName | None = None
    parent_id: Id | None = Field(default=None, description="Move under this folder; null: top")


# --- answers ----------------------------------------------------------------------------------


class UploadUrl(WireModel):
    upload_url: str = Field(description="PUT the bytes here, with the same Content-Type")
    file_id: str
    s3_key: str
    expires_at: Timestamp


class DownloadUrl(WireModel):
    download_url: str
    expires_at: Timestamp


class FileChannel(WireModel):
    id: str
    name: str | None


class DriveFile(WireModel):
    id: str
    workspace_id: str
    folder_id: str | None
    name: str
    s3_key: str
    content_type: str
    size: int
    uploaded_by: str
    description: str | None
    tags: list[str]
    is_deleted: bool
    created_at: Timestamp
    updated_at: Timestamp
    channels: list[FileChannel] = Field(default_factory=list)
    transcript: str | None = None


class FileActivity(WireModel):
    id: str
    action: str
    actor_id: str
    details: dict[str, Any] | None
    created_at: Timestamp


class DriveFileDetail(DriveFile):
    activity: list[FileActivity] = Field(description="The latest 50 entries, newest first")


class Folder(WireModel):
    id: str
    workspace_id: str
    owner_id: str
    name: str
    parent_id: str | None
    created_at: Timestamp
    updated_at: Timestamp
