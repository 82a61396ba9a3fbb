"""Which messages the listener has delivered, per channel, so a reconnect asks for exactly what
it missed and no message is handed out twice.

Per channel: a watermark (every seq up to it is delivered, or predates the listener) and the
seqs above it already delivered out of order. The watermark is the replay cursor.
"""

from __future__ import annotations

from collections.abc import Mapping


class _Channel:
    __slots__ = ("above", "watermark")

    def __init__(self, watermark: int) -> None:
        self.watermark = watermark
        self.above: set[int] = set()


class Delivered:
    """The delivered seqs of every channel the listener knows."""

    def __init__(self, cursors: Mapping[str, int] | None = None) -> None:
        self._channels = {cid: _Channel(seq) for cid, seq in (cursors or {}).items()}

    def take(self, channel_id: str, seq: int) -> bool:
        """Record a message as delivered; False when it already was."""
        channel = self._channels.get(channel_id)
        if channel is None:
            # A channel first met now (joined since the listener started): what came before
            # this message is history, not something missed.
            self._channels[channel_id] = _Channel(seq)
            return True
        if seq <= channel.watermark or seq in channel.above:
            return False
        channel.above.add(seq)
        while channel.watermark + 1 in channel.above:
            channel.watermark += 1
            channel.above.discard(channel.watermark)
        return True

    def cursors(self) -> dict[str, int]:
        """`{channel id: seq}` for a `replay` frame: everything after it is wanted."""
        return {cid: channel.watermark for cid, channel in self._channels.items()}
