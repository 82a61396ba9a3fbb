"""Errors of the drive, on top of the kernel's tree (`server_core.kernel.errors`):

BadRequest
├── UploadMismatch          400 upload_mismatch         (register differs from the upload URL)
├── FolderCycle             400 folder_cycle
├── SizeMismatch            400 size_mismatch           (a signed upload's body)
├── ContentTypeMismatch     400 content_type_mismatch   (a signed upload's Content-Type)
└── RangeNotSatisfiable     416 range_not_satisfiable   (a download's Range)
Forbidden
├── NotYourUpload           403 not_your_upload
├── NotYourFile             403 not_your_file           (attaching someone else's file)
├── LinkInvalid             403 link_invalid            (a signed link altered or unsigned)
└── LinkExpired             403 link_expired
NotFound
└── UploadNotFound          404 upload_not_found
Conflict
├── UploadIncomplete        409 upload_incomplete       (register before the bytes arrived)
├── AlreadyUploaded         409 already_uploaded        (a second PUT to one link)
└── FolderNotEmpty          409 folder_not_empty
PayloadTooLarge
├── FileTooLarge            413 file_too_large
└── QuotaExceeded           413 quota_exceeded          (the workspace's drive is full)
"""

from __future__ import annotations

from server_core.kernel.errors import BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge


class UploadMismatch(BadRequest):
    code = "upload_mismatch"
    default_message = "The file does not match what its upload URL was issued for"


class FolderCycle(BadRequest):
    code = "folder_cycle"
    default_message = "A folder cannot be moved into itself or one of its subfolders"


class SizeMismatch(BadRequest):
    code = "size_mismatch"
    default_message = "The body is not the size the upload URL was issued for"


class ContentTypeMismatch(BadRequest):
    code = "content_type_mismatch"
    default_message = "Content-Type differs from the one the upload URL was issued for"


class NotYourUpload(Forbidden):
    code = "not_your_upload"
    default_message = "This upload URL was issued to someone else"


class NotYourFile(Forbidden):
    code = "not_your_file"
    default_message = "Only the uploader of a file may attach it"


class LinkInvalid(Forbidden):
    code = "link_invalid"
    default_message = "This link is not validly signed"


class LinkExpired(Forbidden):
    code = "link_expired"
    default_message = "This link has expired; ask for a new one"


class UploadNotFound(NotFound):
    code = "upload_not_found"
    default_message = "No upload with this file id; ask for an upload URL first"


class UploadIncomplete(Conflict):
    code = "upload_incomplete"
    default_message = "The file's bytes have not been uploaded (completely) yet"


class AlreadyUploaded(Conflict):
    code = "already_uploaded"
    default_message = "The bytes of this file were uploaded already"


class FolderNotEmpty(Conflict):
    code = "folder_not_empty"
    default_message = "The folder still holds files or folders; move or delete them first"


class FileTooLarge(PayloadTooLarge):
    code = "file_too_large"
    default_message = "The file is larger than this server accepts"


class QuotaExceeded(PayloadTooLarge):
    code = "quota_exceeded"
    default_message = "The workspace's drive has no room for this file"


class RangeNotSatisfiable(BadRequest):
    status = 416
    code = "range_not_satisfiable"
    default_message = "The requested range is outside the file"
