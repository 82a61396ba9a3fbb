"""DMs that tell people about their tasks: status, priority and assignment changes, handoffs.

A notification is an ordinary DM from the principal who made the change to each principal it
concerns (never to the actor itself), sent with intent `notification` through the messaging
feature's own services, in the change's transaction. A DM the channel's rules refuse (loop
prevention, say) is left out rather than failing the change it reports.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Connection, RowMapping

from server_core.features.messaging.channels import do_open_dm
from server_core.features.messaging.messages import do_send
from server_core.features.messaging.schemas import DmRequest, SendMessageRequest
from server_core.kernel.auth import Caller
from server_core.kernel.errors import ApiError
from server_core.kernel.events import Event
from server_core.kernel.keyring import Keyring

log = logging.getLogger(__name__)


def headline(task: RowMapping) -> str:
    return f"📋 **T-{task['number']}: {task['title']}**"


def notify(
    conn: Connection,
    events: list[Event],
    keyring: Keyring,
    actor: Caller,
    recipients: list[str],
    text: str,
) -> None:
    for principal_id in dict.fromkeys(recipients):
        if principal_id == actor.principal_id:
            continue
        published = len(events)
        try:
            with conn.begin_nested():  # a refused DM leaves nothing behind
                dm = do_open_dm(
                    conn, events, caller=actor, request=DmRequest(principal_id=principal_id)
                )
                request = SendMessageRequest(content=text, intent="notification")
                do_send(
                    conn,
                    events,
                    keyring=keyring,
                    caller=actor,
                    channel_id=dm.data.id,
                    request=request,
                )
        except ApiError as refused:
            del events[published:]  # nor announces a DM that was not made
            log.info("a task notification was not sent: %s", refused.message)
