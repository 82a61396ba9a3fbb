"""Channel tasks (toolset `tasks_admin`): tasks announced in a channel by a message, the
board's older, channel-scoped form. Reactions on that message move the task: 👋 claims it
(active), ⚙️ active, ✅ done, ✋ back to backlog. Declared from the platform's operations
(`sesame_mcp.derived`); channels are named as everywhere (#name, id, @handle)."""

from __future__ import annotations

from server_core.features.tasks.operations import Tasks
from sesame_mcp.derived import Ref, derive
from sesame_mcp.state import Sesame
from sesame_mcp.toolsets.messaging import refs
from sesame_mcp.toolsets.tasks.admin import TASKS_ADMIN
from sesame_mcp.toolsets.tasks.tasks import FIELDS, STATUS, TASK
from sesame_mcp.toolsets.tasks.views import TaskOutput, TasksOutput


async def _channel_id(state: Sesame, ref: str) -> str:
    return (await refs.resolve_channel(state, ref)).id


CHANNEL = Ref("channel", refs.CHANNEL_REF, _channel_id)

derive(
    TASKS_ADMIN,
    Tasks.channel_tasks,
    name="channel_tasks",
    title="Tasks of a channel",
    description="The tasks announced in a channel, newest first (its members only).",
    output=TasksOutput,
    refs={"channel_id": CHANNEL},
    descriptions={
        "status": f"Comma-separated statuses: {STATUS}",
        "priority": "Only this priority",
        "assignee_id": "Only this principal's (id)",
        "limit": "At most this many (default 100)",
        "cursor": "From the previous page",
        "offset": "Tasks to skip",
    },
)
derive(
    TASKS_ADMIN,
    Tasks.create_channel_task,
    name="create_channel_task",
    title="Create a channel task",
    description="Create a task announced in a channel by a message (📋 T-n: title) that "
    "members move with reactions: 👋 claim, ⚙️ active, ✅ done, ✋ backlog.",
    output=TaskOutput,
    refs={"channel_id": CHANNEL},
    descriptions={
        **FIELDS,
        "status": f"Its status (default todo): {STATUS}",
        "assignee_ids": "Who works on it: principal ids",
        "parent_id": "Makes it a subtask of this top-level task (T-42)",
        "context": "Its context block: background, decisions, relevant files and links, "
        "constraints, acceptance, notes",
        "message_id": "Announce it by this message of the channel instead of a new one (id)",
    },
)
derive(
    TASKS_ADMIN,
    Tasks.update_channel_task,
    name="update_channel_task",
    title="Update a channel task",
    description="Change a task of a channel as update_task does; only what is given changes.",
    output=TaskOutput,
    refs={"channel_id": CHANNEL, "task_id": TASK},
    descriptions={
        **FIELDS,
        "status": f"New status: {STATUS}",
        "assignee_id": "Assign to this principal only (id)",
        "assignee_ids": "Assign to these principals (ids), replacing the others",
        "position": "Its place in a sorted board column",
        "notify": "false: do not notify the assignees",
    },
)
