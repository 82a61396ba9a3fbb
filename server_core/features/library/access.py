"""Who may do what in a library, decided in one place.

A caller's role in a library is the highest of:

- its membership (`owner > admin > editor > viewer > guest_lease`);
- `owner` for an admin of the library's workspace, who answers for everything in it;
- `viewer` from the library's visibility: `workspace` lets every principal of the workspace
  read; `team` lets the agents owned by a human member read (a human and the agents they run
  are the team: the platform has no other); `public_read`, once the workspace has opted in
  (`settings.allowPublicRead`), lets every authenticated principal of the server read.

What each role may do:

| need      | least role   |
|-----------|--------------|
| read      | guest_lease  |
| browse    | viewer       |  (members, stats, history)
| write     | editor       |
| manage    | admin        |  (members, settings, collections)
| delete    | owner        |

A library the caller cannot read does not exist for it (404); one it reads but may not change
answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.library.schemas import Role
from server_core.features.library.tables import libraries, library_members
from server_core.kernel.auth import Caller
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.ids import parse_id
from server_core.kernel.store.tables import principals

Need = Literal["read", "browse", "write", "manage", "delete"]

RANK: dict[str, int] = {"guest_lease": 0, "viewer": 1, "editor": 2, "admin": 3, "owner": 4}
LEAST_ROLE: dict[Need, Role] = {
    "read": "guest_lease",
    "browse": "viewer",
    "write": "editor",
    "manage": "admin",
    "delete": "owner",
}
_WHAT: dict[Need, str] = {
    "read": "read this library",
    "browse": "see this library's members and history",
    "write": "write in this library",
    "manage": "manage this library",
    "delete": "delete this library",
}


@dataclass(frozen=True)
class LibraryAccess:
    """A library the caller may see, and its role there."""

    library: RowMapping
    role: Role

    @property
    def id(self) -> str:
        return str(self.library["id"])

    def allows(self, need: Need) -> bool:
        return RANK[self.role] >= RANK[LEAST_ROLE[need]]


def highest(*roles: Role | None) -> Role | None:
    best: Role | None = None
    for role in roles:
        if role is not None and (best is None or RANK[role] > RANK[best]):
            best = role
    return best


def public_read(library: RowMapping) -> bool:
    return library["visibility"] == "public_read" and bool(
        (library["settings"] or {}).get("allowPublicRead")
    )


def role_of(conn: Connection, caller: Caller, library: RowMapping) -> Role | None:
    """The caller's role in `library`, or None when it may not even read it."""
    same_workspace = library["workspace_id"] == caller.workspace_id
    member = conn.execute(
        sa.select(library_members.c.role).where(
            library_members.c.library_id == library["id"],
            library_members.c.principal_id == caller.principal_id,
        )
    ).scalar()
    if same_workspace and caller.is_admin:
        implied: Role | None = "owner"
    elif _visible_to(conn, caller, library, same_workspace=same_workspace):
        implied = "viewer"
    else:
        implied = None
    return highest(member, implied)


def _visible_to(
    conn: Connection, caller: Caller, library: RowMapping, *, same_workspace: bool
) -> bool:
    """Whether the library's visibility lets the caller read it without being a member."""
    visibility = library["visibility"]
    if same_workspace and visibility == "workspace":
        return True
    if same_workspace and visibility == "team":
        return _owner_is_member(conn, caller, library["id"])
    return public_read(library)


def _owner_is_member(conn: Connection, caller: Caller, library_id: str) -> bool:
    if caller.is_human:
        return False
    owner = sa.select(principals.c.owner_id).where(principals.c.id == caller.principal_id)
    found = conn.execute(
        sa.select(library_members.c.principal_id).where(
            library_members.c.library_id == library_id,
            library_members.c.principal_id == owner.scalar_subquery(),
        )
    ).first()
    return found is not None


def access_library(
    conn: Connection, caller: Caller, ref: str, need: Need, *, lock: bool = False
) -> LibraryAccess:
    """The live library `ref` (its id, or its slug in the caller's workspace) names, if the
    caller may do what it needs there; 404 if it may not read it, 403 if it may not do more.
    `lock` holds the library's row until the transaction ends, which serialises writes."""
    ref = ref.strip()
    canonical = parse_id(ref)
    query = sa.select(libraries).where(libraries.c.deleted_at.is_(None))
    if canonical is not None:
        query = query.where(libraries.c.id == canonical)
    else:
        query = query.where(
            libraries.c.workspace_id == caller.workspace_id, libraries.c.slug == ref.lower()
        )
    if lock:
        query = query.with_for_update()
    library = conn.execute(query).mappings().first()
    role = role_of(conn, caller, library) if library is not None else None
    if library is None or role is None:
        raise NotFound(f"No library '{ref}' you can read")
    access = LibraryAccess(library, role)
    if not access.allows(need):
        raise Forbidden(
            f"Your role here is {role}: to {_WHAT[need]} you need {LEAST_ROLE[need]} or above"
        )
    return access


def check_may_grant(access: LibraryAccess, role: str) -> None:
    """Only an owner gives or takes the owner role; an admin manages the roles below."""
    if role == "owner" and access.role != "owner":
        raise Forbidden("Only an owner of the library may make or unmake owners")
