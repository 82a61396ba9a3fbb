"""`library.page` events: one per revision, after the write, without the body, to whoever may
read the library."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx2
import pytest

from server_core.features.library.events import PageChanged
from tests.helpers import data, error
from tests.server_core.captured import Captured
from tests.server_core.features.library.helpers import new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio
Capture = Callable[[], AbstractAsyncContextManager[Captured]]


async def test_each_write_announces_the_page_to_its_readers(
    client: httpx2.AsyncClient, team: Team, captured_events: Capture
) -> None:
    lib = (await new_library(client, team.human))["id"]
    base = f"/library/{lib}/pages"
    async with captured_events() as captured:
        created = await put_page(client, team.human, lib, "people/ryan", 201, body="Ryan")
        await put_page(client, team.human, lib, "a", 201, body="[[people/ryan]]")
        data(
            await client.post(
                f"{base}/people/ryan/rename",
                json={"newPath": "people/r"},
                headers=team.human.headers,
            )
        )
        data(
            await client.post(
                f"{base}/a/blocks", json={"content": "more"}, headers=team.human.headers
            )
        )
        data(await client.delete(f"{base}/a", headers=team.human.headers))
        data(await client.post(f"{base}/a/restore", headers=team.human.headers))
        error(
            await client.put(
                f"{base}/a", json={"body": "x", "ifMatchSha": "0" * 64}, headers=team.human.headers
            ),
            409,
        )
    events = captured.of(PageChanged)
    assert [(e.action, e.page.path) for e in events] == [
        ("created", "people/ryan"),
        ("created", "a"),
        ("renamed", "people/r"),
        ("updated", "a"),
        ("appended", "a"),
        ("deleted", "a"),
        ("restored", "a"),
    ]
    assert events[2].previous_path == "people/ryan"
    assert events[2].page.id == created["id"]
    assert [e.clock for e in events] == list(range(1, 8))
    frame = captured.frames()[0]
    assert frame["type"] == "library.page"
    assert "body" not in frame["page"]
    # A private library: its members and the workspace's admins, nobody else.
    assert set(events[0].route.principal_ids) == {team.human.id, team.admin.id}

    workspace_lib = (await new_library(client, team.human, "Open", visibility="workspace"))["id"]
    async with captured_events() as captured:
        await put_page(client, team.human, workspace_lib, "x", 201, body="x")
    (event,) = captured.of(PageChanged)
    assert (event.route.principal_ids, event.route.channel_id) == ((), None)
