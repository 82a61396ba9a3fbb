"""Errors of an agent's state, focus and memory, on top of the kernel's tree
(`server_core.kernel.errors`):

NotFound
└── NoState                404 not_found              (none, or expired: the expired row's
                                                       deletion is kept)
Conflict
└── TaskNotAssigned        409 task_not_assigned      (focus on a task not assigned to the agent)
PayloadTooLarge
├── StateTooLarge          413 state_too_large        (state over 32 KB of JSON)
├── MemoryEntryTooLarge    413 memory_entry_too_large (content over 4 KB of UTF-8)
└── MemoryFull             413 memory_full            (the agent's memory over 512 KB)
"""

from __future__ import annotations

from server_core.kernel.errors import Conflict, NotFound, PayloadTooLarge


class NoState(NotFound):
    # The same code as any 404; it commits the deletion of an expired state it found.
    keeps_writes = True
    default_message = "No state in this namespace (or it has expired)"


class TaskNotAssigned(Conflict):
    code = "task_not_assigned"
    default_message = "An agent can only focus on a task assigned to it"


class StateTooLarge(PayloadTooLarge):
    code = "state_too_large"
    default_message = "State is limited to 32 KB of JSON"


class MemoryEntryTooLarge(PayloadTooLarge):
    code = "memory_entry_too_large"
    default_message = "A memory entry's content is limited to 4 KB"


class MemoryFull(PayloadTooLarge):
    code = "memory_full"
    default_message = "An agent's memory is limited to 512 KB in all"
