"""The tasks board in a real browser: a task dragged to `done` unblocks its dependent, which
moves to `todo` on the board at once; the keyboard's "Move to" form; filters; a task's page
with its context, blockers and activity."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.console.conftest import Site, screenshot, sign_in
from tests.helpers import data

pytestmark = pytest.mark.anyio


async def new_task(site: Site, title: str, **body: Any) -> dict[str, Any]:
    task: dict[str, Any] = data(
        await site.api.post("/tasks", json={"title": title, **body}, headers=site.admin_headers),
        201,
    )
    return task


def column(page: Page, status: str) -> Any:
    return page.locator(f"[data-status='{status}']")


async def test_dragging_a_task_to_done_unblocks_its_dependent(page: Page, site: Site) -> None:
    first = await new_task(site, "Write the migration", status="todo")
    second = await new_task(site, "Deploy it", status="blocked")
    data(
        await site.api.post(
            f"/tasks/{second['id']}/dependencies",
            json={"dependsOnId": first["id"]},
            headers=site.admin_headers,
        ),
        201,
    )
    await sign_in(page)
    await page.goto("/tasks")
    await expect(column(page, "todo")).to_contain_text("Write the migration")
    await expect(column(page, "blocked")).to_contain_text("Deploy it")
    await screenshot(page, "tasks-before")
    card = page.locator(f"[data-task='{first['id']}']")
    await card.drag_to(column(page, "done"))
    await expect(column(page, "done")).to_contain_text("Write the migration")
    await expect(column(page, "todo")).to_contain_text("Deploy it")
    await expect(column(page, "blocked")).not_to_contain_text("Deploy it")
    await screenshot(page, "tasks-after")
    got = data(await site.api.get(f"/tasks/{second['id']}", headers=site.admin_headers))
    assert got["status"] == "todo"


async def test_the_keyboard_form_moves_a_task_and_filters_narrow_the_board(
    page: Page, site: Site
) -> None:
    project = data(
        await site.api.post(
            "/projects", json={"name": "Launch", "slug": "launch"}, headers=site.admin_headers
        ),
        201,
    )
    task = await new_task(site, "Launch post", projectId=project["id"])
    await new_task(site, "Unrelated chore")
    await sign_in(page)
    await page.goto("/tasks")
    await page.get_by_label("Project").select_option(label="Launch")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.locator(".task")).to_have_count(1)
    await page.get_by_label(f"Move {task['key']} to").select_option("review")
    await page.get_by_role("button", name="Move").click()
    await expect(column(page, "review")).to_contain_text("Launch post")
    await expect(page).to_have_url(re.compile(rf"/tasks\?project={project['id']}"))  # kept
    await page.get_by_role("link", name=f"{task['key']} Launch post").click()
    await expect(page.get_by_role("heading", name="Blocked by")).to_be_visible()
    await expect(page.locator(".activity")).to_contain_text("status")
    await screenshot(page, "task")
