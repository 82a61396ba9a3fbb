"""Errors of work streams, on top of the kernel's tree (`server_core.kernel.errors`):

Conflict
└── WorkStreamFinished   409 work_stream_finished (completed, failed or cancelled already:
                                                   no more output, no second finish)
"""

from __future__ import annotations

from server_core.kernel.errors import Conflict


class WorkStreamFinished(Conflict):
    code = "work_stream_finished"
    default_message = "The work stream has finished: start a new one"
