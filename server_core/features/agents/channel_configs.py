"""How an agent means to behave in each of its channels: purpose, attention level, context
strategy and window, response style, triggers. One config per (agent, channel); the agent
must be a member of the channel. Read and changed by the agent itself or a human who manages
it (its owner or an admin). The config is advisory: the agent reads it back (manifest,
context); the platform does not act on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from server_core.features.agents.capabilities import access_own_agent
from server_core.features.agents.schemas import ChannelConfig, ChannelConfigRequest
from server_core.features.agents.tables import agent_channel_configs
from server_core.features.messaging.channels import access_member_channel
from server_core.features.messaging.tables import channel_members
from server_core.kernel.auth import Caller, caller_from_row
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import NotFound
from server_core.kernel.events import Event
from server_core.kernel.ids import new_id

configs = agent_channel_configs


def acting_as(caller: Caller, agent: RowMapping) -> Caller:
    """The agent as a caller, so that messaging shows its channels as the agent sees them."""
    if agent["id"] == caller.principal_id:
        return caller
    return caller_from_row(agent, caller.method)


def access_agent_channel(
    conn: Connection, caller: Caller, agent_id: str, channel_id: str
) -> tuple[Caller, str]:
    """The agent (as a caller) and the canonical id of one of its channels, or 404 / 403."""
    agent = access_own_agent(conn, caller, agent_id)
    subject = acting_as(caller, agent)
    access = access_member_channel(conn, subject, channel_id)
    return subject, access.channel["id"]


def configs_of(
    conn: Connection, agent_id: str, channel_ids: Sequence[str]
) -> dict[str, ChannelConfig]:
    if not channel_ids:
        return {}
    rows = conn.execute(
        sa.select(configs).where(
            configs.c.agent_id == agent_id, configs.c.channel_id.in_(list(channel_ids))
        )
    ).mappings()
    return {row["channel_id"]: ChannelConfig.model_validate(row) for row in rows}


def list_channel_configs(conn: Connection, *, caller: Caller, agent_id: str) -> list[ChannelConfig]:
    """The configs of the channels the agent is still a member of (a config outlives a leave,
    and applies again if the agent comes back)."""
    agent = access_own_agent(conn, caller, agent_id)
    rows = conn.execute(
        sa.select(configs)
        .join(
            channel_members,
            sa.and_(
                channel_members.c.channel_id == configs.c.channel_id,
                channel_members.c.principal_id == configs.c.agent_id,
            ),
        )
        .where(configs.c.agent_id == agent["id"])
        .order_by(configs.c.created_at, configs.c.id)
    ).mappings()
    return [ChannelConfig.model_validate(row) for row in rows]


def get_channel_config(
    conn: Connection, *, caller: Caller, agent_id: str, channel_id: str
) -> ChannelConfig | None:
    """The config, or null when none is set."""
    subject, canonical = access_agent_channel(conn, caller, agent_id, channel_id)
    return configs_of(conn, subject.principal_id, [canonical]).get(canonical)


def do_set_channel_config(
    conn: Connection,
    events: list[Event],
    *,
    caller: Caller,
    agent_id: str,
    channel_id: str,
    request: ChannelConfigRequest,
) -> ChannelConfig:
    """Replace the config (fields left out take their defaults), creating it if needed."""
    subject, canonical = access_agent_channel(conn, caller, agent_id, channel_id)
    now = utcnow()
    values = request.model_dump(by_alias=False)
    key = (configs.c.agent_id == subject.principal_id, configs.c.channel_id == canonical)
    changed = conn.execute(sa.update(configs).where(*key).values(**values, updated_at=now)).rowcount
    if not changed:
        conn.execute(
            sa.insert(configs).values(
                **values,
                id=new_id(),
                agent_id=subject.principal_id,
                channel_id=canonical,
                created_at=now,
                updated_at=now,
            )
        )
    return ChannelConfig.model_validate(
        conn.execute(sa.select(configs).where(*key)).mappings().one()
    )


def do_delete_channel_config(
    conn: Connection, events: list[Event], *, caller: Caller, agent_id: str, channel_id: str
) -> ChannelConfig:
    subject, canonical = access_agent_channel(conn, caller, agent_id, channel_id)
    existing = configs_of(conn, subject.principal_id, [canonical]).get(canonical)
    if existing is None:
        raise NotFound("The agent has no config for this channel")
    conn.execute(
        sa.delete(configs).where(
            configs.c.agent_id == subject.principal_id, configs.c.channel_id == canonical
        )
    )
    return existing
