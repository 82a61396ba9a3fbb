"""Invitations: how a human joins an existing workspace once open registration is off.

A workspace admin invites an email address; the answer carries a token, shown once and kept
only as its digest, and a link holding it. There is no mailer: the inviter passes the link on.
The invited human registers with `POST /auth/register` and the token (`accept`), under the
invited email, and joins the inviting workspace with the role the invitation gave. A token
lasts seven days; resending replaces it and starts the seven days again.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.config import Settings
from server_core.features.auth import workspaces
from server_core.features.auth.errors import (
    EmailTaken,
    InvitationEmailMismatch,
    InvitationExpired,
    InvitationInvalid,
    InvitationNotPending,
    InvitationPending,
    InvitationRevoked,
    InvitationUsed,
)
from server_core.features.auth.schemas import CreateInvitationRequest, Invitation, SentInvitation
from server_core.features.auth.tables import invitations
from server_core.kernel.auth import Caller
from server_core.kernel.clock import as_utc, utcnow
from server_core.kernel.crypto import digest
from server_core.kernel.errors import Forbidden, NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id
from server_core.kernel.store.tables import principals

log = logging.getLogger(__name__)

INVITATION_TTL = timedelta(days=7)
TOKEN_PREFIX = "inv_"  # noqa: S105 - a prefix, not a secret


def _require_admin(caller: Caller) -> None:
    caller.require_human()
    if not caller.is_admin:
        raise Forbidden("Only a workspace admin may manage invitations")


def _status(row: RowMapping, now: datetime) -> str:
    if row["status"] == "pending" and as_utc(row["expires_at"]) <= now:
        return "expired"
    return str(row["status"])


def _invitation(row: RowMapping, now: datetime | None = None) -> Invitation:
    fields = {key: row[key] for key in Invitation.model_fields if key != "status"}
    return Invitation(**fields, status=_status(row, now or utcnow()))


def _sent(row: RowMapping, token: str, settings: Settings) -> SentInvitation:
    link = f"{settings.public_url}/register?invitation={token}"
    return SentInvitation(**_invitation(row).model_dump(), token=token, accept_url=link)


def _get(conn: Connection, caller: Caller, invitation_id: str, *, lock: bool) -> RowMapping:
    query = sa.select(invitations).where(
        invitations.c.id == invitation_id, invitations.c.workspace_id == caller.workspace_id
    )
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound(f"No invitation with id '{invitation_id}'")
    return row


def _reload(conn: Connection, invitation_id: str) -> RowMapping:
    query = sa.select(invitations).where(invitations.c.id == invitation_id)
    return conn.execute(query).mappings().one()


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def do_create_invitation(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    settings: Settings,
    request: CreateInvitationRequest,
) -> SentInvitation:
    _require_admin(caller)
    if conn.scalar(sa.select(principals.c.id).where(principals.c.email == request.email)):
        raise EmailTaken()
    now = utcnow()
    pending = conn.scalar(
        sa.select(invitations.c.id).where(
            invitations.c.workspace_id == caller.workspace_id,
            invitations.c.email == request.email,
            invitations.c.status == "pending",
            invitations.c.expires_at > now,
        )
    )
    if pending is not None:
        raise InvitationPending(details={"invitationId": pending})
    token, invitation_id = _new_token(), new_id()
    conn.execute(
        sa.insert(invitations).values(
            id=invitation_id,
            workspace_id=caller.workspace_id,
            email=request.email,
            is_admin=request.is_admin,
            invited_by=caller.principal_id,
            token_hash=digest(token),
            status="pending",
            created_at=now,
            sent_at=now,
            expires_at=now + INVITATION_TTL,
            resent_count=0,
        )
    )
    # The link is a credential: the log names the invitation, never its token.
    log.info("invitation created", extra={"invitation_id": invitation_id})
    return _sent(_reload(conn, invitation_id), token, settings)


def list_invitations(conn: Connection, *, caller: Caller) -> list[Invitation]:
    _require_admin(caller)
    query = (
        sa.select(invitations)
        .where(invitations.c.workspace_id == caller.workspace_id)
        .order_by(invitations.c.created_at.desc(), invitations.c.id.desc())
    )
    now = utcnow()
    return [_invitation(row, now) for row in conn.execute(query).mappings()]


def do_revoke_invitation(
    conn: Connection, events: list[Event], *, caller: Caller, invitation_id: str
) -> Invitation:
    """A pending (or expired) invitation stops working; revoking twice changes nothing."""
    _require_admin(caller)
    row = _get(conn, caller, invitation_id, lock=True)
    if row["status"] == "accepted":
        raise InvitationNotPending("This invitation was accepted; deactivate the member instead")
    if row["status"] == "pending":
        conn.execute(
            sa.update(invitations)
            .where(invitations.c.id == row["id"])
            .values(status="revoked", revoked_at=utcnow())
        )
        row = _reload(conn, row["id"])
    return _invitation(row)


def do_resend_invitation(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    settings: Settings,
    invitation_id: str,
) -> SentInvitation:
    """A new token (the old one stops working) and seven more days."""
    _require_admin(caller)
    row = _get(conn, caller, invitation_id, lock=True)
    if row["status"] != "pending":
        raise InvitationNotPending(f"This invitation is {row['status']}; invite the email again")
    token, now = _new_token(), utcnow()
    conn.execute(
        sa.update(invitations)
        .where(invitations.c.id == row["id"])
        .values(
            token_hash=digest(token),
            sent_at=now,
            expires_at=now + INVITATION_TTL,
            resent_count=invitations.c.resent_count + 1,
        )
    )
    log.info("invitation resent", extra={"invitation_id": row["id"]})
    return _sent(_reload(conn, row["id"]), token, settings)


def accept(
    conn: Connection, token: str, human: workspaces.NewHuman
) -> tuple[RowMapping, RowMapping]:
    """Register `human` into the workspace the invitation came from: `(workspace, principal)`.
    The invitation is spent by a conditional update, so two registrations with one token
    cannot both succeed."""
    query = sa.select(invitations).where(invitations.c.token_hash == digest(token))
    row = conn.execute(query).mappings().first()
    if row is None:
        raise InvitationInvalid()
    now = utcnow()
    status = _status(row, now)
    if status == "accepted":
        raise InvitationUsed()
    if status == "revoked":
        raise InvitationRevoked()
    if status == "expired":
        raise InvitationExpired()
    if row["email"] != human.email:
        raise InvitationEmailMismatch()
    principal = workspaces.do_add_human(conn, row["workspace_id"], human, admin=row["is_admin"])
    spent = conn.execute(
        sa.update(invitations)
        .where(invitations.c.id == row["id"], invitations.c.status == "pending")
        .values(status="accepted", accepted_at=now, accepted_by=principal["id"])
    ).rowcount
    if spent != 1:
        raise InvitationUsed()
    return workspaces.get_workspace(conn, row["workspace_id"]), principal
