"""Toolset `webhooks`: platform events POSTed to a URL of yours, signed with a `whsec_` secret
(HMAC-SHA256; headers `X-Sesame-Event`, `X-Sesame-Delivery`, `X-Sesame-Timestamp`,
`X-Sesame-Signature`) — create, list, change, delete, rotate the secret, read the delivery log.
Over the platform's `/agents/{id}/webhooks` operations for the agent this server acts as.

A secret is shown once, by `create_webhook` and `rotate_webhook_secret`: the outbound guard
remembers it, so that no tool posts it in a message afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import Context
from pydantic import Field, StringConstraints

from server_core.features.webhooks.operations import Webhooks
from server_core.features.webhooks.schemas import MAX_CHANNEL_IDS, EventTypes, Url
from sesame_mcp.derived import derive
from sesame_mcp.registry import ToolInput, ToolOutput, Toolset, View
from sesame_mcp.state import Sesame, sesame
from sesame_mcp.toolsets.messaging.refs import resolve_channel

TOOLSET = Toolset(
    "webhooks",
    "Events delivered to your URL by signed HTTP POST; secrets; the delivery log",
    default=False,
    next_steps={
        "not_found": "list_webhooks shows your webhooks with their ids",
        "unknown_event_type": "use WebSocket event types such as message, reaction, "
        "membership, channel.updated, task, project, schedule, work_stream",
        "webhook_url_refused": "give an http(s) URL on a public address; private, loopback "
        "and link-local addresses are refused unless the platform allows them",
    },
)
KEEP_IT = (
    "Store it now (e.g. in the vault): it is shown only this once. Check each delivery's "
    "X-Sesame-Signature with it."
)


class WebhookView(View):
    id: str
    url: str
    event_types: list[str]
    channel_ids: list[str] | None = Field(description="null: every channel")
    active: bool
    consecutive_failures: int
    updated_at: datetime

    def line(self) -> str:
        channels = (
            "all channels" if self.channel_ids is None else f"{len(self.channel_ids)} channels"
        )
        state = "active" if self.active else "paused"
        failing = (
            f", {self.consecutive_failures} failures in a row" if self.consecutive_failures else ""
        )
        return (
            f"- {self.id}: {self.url} ({', '.join(self.event_types)}; {channels}) {state}{failing}"
        )


class WebhookOutput(ToolOutput):
    webhook: WebhookView

    def render(self) -> str:
        return "Webhook " + self.webhook.line()[2:]


class DeletedWebhookOutput(WebhookOutput):
    def render(self) -> str:
        return "Deleted webhook " + self.webhook.line()[2:]


class WebhooksOutput(ToolOutput):
    webhooks: list[WebhookView]

    def render(self) -> str:
        if not self.webhooks:
            return "No webhooks: create_webhook subscribes a URL to events."
        return "\n".join([f"{len(self.webhooks)} webhooks:", *(w.line() for w in self.webhooks)])


class CreatedOutput(ToolOutput):
    webhook: WebhookView
    secret: str = Field(description="whsec_…: shown only this once")

    def render(self) -> str:
        return f"Created webhook {self.webhook.line()[2:]}\nSecret: {self.secret}\n{KEEP_IT}"


class SecretOutput(ToolOutput):
    webhook_id: str
    secret: str = Field(description="whsec_…: shown only this once")

    def render(self) -> str:
        return (
            f"New secret of webhook {self.webhook_id}: {self.secret}\nThe old one no longer "
            f"signs deliveries. {KEEP_IT}"
        )


ChannelRefs = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=200)]],
    Field(max_length=MAX_CHANNEL_IDS),
]
CHANNELS = "Only events of these channels (#name, id or @handle); omit or [] for every one"


async def channel_ids(state: Sesame, refs: list[str]) -> list[str]:
    return [(await resolve_channel(state, ref)).id for ref in refs]


def remember_secret(state: Sesame, webhook_id: str, secret: str) -> None:
    state.guard.remember(f"webhook {webhook_id}", {"secret": secret})


class CreateWebhookInput(ToolInput):
    url: Url
    event_types: EventTypes
    channels: ChannelRefs | None = Field(default=None, description=CHANNELS)
    active: bool = Field(default=True, description="false: create it paused")


@TOOLSET.tool(title="Create a webhook", read_only=False)
async def create_webhook(args: CreateWebhookInput, ctx: Context) -> CreatedOutput:
    """Have events POSTed to your URL, signed with a whsec_ secret shown only in this result:
    event types as on the WebSocket (message, reaction, task, …), optionally of some channels."""
    state = sesame(ctx)
    channels = await channel_ids(state, args.channels or []) or None  # []: every channel
    created = await state.client.webhooks.create(
        state.me.id,
        url=args.url,
        event_types=args.event_types,
        channel_ids=channels,
        active=args.active,
    )
    remember_secret(state, created.id, created.secret)
    return CreatedOutput(webhook=WebhookView.model_validate(created), secret=created.secret)


derive(
    TOOLSET,
    Webhooks.list,
    name="list_webhooks",
    title="List webhooks",
    description="Your webhooks: URL, event types, channels, whether active, failures in a row.",
    output=WebhooksOutput,
    own=["agent_id"],
)


class UpdateWebhookInput(ToolInput):
    webhook_id: str = Field(min_length=1, max_length=64, description="The webhook's id")
    url: Url | None = Field(default=None, description="New URL; omit to keep")
    event_types: EventTypes | None = Field(default=None, description="New event types")
    channels: ChannelRefs | None = Field(
        default=None, description="New channel list (#name, id or @handle); [] for every channel"
    )
    active: bool | None = Field(default=None, description="false pauses it, true resumes it")


@TOOLSET.tool(title="Update a webhook", read_only=False, destructive=True, idempotent=True)
async def update_webhook(args: UpdateWebhookInput, ctx: Context) -> WebhookOutput:
    """Change a webhook's URL, event types or channels, or pause / resume it (resuming resets
    its failure count); only what you give changes."""
    state = sesame(ctx)
    changes = {
        name: getattr(args, name)
        for name in ("url", "event_types", "active")
        if getattr(args, name) is not None
    }
    if args.channels is not None:
        changes["channel_ids"] = await channel_ids(state, args.channels) or None
    updated = await state.client.webhooks.update(state.me.id, args.webhook_id, **changes)
    return WebhookOutput(webhook=WebhookView.model_validate(updated))


derive(
    TOOLSET,
    Webhooks.delete,
    name="delete_webhook",
    title="Delete a webhook",
    description="Delete a webhook and its delivery log: nothing more is sent to its URL.",
    output=DeletedWebhookOutput,
    own=["agent_id"],
    descriptions={"webhook_id": "The webhook's id"},
)


class WebhookInput(ToolInput):
    webhook_id: str = Field(min_length=1, max_length=64, description="The webhook's id")


@TOOLSET.tool(title="Rotate a webhook secret", read_only=False, destructive=True)
async def rotate_webhook_secret(args: WebhookInput, ctx: Context) -> SecretOutput:
    """Replace a webhook's signing secret: the new one is shown only in this result, and the
    old one stops working at once."""
    state = sesame(ctx)
    rotated = await state.client.webhooks.rotate_secret(state.me.id, args.webhook_id)
    remember_secret(state, args.webhook_id, rotated.secret)
    return SecretOutput(webhook_id=args.webhook_id, secret=rotated.secret)


class DeliveryView(View):
    id: str
    event_type: str
    status: str
    status_code: int | None
    attempt_number: int
    error: str | None
    next_attempt_at: datetime | None
    created_at: datetime

    def line(self) -> str:
        code = f" HTTP {self.status_code}" if self.status_code is not None else ""
        error = f" ({self.error})" if self.error else ""
        retry = f", next try {self.next_attempt_at:%H:%M:%S} UTC" if self.next_attempt_at else ""
        return (
            f"- {self.created_at:%Y-%m-%d %H:%M:%S} {self.event_type}: {self.status}{code}{error},"
            f" attempt {self.attempt_number}{retry} [{self.id}]"
        )


class DeliveriesOutput(ToolOutput):
    deliveries: list[DeliveryView] = Field(description="Newest first")

    def render(self) -> str:
        if not self.deliveries:
            return "No deliveries match (they are kept 7 days)."
        count = len(self.deliveries)
        return "\n".join(
            [f"{count} deliveries, newest first:", *(d.line() for d in self.deliveries)]
        )


derive(
    TOOLSET,
    Webhooks.deliveries,
    name="webhook_deliveries",
    title="Webhook deliveries",
    description="A webhook's recent deliveries, newest first (kept 7 days): status, HTTP code, "
    "attempt, error.",
    output=DeliveriesOutput,
    own=["agent_id"],
    descriptions={
        "webhook_id": "The webhook's id",
        "status": "Only pending, success or failed ones",
        "limit": "At most this many (default 50)",
    },
)
