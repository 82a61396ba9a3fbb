"""Errors of the schedule, on top of the kernel's tree (`server_core.kernel.errors`, which has
`invalid_timezone`):

BadRequest
├── InvalidCronExpression   400 invalid_cron_expression (not 5-field cron, or never fires)
├── InvalidWindow           400 invalid_window          (from after to, or past a year)
└── NotAnOccurrence         400 not_an_occurrence       (an exception for a time the event
                                                         does not occur at)
Conflict
├── ExceptionExists         409 exception_exists        (that occurrence has one already)
└── ExternalIdTaken         409 external_id_taken       (the principal has an event with it)
"""

from __future__ import annotations

from server_core.kernel.errors import BadRequest, Conflict


class InvalidCronExpression(BadRequest):
    code = "invalid_cron_expression"
    default_message = "cronExpression must be a 5-field cron expression, like '0 9 * * 1-5'"


class InvalidWindow(BadRequest):
    code = "invalid_window"
    default_message = "from must not be after to, and the window at most 366 days"


class NotAnOccurrence(BadRequest):
    code = "not_an_occurrence"
    default_message = "originalDate must be an occurrence of the event"


class ExceptionExists(Conflict):
    code = "exception_exists"
    default_message = "That occurrence has an exception already: change it instead"


class ExternalIdTaken(Conflict):
    code = "external_id_taken"
    default_message = (
        "You have an event with this externalId already: update that one, or sync your jobs"
    )
