"""The agents feature: which service answers each operation, and the events it publishes."""

from __future__ import annotations

from server_core.features.agents import service
from server_core.features.agents.operations import Agents
from server_core.features.agents.status import Presence
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "agents",
    serves={
        Agents.create: service.do_provision_agent,
        Agents.list: service.list_agents,
        Agents.get: service.get_agent,
        Agents.update: service.do_update_agent,
        Agents.archive: service.do_archive_agent,
        Agents.set_status: service.do_set_status,
        Agents.create_api_key: service.do_generate_api_key,
        Agents.api_keys: service.list_api_keys,
        Agents.revoke_api_key: service.do_revoke_api_key,
        Agents.rotate_key: service.do_rotate_public_key,
    },
    events=[Presence],
)
