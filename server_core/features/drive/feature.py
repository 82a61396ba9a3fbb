"""The drive feature: which service answers each operation, its errors, the signed links it
serves, the attachments it provides to messaging, and the loop removing orphaned uploads."""

from __future__ import annotations

from server_core.features.drive import files, folders, tagging, uploads
from server_core.features.drive.attachments import PROVIDER
from server_core.features.drive.errors import (
    AlreadyUploaded,
    ContentTypeMismatch,
    FileTooLarge,
    FolderCycle,
    FolderNotEmpty,
    LinkExpired,
    LinkInvalid,
    NotYourFile,
    NotYourUpload,
    QuotaExceeded,
    RangeNotSatisfiable,
    SizeMismatch,
    UploadIncomplete,
    UploadMismatch,
    UploadNotFound,
)
from server_core.features.drive.operations import Drive
from server_core.features.drive.orphans import remove_orphans_periodically
from server_core.features.drive.transfers import ROUTES
from server_core.features.messaging.attachments import provide_attachments
from server_core.kernel.feature import Feature, Loop

provide_attachments(PROVIDER)

FEATURE = Feature(
    "drive",
    serves={
        Drive.upload_url: uploads.do_upload_url,
        Drive.register: uploads.do_register,
        Drive.save_from_channel: files.do_save_from_channel,
        Drive.list_files: files.list_files,
        Drive.get: files.get_file,
        Drive.download_url: files.get_download_url,
        Drive.update: files.do_update,
        Drive.delete: files.do_delete,
        Drive.tag_channel: tagging.do_tag_channel,
        Drive.untag_channel: tagging.do_untag_channel,
        Drive.list_folders: folders.list_folders,
        Drive.create_folder: folders.do_create_folder,
        Drive.update_folder: folders.do_update_folder,
        Drive.delete_folder: folders.do_delete_folder,
    },
    errors=[
        UploadMismatch,
        FolderCycle,
        SizeMismatch,
        ContentTypeMismatch,
        NotYourUpload,
        NotYourFile,
        LinkInvalid,
        LinkExpired,
        UploadNotFound,
        UploadIncomplete,
        AlreadyUploaded,
        FolderNotEmpty,
        FileTooLarge,
        QuotaExceeded,
        RangeNotSatisfiable,
    ],
    loops=[Loop("orphaned uploads", remove_orphans_periodically)],
    routes=ROUTES,
)
