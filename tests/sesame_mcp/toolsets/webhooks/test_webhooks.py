"""Toolset `webhooks` through a real MCP client session, in both protocol eras: a webhook
created by a tool receives a signed delivery at a real local HTTP receiver (the platform's
own delivery loop sends it), its log shows it, and the rest of its life goes through tools;
refused URLs and event types are explained."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from mcp import Client

from server_core.features.webhooks.signing import verify_sesame_signature
from tests.server_core.features.webhooks.receiver import Receiver
from tests.sesame_mcp.conftest import WAIT, Agent, Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio
PRIVATE_ALLOWED = pytest.mark.parametrize(
    "settings_overrides", [{"webhooks_allow_private": True}], ids=["private-allowed"]
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


async def deliveries(mcp: Client, webhook_id: str, status: str) -> list[dict[str, Any]]:
    """The webhook's deliveries once one has `status` (the delivery loop runs on its own)."""
    with anyio.fail_after(WAIT):
        while True:
            log: list[dict[str, Any]] = ok(
                await mcp.call_tool("webhook_deliveries", {"webhook_id": webhook_id})
            )["deliveries"]
            if any(delivery["status"] == status for delivery in log):
                return log
            await anyio.sleep(0.1)


@PRIVATE_ALLOWED
@pytest.mark.both_engines
async def test_a_webhook_made_by_a_tool_receives_signed_events(
    mcp_all: Client, workspace: Workspace, agent: Agent, plans: str, receiver: Receiver
) -> None:
    other = await workspace.group("other", agent.account)
    made = await mcp_all.call_tool(
        "create_webhook",
        {"url": receiver.url, "event_types": ["message"], "channels": ["#plans"]},
    )
    created = ok(made)
    hook, secret = created["webhook"], created["secret"]
    assert secret.startswith("whsec_")
    assert hook["channel_ids"] == [plans]
    assert secret in text(made)
    assert "shown only this once" in text(made)

    await workspace.admin.messages.send(other, "not for the hook")
    await workspace.admin.messages.send(plans, "ship it")
    [success] = await deliveries(mcp_all, hook["id"], "success")
    assert (success["event_type"], success["status_code"]) == ("message", 200)
    [got] = receiver.received
    assert got.json()["channelId"] == plans
    assert got.json()["data"]["type"] == "message"
    assert got.headers["x-sesame-event"] == "message"
    assert got.headers["x-sesame-delivery"] == success["id"]
    assert verify_sesame_signature(
        secret,
        got.headers["x-sesame-signature"],
        got.headers["x-sesame-timestamp"],
        got.body,
        now=time.time(),
    )
    listed = await mcp_all.call_tool("list_webhooks", {})
    assert [w["id"] for w in ok(listed)["webhooks"]] == [hook["id"]]
    assert f"- {hook['id']}: {receiver.url} (message; 1 channels) active" in text(listed)

    rotated = ok(await mcp_all.call_tool("rotate_webhook_secret", {"webhook_id": hook["id"]}))
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != secret
    leaked = await mcp_all.call_tool(
        "send_message", {"channel": "#plans", "content": f"hook secret: {rotated['secret']}"}
    )
    assert leaked.is_error
    assert f"webhook {hook['id']}" in text(leaked)

    paused = ok(
        await mcp_all.call_tool(
            "update_webhook", {"webhook_id": hook["id"], "active": False, "channels": []}
        )
    )["webhook"]
    assert (paused["active"], paused["channel_ids"]) == (False, None)
    await workspace.admin.messages.send(plans, "while paused")
    await anyio.sleep(0.5)
    assert len(receiver.received) == 1

    deleted = await mcp_all.call_tool("delete_webhook", {"webhook_id": hook["id"]})
    assert text(deleted).startswith(f"Deleted webhook {hook['id']}: {receiver.url}")
    assert ok(await mcp_all.call_tool("list_webhooks", {}))["webhooks"] == []
    gone = await mcp_all.call_tool("webhook_deliveries", {"webhook_id": hook["id"]})
    assert gone.is_error
    assert "list_webhooks shows your webhooks" in text(gone)
    everywhere = await mcp_all.call_tool(
        "create_webhook", {"url": receiver.url, "event_types": ["reaction"], "channels": []}
    )
    assert ok(everywhere)["webhook"]["channel_ids"] is None
    assert "(reaction; all channels) active" in text(everywhere)


async def test_a_loopback_url_is_refused_with_the_reason(mcp_all: Client, plans: str) -> None:
    refused = await mcp_all.call_tool(
        "create_webhook", {"url": "http://127.0.0.1:8080/hook", "event_types": ["message"]}
    )
    assert refused.is_error
    said = text(refused)
    assert "HTTP 400, webhook_url_refused" in said
    assert "give an http(s) URL on a public address" in said
    unknown = await mcp_all.call_tool(
        "create_webhook", {"url": "https://hooks.example/in", "event_types": ["mesage"]}
    )
    assert unknown.is_error
    assert "unknown_event_type" in text(unknown)
    assert "such as message, reaction" in text(unknown)
    nowhere = await mcp_all.call_tool(
        "create_webhook",
        {"url": "https://hooks.example/in", "event_types": ["message"], "channels": ["#nope"]},
    )
    assert nowhere.is_error
    assert "none of your channels is named '#nope'" in text(nowhere)
    missing = await mcp_all.call_tool("update_webhook", {"webhook_id": "nope", "active": True})
    assert missing.is_error
    assert "HTTP 404" in text(missing)
    assert ok(await mcp_all.call_tool("list_webhooks", {}))["webhooks"] == []
