"""Toolset `work`, on by default: telling the board how a task goes, a status and a note in
one call. `wake` (toolset `continuity`) lists the agent's tasks; the rest of the daily loop,
`my_tasks` with its filters among it, is toolset `tasks`."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import Context
from pydantic import Field, model_validator

from server_core.features.tasks.schemas import PostedActivity, Status
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset
from sesame_mcp.state import sesame
from sesame_mcp.toolsets.tasks.tasks import TOOLSET as TASKS

WORK = Toolset(
    "work",
    "Report how your tasks go: a status and a note in one call",
    default=True,
    next_steps={
        **TASKS.next_steps,
        "not_found": "wake lists your tasks by number (T-42); list_tasks (toolset tasks) finds "
        "others",
    },
)


class ReportProgressInput(ToolInput):
    task: str = Field(min_length=1, max_length=64, description="The task: T-42 or its id")
    status: Status | None = Field(default=None, description="Move it to this status")
    message: str | None = Field(
        default=None, min_length=1, max_length=10_000, description="A note: what happened"
    )
    type: PostedActivity = Field(default="progress", description="The note's kind")
    metadata: dict[str, Any] | None = Field(
        default=None, description='e.g. {"kind": "pr", "ref": "#142"}'
    )

    @model_validator(mode="after")
    def _something(self) -> ReportProgressInput:
        if self.status is None and self.message is None:
            raise ValueError("give a status, a message, or both")
        return self


class ReportProgressOutput(ToolOutput):
    key: str = Field(description="The task: T-42")
    status: str = Field(description="Its status now")
    logged: str | None = Field(description="The id of the entry logged, when a message was given")

    def render(self) -> str:
        said = f"{self.key} is {self.status}."
        return f"{said} Logged your note." if self.logged else said


@WORK.tool(title="Report progress", read_only=False)
async def report_progress(args: ReportProgressInput, ctx: Context) -> ReportProgressOutput:
    """Move a task to a status (active when you start, then review or done) and/or log a
    note on it; the assignees hear of status changes."""
    client = sesame(ctx).client
    if args.status is not None:
        task = await client.tasks.update(args.task, status=args.status)
    else:
        task = await client.tasks.get(args.task)
    logged = None
    if args.message is not None:
        entry = await client.tasks.post_activity(
            task.id, type=args.type, message=args.message, metadata=args.metadata or {}
        )
        logged = entry.id
    return ReportProgressOutput(key=task.key, status=task.status, logged=logged)
