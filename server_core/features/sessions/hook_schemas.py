"""Wire models of the IDE hook (`POST /sessions/hook`, and the same at
`/workspaces/sessions/hook`): snake_case in and out, as IDE hook configurations speak it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(max_length=2000)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]

# Every spelling of each event: Cursor (camelCase), Claude Code and Codex (PascalCase), and
# snake_case ones some configurations use.
EVENTS: dict[str, str] = {
    "sessionstart": "start",
    "session_start": "start",
    "pretooluse": "pre",
    "pre_tool_use": "pre",
    "beforereadfile": "read",
    "posttooluse": "post",
    "post_tool_use": "post",
    "afterfileedit": "post",
    "beforesubmitprompt": "prompt",
    "userpromptsubmit": "prompt",
    "user_prompt_submit": "prompt",
    "sessionend": "end",
    "session_end": "end",
    "stop": "turn",
    "subagentstop": "turn",
    "file_check": "heartbeat",
    "filecheck": "heartbeat",
    "heartbeat": "heartbeat",
}
HookKind = Literal["start", "pre", "read", "post", "prompt", "end", "turn", "heartbeat"]


class HookModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class HookRequest(HookModel):
    event: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    agent_type: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="cursor, claude-code, codex, …"
    )
    workspace_slug: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="Checked against the credential's workspace (id or slug)"
    )
    conversation_id: Ref | None = Field(
        default=None, description="The IDE's conversation: the session's externalId"
    )
    session_id: Ref | None = Field(
        default=None, description="The session: ours (from sessionStart) or the IDE's own id"
    )
    task: Text | None = None
    prompt: Annotated[str, StringConstraints(max_length=100_000)] | None = None
    tool_name: Annotated[str, StringConstraints(max_length=128)] | None = None
    tool_input: dict[str, Any] | None = None
    file_path: Annotated[str, StringConstraints(max_length=1000)] | None = None
    cwd: Annotated[str, StringConstraints(max_length=1000)] | None = None
    branch: Annotated[str, StringConstraints(max_length=255)] | None = None
    user_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    model: Annotated[str, StringConstraints(max_length=128)] | None = None


class HookReply(HookModel):
    session_id: str
    permission: Literal["allow", "deny"] | None = None
    message: str | None = None
    additional_context: str | None = None
    reserved: list[str] | None = None
    ended: bool | None = None


class HeartbeatRequest(HookModel):
    workspace_slug: Annotated[str, StringConstraints(max_length=200)] | None = None
    session_id: Ref


class IdeSession(HookModel):
    id: str
    user_name: str | None
    agent_type: str | None
    current_task: str | None
    current_file: str | None
    branch: str | None
    conversation_id: str | None
    last_heartbeat: str
    reserved_files: list[str]
