"""Errors of tasks, on top of the kernel's tree (`server_core.kernel.errors`, which has the
`invalid_timezone` recurring tasks share with the schedule):

BadRequest
├── NestedSubtask            400 nested_subtask          (a subtask's parent is a subtask)
├── InvalidRecurrenceRule    400 invalid_recurrence_rule (not 5-field cron, or never fires)
├── NotRecurring             400 not_recurring           (skip, recurrences: no series here)
├── RecurrenceOnInstance     400 recurrence_on_instance  (a rule belongs on the template)
└── MissingVariables         400 missing_variables       (a template's {{var}} left unfilled)
Conflict
└── DependencyCycle          409 dependency_cycle
"""

from __future__ import annotations

from server_core.kernel.errors import BadRequest, Conflict


class NestedSubtask(BadRequest):
    code = "nested_subtask"
    default_message = "Subtasks are one level deep: the parent must be a top-level task"


class DependencyCycle(Conflict):
    code = "dependency_cycle"
    default_message = "That dependency would make a cycle: the blocker already waits on this task"


class InvalidRecurrenceRule(BadRequest):
    code = "invalid_recurrence_rule"
    default_message = "recurrenceRule must be a 5-field cron expression, like '0 9 * * 1'"


class NotRecurring(BadRequest):
    code = "not_recurring"
    default_message = "This task does not recur: give it a recurrenceRule first"


class RecurrenceOnInstance(BadRequest):
    code = "recurrence_on_instance"
    default_message = "This task is an occurrence of a recurring task: change its template"


class MissingVariables(BadRequest):
    code = "missing_variables"
    default_message = "The template needs variables that were not given"
