"""Reactions that mean something to another feature.

Messaging knows nothing of the features built on it: tasks imports messaging (for its DMs and
channel checks), never the other way round. A feature that gives some reactions a meaning
(tasks: the coordination emojis on a task's message) registers a listener here when its
`feature.py` is imported, and messaging calls every listener each time a principal adds a
reaction it had not added yet.

A listener runs inside the reaction's transaction, after the reaction row is written and its
`reaction` event appended: what it changes commits or rolls back with the reaction, and the
events it appends are published with it, after the commit. A listener that raises refuses the
reaction with its error. Removing a reaction calls no listener.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.engine import Connection, RowMapping

from server_core.kernel.auth import Caller
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring


class ReactionListener(Protocol):
    """Called with the message as stored (`id`, `channel_id`, `sender_id`, …) and the emoji
    exactly as the reactor sent it."""

    def __call__(
        self,
        conn: Connection,
        events: list[Event],
        *,
        keyring: Keyring,
        caller: Caller,
        message: RowMapping,
        emoji: str,
    ) -> None: ...


_LISTENERS: list[ReactionListener] = []


def listen_to_reactions(listener: ReactionListener) -> ReactionListener:
    """Call `listener` on every reaction added from now on (once, however often it is
    registered)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def reaction_added(
    conn: Connection,
    events: list[Event],
    *,
    keyring: Keyring,
    caller: Caller,
    message: RowMapping,
    emoji: str,
) -> None:
    for listener in tuple(_LISTENERS):
        listener(conn, events, keyring=keyring, caller=caller, message=message, emoji=emoji)
