"""Workspaces: the boundary every principal and record belongs to.

A workspace is created with its first admin, either by the first `POST /auth/register` on an
empty server or by `sesame-server workspace create` (which works while the server runs).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from server_core.kernel.clock import utcnow
from server_core.kernel.crypto import hash_password_async
from server_core.kernel.errors import EmailTaken
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.principals import do_insert_principal
from server_core.kernel.store import Tx
from server_core.kernel.store.tables import principals, server_meta, workspaces
from server_core.kernel.wire import Timestamp, WireModel

BOOTSTRAP_KEY = "bootstrap_workspace_id"


class Workspace(WireModel):
    id: str
    name: str
    created_at: Timestamp


@dataclass(frozen=True)
class NewHuman:
    email: str
    password: str
    handle: str
    display_name: str


async def any_workspace(tx: Tx) -> RowMapping | None:
    """The oldest workspace, which open registration joins; None on an empty server."""
    return await tx.one(sa.select(workspaces).order_by(workspaces.c.created_at).limit(1))


async def get_workspace(tx: Tx, workspace_id: str) -> RowMapping | None:
    return await tx.one(sa.select(workspaces).where(workspaces.c.id == workspace_id))


async def find_workspace(tx: Tx, id_or_name: str) -> RowMapping | None:
    """A workspace by id, or by name when the name is unambiguous."""
    row = await get_workspace(tx, id_or_name)
    if row is not None:
        return row
    rows = await tx.all(sa.select(workspaces).where(workspaces.c.name == id_or_name).limit(2))
    return rows[0] if len(rows) == 1 else None


async def claim_bootstrap(tx: Tx, workspace_id: str) -> None:
    """Mark the server as bootstrapped. Two concurrent first registrations collide on this key,
    so exactly one of them creates the first workspace."""
    await tx.execute(sa.insert(server_meta).values(key=BOOTSTRAP_KEY, value=workspace_id))


async def do_create_workspace(tx: Tx, keyring: Keyring, name: str) -> RowMapping:
    """A workspace with its data key (which encrypts its messages at rest)."""
    workspace_id = new_id()
    await tx.execute(sa.insert(workspaces).values(id=workspace_id, name=name, created_at=utcnow()))
    await tx.run(lambda conn: keyring.create_data_key(conn, workspace_id))
    row = await get_workspace(tx, workspace_id)
    assert row is not None
    return row


async def check_email_free(tx: Tx, email: str) -> None:
    if await tx.scalar(sa.select(principals.c.id).where(principals.c.email == email)):
        raise EmailTaken()


async def do_add_human(tx: Tx, workspace_id: str, human: NewHuman, *, admin: bool) -> RowMapping:
    """Add a human who can log in with email and password."""
    await check_email_free(tx, human.email)
    return await do_insert_principal(
        tx,
        workspace_id,
        "human",
        human.handle,
        human.display_name,
        email=human.email,
        password_hash=await hash_password_async(human.password),
        is_admin=admin,
    )


async def do_bootstrap(
    tx: Tx, keyring: Keyring, name: str, admin: NewHuman
) -> tuple[RowMapping, RowMapping]:
    """Create the server's first workspace and admin; fails if another bootstrap won."""
    workspace, principal = await do_create_workspace_with_admin(tx, keyring, name, admin)
    await claim_bootstrap(tx, workspace["id"])
    return workspace, principal


async def do_create_workspace_with_admin(
    tx: Tx, keyring: Keyring, name: str, admin: NewHuman
) -> tuple[RowMapping, RowMapping]:
    await check_email_free(tx, admin.email)
    workspace = await do_create_workspace(tx, keyring, name)
    return workspace, await do_add_human(tx, workspace["id"], admin, admin=True)


async def some_workspaces(tx: Tx, limit: int) -> list[RowMapping]:
    return list(await tx.all(sa.select(workspaces).order_by(workspaces.c.created_at).limit(limit)))


async def first_admin_id(tx: Tx, workspace_id: str) -> str | None:
    """The longest-standing admin, who owns agents provisioned from the command line."""
    admin_id: str | None = await tx.scalar(
        sa.select(principals.c.id)
        .where(principals.c.workspace_id == workspace_id, principals.c.is_admin.is_(True))
        .order_by(principals.c.created_at)
        .limit(1)
    )
    return admin_id
