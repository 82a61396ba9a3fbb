"""Credentials taken back while in use: an API key revoked, an agent archived, its signing key
replaced, a login's refresh-token family revoked.

The next request with such a credential gets a 401 anyway; what this adds is the WebSocket
connections opened with it, which stay authenticated for hours. The change that revokes
appends a `CredentialsRevoked` to its events; committed, it goes out on the bus to every node,
whose gateway closes the principal's connections opened with that credential (4001, with an
error frame saying why). It is never sent to clients as an event.

A caller's credential is named as `key:<api key id>`, `login:<refresh-token family id>` or
`signature` (the agent's current Ed25519 key); a revocation of None takes every credential of
the principal (archived).
"""

from __future__ import annotations

from server_core.kernel.events import Event, EventRoute


class CredentialsRevoked(Event):
    wire_name = "credentials.revoked"

    principal_id: str
    # None: every credential of the principal.
    credential: str | None
    reason: str


def api_key_credential(key_id: str) -> str:
    return f"key:{key_id}"


def login_credential(family_id: str) -> str:
    return f"login:{family_id}"


SIGNATURE_CREDENTIAL = "signature"


def revoked(
    events: list[Event],
    *,
    workspace_id: str,
    principal_id: str,
    credential: str | None,
    reason: str,
) -> None:
    """Record that the principal's `credential` (None: all of them) stopped working."""
    route = EventRoute(workspace_id=workspace_id, principal_ids=(principal_id,))
    events.append(
        CredentialsRevoked(
            route=route, principal_id=principal_id, credential=credential, reason=reason
        )
    )
