"""Channel-scoped tasks, the earlier API: `POST` and `GET /channels/:cid/tasks`, `PATCH
/channels/:cid/tasks/:tid`.

They are tasks of the workspace's board like any other (same numbers, fields and rules; `/tasks`
lists them too), made by `POST /tasks`'s service and changed by PATCH's. What they add is a
channel and a message: creating one posts "📋 T-42: Title" in the channel as the caller (intent
`task_update`, under the channel's usual rules), or links `messageId`, a message of that channel
that announces no other task. Coordination emojis on that message change the task
(`coordination.py`).

These paths are for the channel's members (403 for the rest of the workspace, 404 for a channel
of another workspace or a task of another channel). Nothing is added to an archived channel
(409); its tasks are still read and changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.messaging.access import ChannelAccess, access_member_channel
from server_core.features.messaging.errors import ChannelReadOnly, MessageDeleted
from server_core.features.messaging.messages import do_send
from server_core.features.messaging.schemas import SendMessageRequest
from server_core.features.messaging.tables import messages
from server_core.features.tasks.access import access_task, key_of, reload, task_views
from server_core.features.tasks.events import TaskChanged, task_event
from server_core.features.tasks.queries import parse_statuses
from server_core.features.tasks.schemas import (
    ChannelTasksQuery,
    CreateChannelTaskRequest,
    NotifyQuery,
    Task,
    UpdateTaskRequest,
)
from server_core.features.tasks.tables import task_assignees, tasks
from server_core.features.tasks.tasks import do_create_task, do_update_task
from server_core.kernel.auth import Caller
from server_core.kernel.errors import Conflict, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import parse_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.wire import Page


def do_create_channel_task(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    channel_id: str,
    request: CreateChannelTaskRequest,
) -> Task:
    # The channel's row stays locked until the commit (a send locks it anyway): two creates
    # cannot link one message.
    access = access_member_channel(conn, caller, channel_id, lock=True)
    access.require_active()
    if access.role == "readonly":
        raise ChannelReadOnly("Read-only members cannot create tasks in this channel")
    message_id = _linkable_message(conn, access, request.message_id) if request.message_id else None
    published = len(events)
    task = do_create_task(conn, events, caller=caller, request=request)
    if message_id is None:
        announcement = SendMessageRequest(
            content=f"📋 {task.key}: {task.title}",
            intent="task_update",
            metadata={"taskId": task.id, "taskKey": task.key},
        )
        sent = do_send(
            conn,
            events,
            keyring=keyring,
            caller=caller,
            channel_id=access.channel["id"],
            request=announcement,
        )
        message_id = sent.data.id
    conn.execute(
        sa.update(tasks)
        .where(tasks.c.id == task.id)
        .values(channel_id=access.channel["id"], message_id=message_id)
    )
    linked = reload(conn, task.id)
    # The `created` event was appended before the task had its channel: it goes out with it.
    for index in range(published, len(events)):
        event = events[index]
        if isinstance(event, TaskChanged) and event.task.id == task.id:
            events[index] = task_event(linked, event.action)
    return linked


def list_channel_tasks(
    conn: Connection, *, caller: Caller, channel_id: str, query: ChannelTasksQuery
) -> Page[Task]:
    """Newest first, paged like `/tasks`."""
    access = access_member_channel(conn, caller, channel_id)
    statement = sa.select(tasks).where(
        tasks.c.workspace_id == caller.workspace_id, tasks.c.channel_id == access.channel["id"]
    )
    statuses = parse_statuses(query.status)
    if statuses:
        statement = statement.where(tasks.c.status.in_(statuses))
    if query.priority:
        statement = statement.where(tasks.c.priority == query.priority)
    if query.assignee_id:
        assignee = parse_id(query.assignee_id) or query.assignee_id
        statement = statement.where(
            tasks.c.id.in_(
                sa.select(task_assignees.c.task_id).where(task_assignees.c.principal_id == assignee)
            )
        )
    start = query.cursor if query.cursor is not None else query.offset
    rows = (
        conn.execute(
            statement.order_by(tasks.c.created_at.desc(), tasks.c.number.desc())
            .offset(start)
            .limit(query.limit + 1)
        )
        .mappings()
        .all()
    )
    more = len(rows) > query.limit
    return Page(task_views(conn, rows[: query.limit]), start + query.limit if more else None, more)


def do_update_channel_task(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    keyring: Keyring,
    channel_id: str,
    task_id: str,
    request: UpdateTaskRequest,
    query: NotifyQuery,
) -> Task:
    access = access_member_channel(conn, caller, channel_id)
    task = access_task(conn, caller, task_id)
    if task["channel_id"] != access.channel["id"]:
        raise NotFound(f"No task '{task_id}' in this channel")
    return do_update_task(
        conn,
        events,
        caller=caller,
        keyring=keyring,
        task_id=task["id"],
        request=request,
        query=query,
    )


def _linkable_message(conn: Connection, access: ChannelAccess, ref: str) -> str:
    """The id of the channel's message `ref`, when it is there and announces no task yet."""
    canonical = parse_id(ref)
    row = (
        conn.execute(
            sa.select(messages.c.id, messages.c.is_deleted).where(
                messages.c.id == canonical, messages.c.channel_id == access.channel["id"]
            )
        ).first()
        if canonical is not None
        else None
    )
    if row is None:
        raise NotFound(f"No message with id '{ref}' in this channel")
    if row.is_deleted:
        raise MessageDeleted()
    taken = conn.scalar(sa.select(tasks.c.number).where(tasks.c.message_id == row.id).limit(1))
    if taken is not None:
        raise Conflict(f"This message already announces {key_of(taken)}: link another one")
    message_id: str = row.id
    return message_id
