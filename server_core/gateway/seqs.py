"""Which message seqs of a channel a connection has already sent, so live events and replay
never send one twice.

Per channel the tracker keeps a covered range `[low, high]` minus a set of holes: seqs inside
the range that have not been sent yet (a later message overtook them, e.g. two nodes
publishing at nearly the same moment). A live message is sent unless it is covered. A replay
sends what the client does not have (above its cursor) and is not covered; afterwards the
client has everything up to the replay's end, so the range becomes `[1, end]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A gap wider than this is not tracked hole by hole: the range restarts at the new seq.
MAX_HOLES = 10_000


@dataclass
class _Range:
    low: int
    high: int
    holes: set[int] = field(default_factory=set)

    def covers(self, seq: int) -> bool:
        return self.low <= seq <= self.high and seq not in self.holes


class SeqTracker:
    """The seqs sent on one connection, per channel."""

    def __init__(self) -> None:
        self._ranges: dict[str, _Range] = {}

    def covers(self, channel_id: str, seq: int) -> bool:
        """True when the client already has this message."""
        sent = self._ranges.get(channel_id)
        return sent is not None and sent.covers(seq)

    def take(self, channel_id: str, seq: int) -> bool:
        """For a live message: False if it was already sent; else record it and return True."""
        sent = self._ranges.get(channel_id)
        if sent is None:
            self._ranges[channel_id] = _Range(seq, seq)
            return True
        if sent.covers(seq):
            return False
        if seq in sent.holes:
            sent.holes.discard(seq)
        elif seq > sent.high:
            if seq - sent.high - 1 + len(sent.holes) > MAX_HOLES:
                self._ranges[channel_id] = _Range(seq, seq)
                return True
            sent.holes.update(range(sent.high + 1, seq))
            sent.high = seq
        elif seq < sent.low:
            if sent.low - seq - 1 + len(sent.holes) > MAX_HOLES:
                return True  # far below what this connection tracks: send, keep the range
            sent.holes.update(range(seq + 1, sent.low))
            sent.low = seq
        return True

    def replayed(self, channel_id: str, end: int) -> None:
        """A replay of the channel finished: the client has every seq up to `end` (its cursor,
        or the last message the replay sent)."""
        sent = self._ranges.get(channel_id)
        if sent is None:
            if end > 0:
                self._ranges[channel_id] = _Range(1, end)
            return
        holes = {seq for seq in sent.holes if seq > end}
        self._ranges[channel_id] = _Range(1, max(end, sent.high), holes)

    def forget(self, channel_id: str) -> None:
        self._ranges.pop(channel_id, None)
