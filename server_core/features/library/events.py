"""The `library.page` event: a page was created, changed, appended to, renamed, deleted or
restored. The spec documents no library event; this one lets real-time clients and the MCP
server's page resources follow a library. It carries the page without its body, and goes to
whoever may read the library: its workspace when the library is visible to the workspace,
otherwise its members, the agents a human member owns (for `team`) and the workspace's admins.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.schemas import PageSummary
from server_core.features.library.tables import library_members
from server_core.kernel.events import Event, EventRoute
from server_core.kernel.store.tables import principals

PageAction = Literal["created", "updated", "appended", "renamed", "deleted", "restored"]


class PageChanged(Event):
    wire_name: ClassVar[str] = "library.page"
    workspace_id: str
    library_id: str
    action: PageAction
    page: PageSummary
    previous_path: str | None = None
    clock: int


def readers_of(conn: Connection, library: RowMapping) -> EventRoute:
    """Who may read `library`, as an event route."""
    workspace_id = library["workspace_id"]
    if library["visibility"] in ("workspace", "public_read"):
        return EventRoute(workspace_id=workspace_id)
    members = sa.select(library_members.c.principal_id).where(
        library_members.c.library_id == library["id"]
    )
    readers = sa.or_(principals.c.id.in_(members), principals.c.is_admin.is_(True))
    if library["visibility"] == "team":
        readers = sa.or_(readers, principals.c.owner_id.in_(members))
    found = conn.execute(
        sa.select(principals.c.id)
        .where(principals.c.workspace_id == workspace_id, readers)
        .order_by(principals.c.id)
    ).scalars()
    return EventRoute(workspace_id=workspace_id, principal_ids=tuple(found))
