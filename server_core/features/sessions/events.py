"""The `session` and `file_reservation` events.

A session's changes go to its history channel's members (its agent, its user, who created
it): titles and attributes are theirs. Reservations go to the whole workspace: whoever edits
the same repository needs to know which files are taken."""

from __future__ import annotations

from typing import ClassVar, Literal

from server_core.features.sessions.schemas import Reservation, Session
from server_core.kernel.events import Event, EventRoute

SessionAction = Literal["created", "updated", "idle", "ended", "expired", "deleted"]
ReservationAction = Literal["reserved", "renewed", "released", "expired"]


class SessionChanged(Event):
    wire_name: ClassVar[str] = "session"
    action: SessionAction
    session: Session


class ReservationChanged(Event):
    wire_name: ClassVar[str] = "file_reservation"
    action: ReservationAction
    reservation: Reservation


def session_event(session: Session, action: SessionAction) -> SessionChanged:
    route = EventRoute(workspace_id=session.workspace_id, channel_id=session.channel_id)
    return SessionChanged(route=route, action=action, session=session)


def reservation_event(
    workspace_id: str, reservation: Reservation, action: ReservationAction
) -> ReservationChanged:
    return ReservationChanged(
        route=EventRoute(workspace_id=workspace_id), action=action, reservation=reservation
    )
