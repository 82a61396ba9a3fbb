"""Workspaces: the boundary every principal and record belongs to, and the humans in them.

A workspace is created with its first admin, either by the first `POST /auth/register` on an
empty server or by `sesame-server workspace create` (which works while the server runs).
Passwords are hashed before the transaction that stores them (`new_human`): hashing is slow on
purpose and must not hold the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.auth.errors import EmailTaken
from server_core.kernel.clock import utcnow
from server_core.kernel.crypto import hash_password_async
from server_core.kernel.ids import new_id
from server_core.kernel.keyring import Keyring
from server_core.kernel.principals import do_insert_principal
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
    password_hash: str
    handle: str
    display_name: str


async def new_human(email: str, password: str, handle: str, display_name: str) -> NewHuman:
    """A human to add, with the password hashed."""
    return NewHuman(email, await hash_password_async(password), handle, display_name)


def any_workspace(conn: Connection) -> RowMapping | None:
    """The oldest workspace, which open registration joins; None on an empty server."""
    query = sa.select(workspaces).order_by(workspaces.c.created_at).limit(1)
    return conn.execute(query).mappings().first()


def get_workspace(conn: Connection, workspace_id: str) -> RowMapping:
    return (
        conn.execute(sa.select(workspaces).where(workspaces.c.id == workspace_id)).mappings().one()
    )


def find_workspace(conn: Connection, id_or_name: str) -> RowMapping | None:
    """A workspace by id, or by name when the name is unambiguous."""
    row = (
        conn.execute(sa.select(workspaces).where(workspaces.c.id == id_or_name)).mappings().first()
    )
    if row is not None:
        return row
    query = sa.select(workspaces).where(workspaces.c.name == id_or_name).limit(2)
    rows = conn.execute(query).mappings().all()
    return rows[0] if len(rows) == 1 else None


def some_workspaces(conn: Connection, limit: int) -> list[RowMapping]:
    query = sa.select(workspaces).order_by(workspaces.c.created_at).limit(limit)
    return list(conn.execute(query).mappings().all())


def first_admin_id(conn: Connection, workspace_id: str) -> str | None:
    """The longest-standing admin, who owns agents provisioned from the command line."""
    admin_id: str | None = conn.scalar(
        sa.select(principals.c.id)
        .where(principals.c.workspace_id == workspace_id, principals.c.is_admin.is_(True))
        .order_by(principals.c.created_at)
        .limit(1)
    )
    return admin_id


def check_email_free(conn: Connection, email: str) -> None:
    if conn.scalar(sa.select(principals.c.id).where(principals.c.email == email)):
        raise EmailTaken()


def do_create_workspace(conn: Connection, keyring: Keyring, name: str) -> RowMapping:
    """A workspace with its data key (which encrypts its messages at rest)."""
    workspace_id = new_id()
    conn.execute(sa.insert(workspaces).values(id=workspace_id, name=name, created_at=utcnow()))
    keyring.create_data_key(conn, workspace_id)
    return get_workspace(conn, workspace_id)


def do_add_human(
    conn: Connection, workspace_id: str, human: NewHuman, *, admin: bool
) -> RowMapping:
    """Add a human who can log in with email and password."""
    check_email_free(conn, human.email)
    return do_insert_principal(
        conn,
        workspace_id,
        "human",
        human.handle,
        human.display_name,
        email=human.email,
        password_hash=human.password_hash,
        is_admin=admin,
    )


def do_create_workspace_with_admin(
    conn: Connection, keyring: Keyring, name: str, admin: NewHuman
) -> tuple[RowMapping, RowMapping]:
    check_email_free(conn, admin.email)
    workspace = do_create_workspace(conn, keyring, name)
    return workspace, do_add_human(conn, workspace["id"], admin, admin=True)


def do_bootstrap(
    conn: Connection, keyring: Keyring, name: str, admin: NewHuman
) -> tuple[RowMapping, RowMapping]:
    """Create the server's first workspace and admin. Two concurrent first registrations
    collide on the bootstrap key, so exactly one of them creates it."""
    workspace, principal = do_create_workspace_with_admin(conn, keyring, name, admin)
    conn.execute(sa.insert(server_meta).values(key=BOOTSTRAP_KEY, value=workspace["id"]))
    return workspace, principal
