"""Errors of tasks, on top of the kernel's tree (`server_core.kernel.errors`):

BadRequest
└── NestedSubtask            400 nested_subtask     (a subtask's parent is a subtask)
"""

from __future__ import annotations

from server_core.kernel.errors import BadRequest, Conflict


class NestedSubtask(BadRequest):
    code = "nested_subtask"
    default_message = "Subtasks are one level deep: the parent must be a top-level task"


class DependencyCycle(Conflict):
    code = "dependency_cycle"
    default_message = "That dependency would make a cycle: the blocker already waits on this task"
