"""Errors of sessions, on top of the kernel's tree (`server_core.kernel.errors`):

Conflict
├── SessionExists     409 session_exists     (a create-only set of a session that exists)
└── SessionEnded      409 session_ended      (closed or archived: resume it by creating it
                                              again with its externalId)
"""

from __future__ import annotations

from server_core.kernel.errors import Conflict


class SessionExists(Conflict):
    code = "session_exists"
    default_message = "A session with this id exists already"


class SessionEnded(Conflict):
    code = "session_ended"
    default_message = "The session has ended"
