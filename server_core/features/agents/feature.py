"""The agents feature: which service answers each operation, and the events it publishes."""

from __future__ import annotations

from server_core.features.agents import (
    capabilities,
    channel_configs,
    channel_context,
    discovery,
    focus,
    manifest,
    memory,
    service,
    state,
    wake,
)
from server_core.features.agents.errors import (
    MemoryEntryTooLarge,
    MemoryFull,
    StateTooLarge,
    TaskNotAssigned,
)
from server_core.features.agents.operations import Agents
from server_core.features.agents.status import Presence
from server_core.kernel.feature import Feature

FEATURE = Feature(
    "agents",
    serves={
        Agents.create: service.do_provision_agent,
        Agents.list: service.list_agents,
        Agents.discover: discovery.discover_agents,  # before /agents/{id}
        Agents.get: service.get_agent,
        Agents.update: service.do_update_agent,
        Agents.archive: service.do_archive_agent,
        Agents.set_status: service.do_set_status,
        Agents.create_api_key: service.do_generate_api_key,
        Agents.api_keys: service.list_api_keys,
        Agents.revoke_api_key: service.do_revoke_api_key,
        Agents.rotate_key: service.do_rotate_public_key,
        Agents.wake: wake.wake,
        Agents.put_state: state.do_put_state,
        Agents.get_state: state.do_get_state,
        Agents.delete_state: state.do_delete_state,
        Agents.set_focus: focus.do_set_focus,
        Agents.put_memory: memory.do_put_memory,
        Agents.memories: memory.list_memories,
        Agents.memory_categories: memory.memory_categories,
        Agents.delete_memory: memory.do_delete_memory,
        Agents.capabilities: capabilities.list_capabilities,
        Agents.set_capabilities: capabilities.do_set_capabilities,
        Agents.add_capability: capabilities.do_add_capability,
        Agents.remove_capability: capabilities.do_remove_capability,
        Agents.manifest: manifest.get_manifest,
        Agents.channel_configs: channel_configs.list_channel_configs,
        Agents.channel_config: channel_configs.get_channel_config,
        Agents.set_channel_config: channel_configs.do_set_channel_config,
        Agents.delete_channel_config: channel_configs.do_delete_channel_config,
        Agents.channel_context: channel_context.get_channel_context,
    },
    events=[Presence],
    errors=[TaskNotAssigned, StateTooLarge, MemoryEntryTooLarge, MemoryFull],
)
