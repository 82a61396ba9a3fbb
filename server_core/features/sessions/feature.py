"""The sessions feature: which service answers each operation, its events, errors, the
liveness pass and the reply webhooks' worker."""

from __future__ import annotations

from server_core.features.sessions import (
    history,
    hook,
    liveness,
    reply_worker,
    reservations,
    search,
    sessions,
)
from server_core.features.sessions.errors import SessionEnded, SessionExists
from server_core.features.sessions.events import ReservationChanged, SessionChanged
from server_core.features.sessions.operations import AgentSessions
from server_core.features.sessions.surfaces import assistant, eliza, ide, makaio
from server_core.kernel.feature import Feature, Loop

FEATURE = Feature(
    "sessions",
    serves={
        AgentSessions.create: sessions.do_create_session,
        AgentSessions.list: sessions.list_sessions,
        AgentSessions.counts: sessions.status_counts,
        AgentSessions.search: search.search_sessions,
        AgentSessions.hook: hook.do_hook,
        AgentSessions.get: sessions.get_session,
        AgentSessions.set: sessions.do_set_session,
        AgentSessions.update: sessions.do_update_session,
        AgentSessions.attributes: sessions.do_patch_attributes,
        AgentSessions.delete: sessions.do_delete_session,
        AgentSessions.children: sessions.children,
        AgentSessions.messages: history.read_messages,
        AgentSessions.send: history.do_send_to_session,
        AgentSessions.clear: history.do_clear,
        AgentSessions.heartbeat: liveness.do_heartbeat,
        AgentSessions.end: liveness.do_end,
        AgentSessions.reservations: reservations.list_session_reservations,
        AgentSessions.reserve: reservations.do_reserve,
        AgentSessions.release: reservations.do_release,
        AgentSessions.workspace_reservations: reservations.list_reservations,
        AgentSessions.check: reservations.check_reservations,
    },
    events=[SessionChanged, ReservationChanged],
    errors=[SessionExists, SessionEnded],
    loops=[
        Loop("sessions liveness", liveness.sweep_periodically),
        Loop("session reply webhooks", reply_worker.run),
    ],
    # Other systems' session APIs, at the paths their clients call (docs/api-notes.md).
    routes=[*ide.ROUTES, *assistant.ROUTES, *makaio.ROUTES, *eliza.ROUTES],
)
