"""Files attached to vault items: an upload URL for an editor of the item, a download URL for
whoever may reveal it, deletion by an editor, each recorded on the trail. The bytes go
through signed links this server serves (`attachment_transfers.py`) and are kept sealed in the
blob store (`sealed_files.py`), under `vault/{workspaceId}/{itemId}/{random}`: the key tells
nothing of the file, and its name and type stay in the database. A deleted attachment's blob
is removed once the deletion commits (`blob_removals.py`).
"""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.drive.errors import FileTooLarge, UploadIncomplete
from server_core.features.drive.links import Links
from server_core.features.vault.access import access_item, begin_audit
from server_core.features.vault.blob_removals import committed, queue_removals, remove_now
from server_core.features.vault.errors import VaultAccessDenied
from server_core.features.vault.schemas import (
    AttachmentUploadRequest,
    AttachmentUrl,
    VaultAttachment,
)
from server_core.features.vault.sealed_files import new_data_key, random_blob_name
from server_core.features.vault.tables import vault_attachments, vault_items
from server_core.kernel.auth import Caller
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id, parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.platform import Platform

# Where the signed links are served, outside /api/v1 (the link is the credential).
PREFIX = "/vault-attachments/"


def links(keyring: Keyring, settings: Settings) -> Links:
    return Links.of(keyring, settings, PREFIX)


def attachment_upload_url(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    settings: Settings,
    caller: Caller,
    item_id: str,
    request: AttachmentUploadRequest,
) -> AttachmentUrl:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "attach", "edit_item")
    limit = settings.vault_attachment_max_bytes
    if request.size > limit:
        raise FileTooLarge(f"Vault attachments may be at most {limit} bytes")
    attachment_id = new_id()
    _, master_key_id, wrapped = new_data_key(keyring, attachment_id)
    item = access.item
    conn.execute(
        sa.insert(vault_attachments).values(
            id=attachment_id,
            workspace_id=caller.workspace_id,
            item_id=item["id"],
            file_name=request.file_name,
            content_type=request.content_type,
            size=request.size,
            blob_key=f"vault/{caller.workspace_id}/{item['id']}/{random_blob_name()}",
            wrapped_key=wrapped,
            master_key_id=master_key_id,
            uploaded_by=caller.principal_id,
            created_at=audit.now,
            stored_at=None,
        )
    )
    audit.record(
        "attach", "allowed", vault_id=item["vault_id"], item_id=item["id"], detail=attachment_id
    )
    link = links(keyring, settings).upload(attachment_id, request.size, request.content_type)
    return AttachmentUrl(
        url=link.url,
        expires_at=link.expires_at,
        attachment_id=attachment_id,
        file_name=request.file_name,
        content_type=request.content_type,
        size=request.size,
    )


def find_attachment(conn: Connection, attachment_id: str, workspace_id: str) -> RowMapping | None:
    canonical = parse_id(attachment_id)
    if canonical is None:
        return None
    return (
        conn.execute(
            sa.select(vault_attachments).where(
                vault_attachments.c.id == canonical,
                vault_attachments.c.workspace_id == workspace_id,
            )
        )
        .mappings()
        .first()
    )


def attachment_download_url(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    settings: Settings,
    caller: Caller,
    attachment_id: str,
) -> AttachmentUrl:
    """A download link, for whoever may reveal the item's fields (an access, as a reveal)."""
    row = find_attachment(conn, attachment_id, caller.workspace_id)
    if row is None:
        raise NotFound(f"No vault attachment with id '{attachment_id}'")
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, row["item_id"], "attachment_download")
    ids = {"vault_id": access.item["vault_id"], "item_id": access.item["id"]}
    if not access.can_reveal:
        reason = (
            "use_only members cannot download attachments: a lease reveals fields only"
            if access.role == "use_only"
            else "Your share of this item does not allow revealing it"
        )
        audit.deny(VaultAccessDenied(reason), "attachment_download", **ids)
    if row["stored_at"] is None:
        raise UploadIncomplete("The attachment's bytes have not been uploaded (completely) yet")
    audit.record("attachment_download", "allowed", detail=row["id"], **ids)
    conn.execute(
        sa.update(vault_items)
        .where(vault_items.c.id == access.item["id"])
        .values(last_accessed_at=audit.now)
    )
    link = links(keyring, settings).download(row["id"], row["content_type"], row["file_name"])
    return AttachmentUrl(
        url=link.url,
        expires_at=link.expires_at,
        attachment_id=row["id"],
        file_name=row["file_name"],
        content_type=row["content_type"],
        size=row["size"],
    )


async def delete_attachment(
    platform: Platform, *, caller: Caller, item_id: str, attachment_id: str
) -> VaultAttachment:
    """Delete one attachment of an item (those who may attach to it); once that commits, its
    sealed blob is removed."""
    gone, queued = await committed(
        platform,
        partial(
            _delete_attachment,
            keyring=platform.keyring,
            caller=caller,
            item_id=item_id,
            attachment_id=attachment_id,
        ),
    )
    await remove_now(platform, queued)
    return gone


def _delete_attachment(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    item_id: str,
    attachment_id: str,
) -> tuple[VaultAttachment, list[tuple[str, str]]]:
    audit = begin_audit(conn, events, keyring, caller)
    access = access_item(audit, caller, conn, item_id, "delete_attachment", "edit_item")
    row = find_attachment(conn, attachment_id, caller.workspace_id)
    if row is None or row["item_id"] != access.item["id"]:
        raise NotFound(f"Item {access.item['id']} has no attachment with id '{attachment_id}'")
    this = vault_attachments.c.id == row["id"]
    queued = queue_removals(conn, this, audit.now)
    conn.execute(sa.delete(vault_attachments).where(this))
    audit.record(
        "delete_attachment",
        "allowed",
        vault_id=access.item["vault_id"],
        item_id=access.item["id"],
        detail=row["id"],
    )
    return _attachment(row), queued


def _attachment(row: RowMapping) -> VaultAttachment:
    return VaultAttachment(
        id=row["id"],
        file_name=row["file_name"],
        content_type=row["content_type"],
        size=row["size"],
        uploaded_by=row["uploaded_by"],
        created_at=row["created_at"],
    )


def item_attachments(conn: Connection, item_id: str) -> list[VaultAttachment]:
    """The item's attachments whose bytes are stored, oldest first."""
    rows = conn.execute(
        sa.select(vault_attachments)
        .where(vault_attachments.c.item_id == item_id, vault_attachments.c.stored_at.isnot(None))
        .order_by(vault_attachments.c.created_at, vault_attachments.c.id)
    ).mappings()
    return [_attachment(row) for row in rows]
