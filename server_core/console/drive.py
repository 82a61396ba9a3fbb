"""Drive: the files the human may see and their folders (`?folder=`), a new folder, and a
file's download: a fresh signed link asked of the API, followed by a redirect."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from server_core.console.api import ApiFailed
from server_core.console.session import Visit
from server_core.console.templating import html

FILE_LIST = 1000
UNITS = ("bytes", "KB", "MB", "GB", "TB")


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    value = float(size)
    for unit in UNITS[1:]:
        value /= 1024
        if value < 1024 or unit == UNITS[-1]:
            break
    return f"{value:.1f} {unit}"


def _trail(folders: dict[str, dict[str, Any]], folder_id: str | None) -> list[dict[str, Any]]:
    """The folder and those above it, the top first."""
    trail: list[dict[str, Any]] = []
    while folder_id is not None and folder_id in folders and len(trail) < 64:
        trail.insert(0, folders[folder_id])
        folder_id = folders[folder_id]["parentId"]
    return trail


async def drive(visit: Visit) -> Response:
    folder_id = visit.request.query_params.get("folder") or None
    error = None
    if visit.request.method == "POST":
        body: dict[str, Any] = {"name": visit.form.get("name", "").strip()}
        parent = visit.form.get("parentId") or None
        if parent:
            body["parentId"] = parent
        try:
            await visit.api.post("/drive/folders", body)
        except ApiFailed as failed:
            error = failed.message
        else:
            return RedirectResponse(f"/drive?folder={quote(parent)}" if parent else "/drive", 303)
    folders = {folder["id"]: folder for folder in await visit.api.get("/drive/folders")}
    if folder_id is not None and folder_id not in folders:
        return html(
            "error.html",
            {
                "title": "Drive",
                "error": "Folder not found",
                "back": ("/drive", "Back to the drive"),
            },
            visit=visit,
            status=404,
        )
    # One list of every file the human may see: a file in a folder that is not theirs (tagged
    # to one of their channels by its uploader) shows at the top.
    files = await visit.api.get("/drive/files", sortBy="name", sortOrder="asc", limit=FILE_LIST)
    here = [
        file
        for file in files
        if (file["folderId"] if file["folderId"] in folders else None) == folder_id
    ]
    subfolders = sorted(
        (folder for folder in folders.values() if folder["parentId"] == folder_id),
        key=lambda folder: str(folder["name"]).lower(),
    )
    trail = _trail(folders, folder_id)
    return html(
        "drive.html",
        {
            "title": trail[-1]["name"] if trail else "Drive",
            "trail": trail,
            "folder_id": folder_id,
            "folders": subfolders,
            "files": here,
            "file_size": file_size,
            "error": error,
            "form": visit.form,
        },
        visit=visit,
        status=400 if error else 200,
    )


async def download(visit: Visit) -> Response:
    file_id = visit.request.path_params["file_id"]
    try:
        if file_id in (".", ".."):  # the id goes into the API's URL: it may not climb out
            raise ApiFailed(404, "not_found", "File not found")
        link = await visit.api.get(f"/drive/files/{quote(file_id, safe='')}/download-url")
    except ApiFailed as failed:
        return html(
            "error.html",
            {"title": "Download", "error": failed.message, "back": ("/drive", "Back to the drive")},
            visit=visit,
            status=failed.status,
        )
    return RedirectResponse(link["downloadUrl"], 303)
