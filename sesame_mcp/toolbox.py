"""The toolsets a running server offers, switched on and off while it runs.

The tool list is the server's, not a connection's: this server acts as one agent, so a toolset
one of its connections switches on is there for all of them. Clients are told the list changed:

- 2026-07-28: a `ToolsListChanged` on the subscription bus reaches every `subscriptions/listen`
  stream that asked for tool-list changes;
- 2025-11-25: `notifications/tools/list_changed` goes to the connection that switched and to
  the connections subscribed to resources (the ones this server knows); others see the new
  list at their next `tools/list`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from mcp.server import MCPServer, NotificationOptions
from mcp.server.mcpserver import Context
from mcp.server.subscriptions import ToolsListChanged

from sesame_mcp.notifications import ResourceNotifier, connection_of, send_each
from sesame_mcp.registry import (
    ALIASES,
    Completer,
    Toolset,
    ToolSpec,
    choose,
    mcp_tool,
    run_extra,
    select,
)

LEGACY_ERA = "2025-11-25"


class Toolbox:
    """Which toolsets the server offers now, and the switch that changes them."""

    def __init__(
        self,
        server: MCPServer[Any],
        state: Any,
        toolsets: Sequence[Toolset],
        notifier: ResourceNotifier,
        *,
        read_only: bool,
    ) -> None:
        self._server = server
        self._state = state
        self._toolsets = {toolset.name: toolset for toolset in toolsets}
        self._notifier = notifier
        self._read_only = read_only
        self._on: list[str] = []
        self._extras_run: set[str] = set()

    @property
    def toolsets(self) -> Sequence[Toolset]:
        return list(self._toolsets.values())

    @property
    def enabled(self) -> list[str]:
        """The toolsets on now, in the order `tools/list` shows them."""
        return [name for name in self._toolsets if name in self._on]

    @property
    def read_only(self) -> bool:
        return self._read_only

    def start(self, names: Iterable[str] | None) -> None:
        """Switch on the initial toolsets: the defaults when `names` is None. Raises
        UnknownToolset for a name that is none."""
        self._on = [toolset.name for toolset in choose(self.toolsets, names)]
        _set_tools(self._server, self.tools_of(self._specs()))
        for name in self._on:
            self._run_extras(name)

    def completer(self, argument: str) -> Completer | None:
        """The completer for an argument name among the toolsets on now."""
        for name in self.enabled:
            found = self._toolsets[name].completers.get(argument)
            if found is not None:
                return found
        return None

    def tools_of(self, specs: Sequence[ToolSpec]) -> list[Any]:
        """The SDK tools for `specs`, with the old names of renamed ones."""
        tools = [mcp_tool(spec) for spec in specs]
        exposed = {spec.name: spec for spec in specs}
        tools += [mcp_tool(exposed[new], old) for old, new in ALIASES.items() if new in exposed]
        return tools

    def switch(self, enable: Iterable[str], disable: Iterable[str]) -> tuple[list[str], list[str]]:
        """Switch toolsets on and off (`all` names every one); return the names of the tools
        added and removed. Raises UnknownToolset for a name that is none."""
        enable = [toolset.name for toolset in choose(self.toolsets, enable)]
        disable = [toolset.name for toolset in choose(self.toolsets, disable)]
        before = self._exposed()
        kept = [name for name in self._on if name not in disable]
        self._on = kept + [name for name in enable if name not in kept]
        after = self._exposed()
        _set_tools(self._server, self.tools_of(self._specs()))
        for name in enable:
            self._run_extras(name)
        added = [name for name in after if name not in before]
        removed = [name for name in before if name not in after]
        return added, removed

    async def announce(self, ctx: Context[Any, Any]) -> None:
        """Tell clients the tool list changed (see the module's docstring)."""
        await self._notifier.bus.publish(ToolsListChanged())
        sessions = self._notifier.legacy_sessions()
        if ctx.protocol_version == LEGACY_ERA:
            sessions[connection_of(ctx.session)] = ctx.session
        await send_each(sessions.values(), lambda session: session.send_tool_list_changed())

    def _specs(self) -> list[ToolSpec]:
        return select(self.toolsets, self.enabled, read_only=self._read_only)

    def _exposed(self) -> dict[str, ToolSpec]:
        """Tool name → spec, old names of renamed tools included."""
        names = {spec.name: spec for spec in self._specs()}
        names.update({old: names[new] for old, new in ALIASES.items() if new in names})
        return names

    def _run_extras(self, name: str) -> None:
        """A toolset's resources, prompts and completions, registered the first time it is
        switched on; they stay when it is switched off (only its tools go)."""
        if name in self._extras_run:
            return
        self._extras_run.add(name)
        for register in self._toolsets[name].extras:
            run_extra(register, self._server, self._state)


def _set_tools(server: MCPServer[Any], tools: list[Any]) -> None:
    """Replace the server's tools, keeping the order `tools/list` shows. mcp 2.3.0 adds tools
    only by building them from a function's signature, which would lose the input and output
    models `mcp_tool` sets, so its tool manager's table is replaced."""
    server._tool_manager._tools = {tool.name: tool for tool in tools}


def announce_tool_changes(server: MCPServer[Any]) -> None:
    """Declare `tools.listChanged` to 2025-11-25 clients too. mcp 2.3.0 derives it there
    only from options given when a transport starts, and its transports (and the in-memory
    client) start without any, so the default is set on the server they start."""
    lowlevel = server._lowlevel_server
    create = lowlevel.create_initialization_options
    lowlevel.create_initialization_options = functools.partial(  # type: ignore[method-assign]
        _with_tool_changes, create
    )


def _with_tool_changes(create: Any, notification_options: Any = None, *args: Any, **kw: Any) -> Any:
    options = notification_options or NotificationOptions(tools_changed=True)
    return create(options, *args, **kw)
