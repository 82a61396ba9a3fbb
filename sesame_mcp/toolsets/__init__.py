"""The MCP server's toolsets, one package per platform feature, named as the feature
(`server_core.features.NAMES`): what each holds is in its `__init__.py`.

- `auth/`: toolsets `identity` (who you are) and `people` (who else is here);
- `agents/`: toolsets `continuity` (on by default: wake, save state, remember), `memory`
  (load state, recall, forget, focus), `profile` (your status, your display name and
  avatar), `discovery` (agents by capability, your capabilities, manifests) and `attention`
  (your config of each channel, channel context);
- `messaging/`: toolsets `channels`, `messaging`, `channel_admin`, `message_admin`, and the
  helpers every toolset uses to name channels and principals and to quote others' text;
- `vault/`: toolsets `vault` and `vault_admin`;
- `projects/`: toolset `projects` (projects, members, project context);
- `tasks/`: toolsets `work` (reporting progress), `tasks` (your tasks, your next, details,
  find, create, update, activity, context, handoff) and `tasks_admin` (dependencies,
  subtasks, order, time, summary, deleting);
- `schedule/`: toolset `schedule` (your cron jobs and events on the calendar, runs, a
  window's view);
- `autonomy/`: toolset `autonomy` (timers on your tasks, subscriptions to external events
  that wake you);
- `drive/`: toolset `drive` (files: upload, list, download, tag to channels, save a
  channel's attachment, folders);
- `webhooks/`: toolset `webhooks` (events POSTed to your URL, secrets, the delivery log);
- `work_streams/`: toolset `work_streams` (start a stream for your task, append its output,
  finish it: the task advanced and people woken);
- `sessions/`: toolset `sessions` (reserve, release and check the files this connection's
  session edits; list, end, read and message sessions);
- `library/`: toolsets `library` (libraries of markdown pages: read, write, edit, append,
  rename, history, backlinks, collections and their typed query) and `library_admin` (sync
  pull and push, lint, the git mirror).

Two toolsets serve no one feature and stay modules here: `events.py` (`wait_for_events` reads
the server's event feed, which carries every feature's events; `sesame_mcp/event_text.py`
puts them in words) and `switch.py` (toolset `toolsets`: switching the others on and off).
"""

from __future__ import annotations

from sesame_mcp.registry import Toolset
from sesame_mcp.toolsets import (
    agents,
    auth,
    autonomy,
    drive,
    events,
    library,
    messaging,
    projects,
    schedule,
    sessions,
    switch,
    tasks,
    vault,
    webhooks,
    work_streams,
)

# In the order `tools/list` shows them: the default toolsets first.
ALL_TOOLSETS: list[Toolset] = [
    auth.IDENTITY,
    messaging.CHANNELS,
    messaging.MESSAGING,
    agents.CONTINUITY,
    tasks.WORK,
    events.TOOLSET,
    switch.TOOLSET,
    agents.MEMORY,
    auth.PEOPLE,
    agents.PROFILE,
    agents.DISCOVERY,
    agents.ATTENTION,
    messaging.CHANNEL_ADMIN,
    messaging.MESSAGE_ADMIN,
    vault.VAULT,
    vault.VAULT_ADMIN,
    projects.PROJECTS,
    tasks.TASKS,
    tasks.TASKS_ADMIN,
    schedule.SCHEDULE,
    autonomy.AUTONOMY,
    drive.DRIVE,
    webhooks.WEBHOOKS,
    work_streams.WORK_STREAMS,
    sessions.SESSIONS,
    library.LIBRARY,
    library.LIBRARY_ADMIN,
]
