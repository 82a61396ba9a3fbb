"""Message attachments, served by another feature.

Messaging knows nothing of files: the drive registers an `AttachmentProvider` here when its
`feature.py` is imported, and messaging asks it to check the ids a sender attaches, to record
them once the message exists, and to describe them (with a download link signed at read time)
whenever messages are shown. With no provider registered, a message that carries attachments
is refused with `attachments_unavailable`, and messages show none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from server_core.config import Settings
from server_core.kernel.auth import Caller
from server_core.kernel.errors import AttachmentsUnavailable
from server_core.kernel.keyring import Keyring


class AttachmentProvider(Protocol):
    def check(
        self, conn: Connection, *, caller: Caller, channel_id: str, file_ids: Sequence[str]
    ) -> list[str]:
        """The ids as stored, once each; raises when the caller may not attach one of them."""
        ...

    def record(
        self, conn: Connection, *, channel_id: str, message_id: str, file_ids: Sequence[str]
    ) -> None:
        """The message now carries these files: the channel's members may read them."""
        ...

    def describe(
        self,
        conn: Connection,
        *,
        keyring: Keyring,
        settings: Settings | None,
        file_ids: Sequence[str],
    ) -> dict[str, dict[str, Any]]:
        """`{fileId: attachment}` for the wire (`downloadUrl` null without settings)."""
        ...


_PROVIDERS: list[AttachmentProvider] = []


def provide_attachments(provider: AttachmentProvider) -> None:
    """Serve attachments with `provider` from now on (the last registered wins)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _provider() -> AttachmentProvider | None:
    return _PROVIDERS[-1] if _PROVIDERS else None


def check_attachments(
    conn: Connection, caller: Caller, channel_id: str, file_ids: Sequence[str]
) -> list[str]:
    if not file_ids:
        return []
    provider = _provider()
    if provider is None:
        raise AttachmentsUnavailable()
    return provider.check(conn, caller=caller, channel_id=channel_id, file_ids=file_ids)


def record_attachments(
    conn: Connection, channel_id: str, message_id: str, file_ids: Sequence[str]
) -> None:
    provider = _provider()
    if provider is not None and file_ids:
        provider.record(conn, channel_id=channel_id, message_id=message_id, file_ids=file_ids)


def describe_attachments(
    conn: Connection, keyring: Keyring, settings: Settings | None, file_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    provider = _provider()
    if provider is None or not file_ids:
        return {}
    return provider.describe(conn, keyring=keyring, settings=settings, file_ids=file_ids)


def attachments_of(
    described: dict[str, dict[str, Any]], file_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """One message's attachments in the order they were attached."""
    return [described[file_id] for file_id in file_ids or () if file_id in described]
