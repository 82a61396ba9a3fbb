"""Mission Control and sessions in a real browser: a work stream started by an agent appears,
its output streams in live (as text), and its end moves it to the finished list; an IDE
session with a reserved file is listed with that file."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.console.conftest import Site, screenshot, sign_in
from tests.helpers import api_key_for, bearer, data, provision_agent

pytestmark = pytest.mark.anyio


async def test_mission_control_follows_a_work_stream_live(page: Page, site: Site) -> None:
    token = site.admin["accessToken"]
    agent = await provision_agent(site.api, token, "builder")
    headers = bearer(await api_key_for(site.api, token, agent["id"]))
    await sign_in(page)
    await page.goto("/mission-control")
    await expect(page.get_by_text("No work running")).to_be_visible()
    await expect(page.locator("body[data-live=open]")).to_have_count(1)
    stream = data(
        await site.api.post(
            "/work-streams",
            json={"runnerType": "claude-code", "title": "Refactor the importer"},
            headers=headers,
        ),
        201,
    )
    card = page.locator(f"[data-stream='{stream['id']}']")
    await expect(card).to_contain_text("Refactor the importer")
    await expect(card).to_contain_text("@builder")
    lines = ["collecting tests", "<img src=x onerror=alert(1)> 42 passed"]
    data(
        await site.api.post(
            f"/work-streams/{stream['id']}/events",
            json={"events": [{"content": line} for line in lines]},
            headers=headers,
        ),
        201,
    )
    await expect(card.locator(".log span")).to_have_text([f"{line}\n" for line in lines])
    await expect(card.locator(".log img")).to_have_count(0)
    await screenshot(page, "mission-control")
    data(
        await site.api.patch(
            f"/work-streams/{stream['id']}",
            json={"status": "completed", "resultSummary": "importer split in two"},
            headers=headers,
        )
    )
    await expect(page.get_by_text("No work running")).to_be_visible()
    await expect(page.get_by_text("importer split in two")).to_be_visible()


async def test_sessions_list_live_sessions_and_their_reserved_files(page: Page, site: Site) -> None:
    token = site.admin["accessToken"]
    agent = await provision_agent(site.api, token, "coder")
    headers = bearer(await api_key_for(site.api, token, agent["id"]))
    session = data(
        await site.api.post(
            "/sessions",
            json={"externalId": "ide-1", "kind": "ide", "title": "Fix the parser", "cwd": "/repo"},
            headers=headers,
        ),
        201,
    )
    data(
        await site.api.post(
            f"/sessions/{session['id']}/reservations",
            json={"paths": ["src/parser.py"], "reason": "editing"},
            headers=headers,
        )
    )
    await sign_in(page)
    await page.goto("/sessions")
    row = page.get_by_role("row", name="Fix the parser")
    await expect(row).to_contain_text("@coder")
    await expect(row).to_contain_text("src/parser.py")
    await screenshot(page, "sessions")
