"""`GET /agents/:id/manifest`: the agent's world in one call — itself with its capabilities,
its channels (with its config, the members, unread count), the workspace, and its peers (the
workspace's other active agents with their capabilities). For the agent itself or a human who
manages it: the channels are shown as the agent sees them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server_core.features.agents.capabilities import access_own_agent, capabilities_of
from server_core.features.agents.channel_configs import acting_as, configs_of
from server_core.features.agents.schemas import (
    Manifest,
    ManifestAgent,
    ManifestChannel,
    ManifestMember,
    ManifestWorkspace,
    Peer,
)
from server_core.features.agents.service import AGENT_KINDS
from server_core.features.messaging.channels import list_channels
from server_core.features.messaging.schemas import Channel
from server_core.kernel.auth import Caller
from server_core.kernel.store.tables import principals, workspaces

MAX_PEERS = 200


def _members(channel: Channel, agent: ManifestAgent) -> list[ManifestMember]:
    if channel.members is not None:
        return [
            ManifestMember(
                id=m.principal_id, handle=m.handle, kind=m.kind, display_name=m.display_name
            )
            for m in channel.members
        ]
    # A DM: the agent and its partner.
    pair = [
        ManifestMember(
            id=agent.id, handle=agent.handle, kind=agent.kind, display_name=agent.display_name
        )
    ]
    if channel.dm_partner is not None:
        partner = channel.dm_partner
        pair.append(
            ManifestMember(
                id=partner.id,
                handle=partner.handle,
                kind=partner.kind,
                display_name=partner.display_name,
            )
        )
    return pair


def get_manifest(conn: Connection, *, caller: Caller, agent_id: str) -> Manifest:
    row = access_own_agent(conn, caller, agent_id)
    subject = acting_as(caller, row)
    peer_rows = (
        conn.execute(
            sa.select(
                principals.c.id, principals.c.handle, principals.c.display_name, principals.c.kind
            )
            .where(
                principals.c.workspace_id == row["workspace_id"],
                principals.c.kind.in_(AGENT_KINDS),
                principals.c.is_active.is_(True),
                principals.c.id != row["id"],
            )
            .order_by(principals.c.handle)
            .limit(MAX_PEERS)
        )
        .mappings()
        .all()
    )
    capabilities = capabilities_of(conn, [row["id"], *(peer["id"] for peer in peer_rows)])
    agent = ManifestAgent(
        id=row["id"],
        handle=row["handle"],
        display_name=row["display_name"],
        kind=row["kind"],
        profile=row["profile"] or {},
        is_active=bool(row["is_active"]),
        capabilities=capabilities[row["id"]],
    )
    channels = [c for c in list_channels(conn, caller=subject) if not c.is_archived]
    configs = configs_of(conn, row["id"], [c.id for c in channels])
    workspace_name = conn.execute(
        sa.select(workspaces.c.name).where(workspaces.c.id == row["workspace_id"])
    ).scalar_one()
    return Manifest(
        agent=agent,
        channels=[
            ManifestChannel(
                id=c.id,
                name=c.name,
                kind=c.kind,
                description=c.description,
                context=c.context,
                visibility=c.visibility,
                coordination_mode=c.coordination_mode,
                role=c.role,
                participation_mode=c.participation_mode,
                muted=c.muted,
                config=configs.get(c.id),
                members=_members(c, agent),
                unread_count=c.unread_count,
                last_read_seq=c.last_read_seq,
                last_message_at=c.last_message_at,
            )
            for c in channels
        ],
        workspace=ManifestWorkspace(id=row["workspace_id"], name=workspace_name),
        peers=[
            Peer(
                id=peer["id"],
                handle=peer["handle"],
                display_name=peer["display_name"],
                kind=peer["kind"],
                capabilities=capabilities[peer["id"]],
            )
            for peer in peer_rows
        ],
    )
