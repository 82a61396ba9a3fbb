"""The console in a real browser: signing in, provisioning an agent and copying its prompt, a
channel that shows an agent's message live (as text), and a lease request that appears on the
approvals page live and is approved there, ending the agent's waiting `lease_secret` call."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp import Client
from playwright.async_api import Page, expect

from sesame_mcp.client import SesameClient
from sesame_mcp.server import build_server
from sesame_mcp.state import open_sesame
from tests.console.conftest import Site, screenshot, sign_in
from tests.helpers import api_key_for, bearer, data, provision_agent

pytestmark = pytest.mark.anyio


async def test_sign_in_provision_an_agent_and_get_its_prompt(page: Page, site: Site) -> None:
    await page.goto("/")
    await expect(page).to_have_url(f"{site.url}/login?next=/agents")
    await screenshot(page, "login")
    await sign_in(page)
    await expect(page.get_by_role("heading", name="Agents", exact=True)).to_be_visible()
    await expect(page.get_by_text("No agents yet")).to_be_visible()
    await page.get_by_label("Handle").fill("scout")
    await page.get_by_label("Display name (optional)").fill("Scout")
    await page.get_by_role("button", name="Provision agent").click()
    await expect(page.get_by_role("heading", name="@scout")).to_be_visible()
    await page.get_by_role("button", name="Generate key").click()
    key = await page.get_by_label("API key").input_value()
    assert key.startswith("sk_")
    prompt = await page.get_by_label("Onboarding prompt").input_value()
    assert key in prompt
    assert f"SESAME_API_URL={site.url}" in prompt
    await page.get_by_role("button", name="Copy prompt").click()
    await expect(page.get_by_role("status")).to_have_text("Copied.")
    assert await page.evaluate("() => navigator.clipboard.readText()") == prompt
    await screenshot(page, "agent-key")
    # The key shown is a working credential of that agent.
    me = data(await site.api.get("/auth/me", headers=bearer(key)))
    assert (me["handle"], me["kind"]) == ("scout", "agent")
    await page.reload()  # shown once: not on the next visit
    await expect(page.get_by_label("API key")).to_have_count(0)
    await page.get_by_role("button", name="Revoke", exact=True).click()
    await expect(page.get_by_role("cell", name="revoked")).to_be_visible()
    assert (await site.api.get("/auth/me", headers=bearer(key))).status_code == 401
    await page.goto("/agents")
    await expect(page.get_by_role("link", name="@scout")).to_be_visible()
    await expect(page.locator("body[data-live=open]")).to_have_count(1)
    second = data(
        await site.api.post(f"/agents/{me['id']}/api-keys", json={}, headers=site.admin_headers),
        201,
    )
    data(
        await site.api.put(
            f"/agents/{me['id']}/status", json={"status": "busy"}, headers=bearer(second["key"])
        )
    )
    await expect(page.locator(f"[data-presence='{me['id']}']")).to_have_text("busy")
    await screenshot(page, "agents")


async def test_an_agents_message_appears_live_and_as_text(page: Page, site: Site) -> None:
    token = site.admin["accessToken"]
    agent = await provision_agent(site.api, token, "poster")
    key = await api_key_for(site.api, token, agent["id"])
    channel = data(
        await site.api.post(
            "/channels", json={"kind": "topic", "name": "ops"}, headers=site.admin_headers
        ),
        201,
    )
    data(
        await site.api.post(
            f"/channels/{channel['id']}/members",
            json={"principalId": agent["id"]},
            headers=site.admin_headers,
        ),
        201,
    )
    await sign_in(page)
    await page.goto("/channels")
    await page.get_by_role("link", name="ops").click()
    await expect(page.locator("#messages .text")).to_have_text(["@ada added @poster"])
    await expect(page.locator("body[data-live=open]")).to_have_count(1)
    hostile = "<script>document.title='owned'</script> deploy done"
    data(
        await site.api.post(
            f"/channels/{channel['id']}/messages", json={"content": hostile}, headers=bearer(key)
        ),
        201,
    )
    texts = page.locator("#messages .text")
    await expect(texts).to_have_text(["@ada added @poster", hostile])
    assert await page.title() != "owned"
    await expect(page.locator("#messages script")).to_have_count(0)
    await page.get_by_label("Message").fill("thanks, @poster")
    await page.get_by_role("button", name="Send").click()
    await expect(texts).to_have_text(["@ada added @poster", hostile, "thanks, @poster"])
    await screenshot(page, "channel")


async def test_a_lease_request_appears_live_and_is_approved(page: Page, site: Site) -> None:
    token = site.admin["accessToken"]
    agent = await provision_agent(site.api, token, "deployer")
    key = await api_key_for(site.api, token, agent["id"])
    vault = data(
        await site.api.post("/vault/vaults", json={"name": "Prod"}, headers=site.admin_headers),
        201,
    )
    data(
        await site.api.post(
            f"/vault/vaults/{vault['id']}/members",
            json={"principalId": agent["id"], "role": "viewer"},
            headers=site.admin_headers,
        ),
        201,
    )
    item = data(
        await site.api.post(
            "/vault/items",
            json={
                "vaultId": vault["id"],
                "name": "Deploy token",
                "type": "api_key",
                "fields": {"key": "tok-123"},
            },
            headers=site.admin_headers,
        ),
        201,
    )["item"]
    await sign_in(page)
    await page.goto("/approvals")
    await expect(page.get_by_text("No requests waiting")).to_be_visible()
    await expect(page.locator("body[data-live=open]")).to_have_count(1)
    leased: dict[str, Any] = {}
    async with (
        SesameClient(site.url, api_key=key) as platform_client,
        open_sesame(platform_client) as state,
    ):
        server = await build_server(state, toolsets=["vault"])
        async with Client(server) as mcp, anyio.create_task_group() as group:

            async def lease_secret() -> None:
                result = await mcp.call_tool(
                    "lease_secret",
                    {"item": item["id"], "reason": "ship the <b>release</b>", "wait_seconds": 30},
                )
                assert not result.is_error, result.content
                assert result.structured_content is not None
                leased.update(result.structured_content)

            group.start_soon(lease_secret)  # the agent waits for a human's decision
            request = page.locator("[data-lease]")
            await expect(request).to_contain_text("@deployer asks for Deploy token")
            await expect(request).to_contain_text("ship the <b>release</b>")
            await screenshot(page, "approvals")
            await request.get_by_role("button", name="Approve").click()
            await expect(page.get_by_text("No requests waiting")).to_be_visible()
    assert leased["status"] == "active"  # the agent's waiting call completed
    leases = data(await site.api.get("/vault/leases", headers=bearer(key)))
    assert [(lease["id"], lease["status"]) for lease in leases] == [(leased["lease_id"], "active")]
