"""Toolset `vault`, files kept with an item: `attach_vault_file` uploads a local file to an
item (editors and up; the platform seals it at rest), `get_vault_attachment` fetches one
into a private file (mode 0600, removed after a while, as revealed secrets are), never into
the result, and `delete_vault_attachment` deletes one (editors and up). Local paths are those
of the machine this MCP server runs on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mcp.server.mcpserver import Context
from pydantic import Field

from sesame_mcp.delivery import REVEAL_TTL
from sesame_mcp.registry import ToolFailure, ToolInput, ToolOutput
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.drive.transfers import guess_type, local_file, read_chunks, save
from sesame_mcp.toolsets.messaging.views import quote, size_text
from sesame_mcp.toolsets.vault.handover import check_delivery
from sesame_mcp.toolsets.vault.refs import ITEM_REF, resolve_item_id
from sesame_mcp.toolsets.vault.toolsets import VAULT


class AttachFileInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    path: str = Field(
        min_length=1,
        max_length=4096,
        description="The file to attach, on the machine this MCP server runs on: absolute "
        "path (or ~/…)",
    )
    filename: str | None = Field(
        default=None, max_length=255, description="Its name on the item (default: the path's)"
    )
    content_type: str | None = Field(
        default=None, max_length=255, description="MIME type (default: guessed from the name)"
    )


class AttachmentOutput(ToolOutput):
    item_id: str
    attachment_id: str
    file_name: str
    content_type: str
    size: int
    file: str | None = Field(default=None, description="Where the bytes were saved")
    removed_at: datetime | None = Field(default=None, description="When that file is removed")

    def render(self) -> str:
        head = (
            f"{quote(self.file_name)} ({self.content_type}, {size_text(self.size)}) "
            f"[{self.attachment_id}]"
        )
        if self.file is None:
            return f"Attached {head} to item {self.item_id}; it is kept encrypted."
        until = f" until {self.removed_at:%H:%M:%S} UTC" if self.removed_at else ""
        return (
            f"Saved attachment {head} of item {self.item_id} to {self.file} (mode 0600, "
            f"kept{until}). Read it with a program; do not print it or paste it anywhere."
        )


@VAULT.tool(title="Attach a file to a secret", read_only=False)
async def attach_vault_file(args: AttachFileInput, ctx: Context) -> AttachmentOutput:
    """Attach a local file (a key file, a certificate, a recovery sheet) to a vault item
    (editors and up): streamed to the platform, which keeps it encrypted with the item.
    get_vault_item lists an item's attachments."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item)
    source = local_file(args.path)
    name = args.filename or source.name
    size = source.stat().st_size
    content_type = args.content_type or guess_type(name, "application/octet-stream")
    issued = await state.client.vault.attachment_upload_url(
        item_id, name, size, content_type=content_type
    )
    await state.client.drive.put_bytes(
        issued.url, read_chunks(source, size, ctx, name), content_type=content_type, size=size
    )
    return AttachmentOutput(
        item_id=item_id,
        attachment_id=issued.attachment_id,
        file_name=issued.file_name,
        content_type=issued.content_type,
        size=issued.size,
    )


class GetAttachmentInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    attachment: str = Field(
        min_length=1, max_length=64, description="The attachment's id (get_vault_item lists them)"
    )


@VAULT.tool(title="Fetch a secret's attached file", read_only=False)
async def get_vault_attachment(args: GetAttachmentInput, ctx: Context) -> AttachmentOutput:
    """Fetch a file attached to a vault item (if you may reveal the item; recorded as an
    access) into a private file whose path is returned; its content never enters the
    result. The file is removed after a while and when this server stops."""
    state = sesame(ctx)
    check_delivery(state, "file")
    item_id = await resolve_item_id(state, args.item)
    detail = await state.client.vault.get_item(item_id)
    wanted = args.attachment.strip().lower()
    if wanted not in {attached.id for attached in detail.attachments}:
        raise ToolFailure(f"item {item_id} has no attachment {wanted}; get_vault_item lists them.")
    link = await state.client.vault.attachment_download_url(wanted)
    target: Path = state.files.private_path(link.file_name)
    await save(state, link.url, target)  # written 0600, moved into place when complete
    removed_at = datetime.now(UTC) + REVEAL_TTL
    state.files.keep(f"attachment:{link.attachment_id}:{target.name}", target, removed_at)
    return AttachmentOutput(
        item_id=item_id,
        attachment_id=link.attachment_id,
        file_name=link.file_name,
        content_type=link.content_type,
        size=link.size,
        file=str(target),
        removed_at=removed_at,
    )


class DeleteAttachmentInput(ToolInput):
    item: str = Field(min_length=1, max_length=200, description=ITEM_REF)
    attachment: str = Field(
        min_length=1, max_length=64, description="The attachment's id (get_vault_item lists them)"
    )


class DeletedAttachmentOutput(ToolOutput):
    item_id: str
    attachment_id: str
    file_name: str
    size: int

    def render(self) -> str:
        return (
            f"Deleted attachment {quote(self.file_name)} ({size_text(self.size)}) "
            f"[{self.attachment_id}] of item {self.item_id}; its encrypted bytes are removed."
        )


@VAULT.tool(title="Delete a secret's attached file", read_only=False, destructive=True)
async def delete_vault_attachment(
    args: DeleteAttachmentInput, ctx: Context
) -> DeletedAttachmentOutput:
    """Delete a file attached to a vault item (editors and up); the item and its other
    attachments stay. get_vault_item lists an item's attachments."""
    state = sesame(ctx)
    item_id = await resolve_item_id(state, args.item)
    gone = await state.client.vault.delete_attachment(item_id, args.attachment.strip().lower())
    return DeletedAttachmentOutput(
        item_id=item_id, attachment_id=gone.id, file_name=gone.file_name, size=gone.size
    )
