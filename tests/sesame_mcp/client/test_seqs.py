"""Delivered seqs per channel: each message once, the replay cursor below any gap, and held
events put back in seq order."""

from __future__ import annotations

from typing import Any

from sesame_mcp.client.frames import ServerEvent, in_seq_order
from sesame_mcp.client.seqs import Delivered


def test_each_seq_is_delivered_once_and_the_cursor_stops_below_a_gap() -> None:
    delivered = Delivered({"a": 5})
    assert [delivered.take("a", seq) for seq in (5, 6, 8, 8, 6)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert delivered.cursors() == {"a": 6}  # 7 is missing: a replay must resend it
    assert delivered.take("a", 7)
    assert delivered.cursors() == {"a": 8}


def test_a_channel_met_later_starts_at_its_first_message() -> None:
    delivered = Delivered()
    assert delivered.take("new", 40)
    assert not delivered.take("new", 39)  # history from before the listener knew it
    assert delivered.take("new", 41)
    assert delivered.cursors() == {"new": 41}


def _message(channel: str, seq: int) -> ServerEvent:
    frame: dict[str, Any] = {
        "type": "message",
        "message": {
            "id": f"{channel}-{seq}",
            "channelId": channel,
            "senderId": "s",
            "seq": seq,
            "kind": "text",
            "intent": "chat",
            "plaintext": "x",
            "threadRootId": None,
            "replyCount": 0,
            "mentions": [],
            "metadata": {},
            "clientGeneratedId": None,
            "isEdited": False,
            "isDeleted": False,
            "createdAt": "2026-03-14T12:00:00.000Z",
            "updatedAt": "2026-03-14T12:00:00.000Z",
        },
    }
    return ServerEvent.from_frame(frame)


def test_held_messages_are_sorted_per_channel_in_their_places() -> None:
    typing = ServerEvent("typing", {"channelId": "a"})
    held = [_message("a", 9), typing, _message("b", 2), _message("a", 7), _message("b", 1)]
    ordered = in_seq_order(held)
    assert [(e.channel_id, e.message.seq if e.message else None) for e in ordered] == [
        ("a", 7),
        ("a", None),
        ("b", 1),
        ("a", 9),
        ("b", 2),
    ]
