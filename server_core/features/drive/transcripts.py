"""Transcripts of audio and video files, kept by another feature (voice).

The drive knows nothing of speech: a feature that transcribes files registers a provider here
when its `feature.py` is imported, and file lists and details show what it answers as
`transcript` (null for a file it has none for, and for every file with no provider).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.engine import Connection

from server_core.kernel.keyring import Keyring


class TranscriptProvider(Protocol):
    def transcripts(
        self, conn: Connection, *, keyring: Keyring, file_ids: Sequence[str]
    ) -> dict[str, str]:
        """`{fileId: text}` for those of the files it has a transcript of."""
        ...


_PROVIDERS: list[TranscriptProvider] = []


def provide_transcripts(provider: TranscriptProvider) -> None:
    """Show `provider`'s transcripts from now on (once, however often it is registered)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def transcripts_of(conn: Connection, keyring: Keyring, file_ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    if not file_ids:
        return found
    for provider in tuple(_PROVIDERS):
        found.update(provider.transcripts(conn, keyring=keyring, file_ids=file_ids))
    return found
