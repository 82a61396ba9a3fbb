"""What the drive's tools answer with: files, folders and their activity, and their text.

File names, descriptions and tags are written by whoever uploaded the file, so the text
quotes them (as messages are quoted): they are data, not instructions.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sesame_mcp.registry import ToolOutput, View
from sesame_mcp.toolsets.messaging.views import quote, size_text


class ChannelTagView(View):
    id: str
    name: str | None

    def label(self) -> str:
        return f"#{self.name}" if self.name else self.id


class FileView(View):
    id: str
    name: str
    content_type: str
    size: int
    folder_id: str | None
    uploaded_by: str
    description: str | None
    tags: list[str]
    channels: list[ChannelTagView]
    created_at: datetime

    def line(self) -> str:
        where = f" in folder {self.folder_id}" if self.folder_id else ""
        tagged = ", ".join(channel.label() for channel in self.channels)
        shared = f", tagged to {tagged}" if tagged else ""
        return (
            f"- {quote(self.name)} ({self.content_type}, {size_text(self.size)}){where}"
            f"{shared} [{self.id}]"
        )


class ActivityView(View):
    action: str
    actor_id: str
    created_at: datetime


class FileDetailView(FileView):
    transcript: str | None
    activity: list[ActivityView] = Field(description="Newest first, at most 50")


class FilesOutput(ToolOutput):
    files: list[FileView] = Field(description="The files, in the order asked for")

    def render(self) -> str:
        if not self.files:
            return "No files match."
        return "\n".join([f"{len(self.files)} files:", *(f.line() for f in self.files)])


class FileOutput(ToolOutput):
    file: FileView

    def render(self) -> str:
        return "File: " + self.file.line()[2:]


class DeletedFileOutput(FileOutput):
    def render(self) -> str:
        return "Deleted (it no longer lists or downloads): " + self.file.line()[2:]


class FileDetailOutput(ToolOutput):
    file: FileDetailView

    def render(self) -> str:
        f = self.file
        lines = [
            "File: " + f.line()[2:],
            f"Uploaded by {f.uploaded_by} at {f.created_at:%Y-%m-%d %H:%M} UTC.",
        ]
        if f.description:
            lines.append(f"Description: {quote(f.description)}")
        if f.tags:
            lines.append("Tags: " + ", ".join(quote(tag) for tag in f.tags))
        if f.transcript:
            lines.append(f"Transcript: {quote(f.transcript)}")
        if f.activity:
            recent = "; ".join(
                f"{a.action} by {a.actor_id} {a.created_at:%Y-%m-%d %H:%M}" for a in f.activity[:5]
            )
            lines.append(f"Latest activity: {recent}.")
        return "\n".join(lines)


class FolderView(View):
    id: str
    name: str
    parent_id: str | None

    def line(self) -> str:
        inside = f" in {self.parent_id}" if self.parent_id else ""
        return f"- {quote(self.name)}{inside} [{self.id}]"


class FoldersOutput(ToolOutput):
    folders: list[FolderView] = Field(description="Your folders")

    def render(self) -> str:
        if not self.folders:
            return "No folders here."
        return "\n".join([f"{len(self.folders)} folders:", *(f.line() for f in self.folders)])


class FolderOutput(ToolOutput):
    folder: FolderView

    def render(self) -> str:
        return "Folder: " + self.folder.line()[2:]


class DeletedFolderOutput(FolderOutput):
    def render(self) -> str:
        return "Deleted folder: " + self.folder.line()[2:]
