"""Toolset `attention`: how closely you follow each of your channels — your config per channel
(purpose, attention level, triggers, how much context to read) — and a channel's context as
its config asks (channel, members, messages, mentions of you, unread count). Over the
platform's `/agents/{id}/channels/…` operations for the agent this server acts as; channels
are named as everywhere (#name, id, @handle for a DM).

Attention levels and triggers are advice the platform keeps for you to act on: it does not
filter what you receive.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcp.server.mcpserver import Context
from pydantic import Field

from server_core.features.agents.schemas import (
    AttentionLevel,
    ChannelConfig,
    ChannelConfigRequest,
    ContextStrategy,
    JsonObject,
    Keyword,
    Pattern,
    Text,
)
from sesame_mcp.labels import channel_label
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset, View
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.messaging.refs import CHANNEL_REF, resolve_channel
from sesame_mcp.toolsets.messaging.views import DATA_NOTE, MessageView, message_lines, quote

TOOLSET = Toolset(
    "attention",
    "Your attention per channel (level, triggers, purpose) and a channel's context",
    default=False,
    next_steps={
        "not_found": "my_channel_configs lists the channels you configured; list_channels "
        "shows your channels",
        "not_channel_member": "configs and context are for your own channels: list_channels "
        "shows them",
    },
)
LEVELS = "high, normal, low or background"
STRATEGIES = "recent (the last window messages), full_history (up to 500), summary, none"


class TriggersView(View):
    keywords: list[str]
    intents: list[str]
    patterns: list[str]


class ConfigView(View):
    channel_id: str
    channel: str = Field(description="#name, or DM with @handle")
    purpose: str | None
    attention_level: str
    context_strategy: str
    context_window: int
    response_style: dict[str, Any]
    triggers: TriggersView
    metadata: dict[str, Any]
    updated_at: datetime

    @classmethod
    def of(cls, config: ChannelConfig, label: str) -> ConfigView:
        return cls.model_validate({**dict(config), "channel": label}, from_attributes=True)

    def line(self) -> str:
        purpose = f", purpose {quote(self.purpose)}" if self.purpose else ""
        said = [
            f"{name} {', '.join(quote(word) for word in words)}"
            for name, words in dict(self.triggers).items()
            if words
        ]
        triggers = f"; triggers: {'; '.join(said)}" if said else ""
        return (
            f"- {self.channel}: attention {self.attention_level}, context "
            f"{self.context_strategy} ({self.context_window}){purpose}{triggers}"
        )


def label_of(state: Sesame, channel_id: str) -> str:
    known = state.directory.known_channel(channel_id)
    return channel_label(known) if known else f"channel {channel_id}"


class ConfigsOutput(ToolOutput):
    configs: list[ConfigView] = Field(description="Oldest first")

    def render(self) -> str:
        if not self.configs:
            return "No channel configs: every channel gets normal attention."
        return "\n".join(
            [f"{len(self.configs)} channel configs:", *(c.line() for c in self.configs)]
        )


class ConfigOutput(ToolOutput):
    config: ConfigView

    def render(self) -> str:
        return "Config " + self.config.line()[2:]


class ClearedOutput(ConfigOutput):
    def render(self) -> str:
        return "Cleared your config of " + self.config.line()[2:]


class NoInput(ToolInput):
    pass


@TOOLSET.tool(title="My channel configs", read_only=True)
async def my_channel_configs(args: NoInput, ctx: Context) -> ConfigsOutput:
    """Your config of each channel that has one: purpose, attention level, triggers, context
    strategy and window."""
    state = sesame(ctx)
    configs = await state.client.agents.channel_configs(state.me.id)
    if any(state.directory.known_channel(c.channel_id) is None for c in configs):
        await state.directory.list_channels()
    return ConfigsOutput(
        configs=[ConfigView.of(config, label_of(state, config.channel_id)) for config in configs]
    )


class SetChannelConfigInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=CHANNEL_REF)
    attention_level: AttentionLevel | None = Field(
        default=None, description=f"How closely to follow it: {LEVELS}"
    )
    purpose: Text | None = Field(default=None, description='Why you are there; "" removes it')
    keywords: list[Keyword] | None = Field(
        default=None, max_length=50, description="Words that call for your attention"
    )
    intents: list[Keyword] | None = Field(
        default=None, max_length=50, description="Intents that call for your attention"
    )
    patterns: list[Pattern] | None = Field(
        default=None, max_length=20, description="Regular expressions that call for your attention"
    )
    context_strategy: ContextStrategy | None = Field(
        default=None, description=f"What channel_context reads: {STRATEGIES}"
    )
    context_window: int | None = Field(
        default=None, ge=1, le=500, description="How many messages channel_context reads"
    )
    response_style: JsonObject | None = Field(
        default=None, description="How to answer there, e.g. tone, verbosity, format"
    )
    metadata: JsonObject | None = Field(default=None, description="Anything else, as JSON")


TRIGGERS = ("keywords", "intents", "patterns")


@TOOLSET.tool(title="Set a channel config", read_only=False, destructive=True, idempotent=True)
async def set_channel_config(args: SetChannelConfigInput, ctx: Context) -> ConfigOutput:
    """Set how you follow a channel: attention level, purpose, trigger keywords, intents and
    patterns, context strategy and window. Only what you give changes; the rest keeps its
    value (or its default: normal attention, recent 50)."""
    state = sesame(ctx)
    channel = await resolve_channel(state, args.channel)
    current = await state.client.agents.channel_config(state.me.id, channel.id)
    fields: dict[str, Any] = {}
    if current is not None:
        fields = current.model_dump(by_alias=False, include=set(ChannelConfigRequest.model_fields))
    given = {name: getattr(args, name) for name in args.model_fields_set if name != "channel"}
    given = {name: value for name, value in given.items() if value is not None}
    triggers = dict(fields.get("triggers") or {})
    triggers |= {name: given.pop(name) for name in TRIGGERS if name in given}
    fields |= given | {"triggers": triggers}
    if fields.get("purpose") == "":
        fields["purpose"] = None
    config = await state.client.agents.set_channel_config(state.me.id, channel.id, **fields)
    return ConfigOutput(config=ConfigView.of(config, channel_label(channel)))


class ChannelInput(ToolInput):
    channel: str = Field(min_length=1, max_length=200, description=CHANNEL_REF)


@TOOLSET.tool(title="Clear a channel config", read_only=False, destructive=True, idempotent=True)
async def clear_channel_config(args: ChannelInput, ctx: Context) -> ClearedOutput:
    """Remove your config of a channel: it gets normal attention and the recent 50 messages
    of context again. Answers with the config removed."""
    state = sesame(ctx)
    channel = await resolve_channel(state, args.channel)
    removed = await state.client.agents.delete_channel_config(state.me.id, channel.id)
    return ClearedOutput(config=ConfigView.of(removed, channel_label(channel)))


class MemberView(View):
    handle: str
    kind: str
    role: str
    participation_mode: str


class ChannelContextView(View):
    channel_id: str
    channel: str = Field(description="#name, or DM with @handle")
    description: str | None
    context: str | None
    coordination_mode: str
    strategy: str
    config: ConfigView | None = Field(description="Yours; null when none is set")
    members: list[MemberView]
    recent_messages: list[MessageView] = Field(description="Oldest first")
    mentioned_in_messages: list[MessageView] = Field(description="Recent ones, oldest first")
    unread_count: int
    last_read_seq: int
    summary_available: bool


class ChannelContextOutput(ToolOutput):
    context: ChannelContextView

    def render(self) -> str:
        view = self.context
        lines = [
            f"{view.channel} [{view.channel_id}]: {view.unread_count} unread after "
            f"#{view.last_read_seq}; coordination {view.coordination_mode}; strategy "
            f"{view.strategy}.",
        ]
        if view.config is not None:
            lines.append("Your config: " + view.config.line()[2:])
        if view.description:
            lines.append(f"Description: {quote(view.description)}")
        if view.context:
            lines.append(f"Context: {quote(view.context)}")
        members = ", ".join(f"@{m.handle} ({m.kind}, {m.role})" for m in view.members)
        lines.append(f"Members: {members}")
        if view.strategy != "none":
            lines += message_lines(view.channel, view.recent_messages)
        if view.mentioned_in_messages:
            lines.append(f"Mentioning you ({len(view.mentioned_in_messages)}). {DATA_NOTE}")
            lines += [message.line() for message in view.mentioned_in_messages]
        return "\n".join(lines)


class ChannelContextInput(ChannelInput):
    strategy: ContextStrategy | None = Field(
        default=None, description=f"Which messages: {STRATEGIES}; default: your config's"
    )
    window: int | None = Field(
        default=None, ge=1, le=500, description="How many messages; default: your config's"
    )


@TOOLSET.tool(title="Channel context", read_only=True)
async def channel_context(args: ChannelContextInput, ctx: Context) -> ChannelContextOutput:
    """A channel as your config says to read it: its description and context, members,
    recent messages (by strategy and window), messages mentioning you, unread count."""
    state = sesame(ctx)
    channel = await resolve_channel(state, args.channel)
    found = await state.client.agents.channel_context(
        state.me.id, channel.id, strategy=args.strategy, window=args.window
    )
    label = channel_label(found.channel)
    return ChannelContextOutput(
        context=ChannelContextView(
            channel_id=found.channel.id,
            channel=label,
            description=found.channel.description,
            context=found.channel.context,
            coordination_mode=found.channel.coordination_mode,
            strategy=found.strategy,
            config=None if found.config is None else ConfigView.of(found.config, label),
            members=[MemberView.model_validate(member) for member in found.members],
            recent_messages=[MessageView.of(m) for m in found.recent_messages],
            mentioned_in_messages=[MessageView.of(m) for m in found.mentioned_in_messages],
            unread_count=found.unread_count,
            last_read_seq=found.last_read_seq,
            summary_available=found.summary_available,
        )
    )
