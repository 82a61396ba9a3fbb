"""Writers at once on both engines: of 20 edits from one sha exactly one lands and 19 get a
409; 20 appends at once all land, in one revision each."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from tests.helpers import data
from tests.server_core.features.library.helpers import get_page, new_library, put_page
from tests.server_core.features.messaging.team import Team

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]

WRITERS = 20


async def test_of_twenty_edits_from_one_sha_exactly_one_lands(
    client: httpx2.AsyncClient, team: Team
) -> None:
    lib = (await new_library(client, team.human))["id"]
    first = await put_page(client, team.human, lib, "race", 201, body="start")
    statuses: list[int] = []

    async def edit(n: int) -> None:
        response = await client.put(
            f"/library/{lib}/pages/race",
            json={"body": f"edit {n}", "ifMatchSha": first["sha"]},
            headers=team.human.headers,
        )
        statuses.append(response.status_code)
        if response.status_code == 409:
            assert response.json()["code"] == "sha_mismatch"

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tasks:
            for n in range(WRITERS):
                tasks.start_soon(edit, n)
    assert sorted(statuses) == [200] + [409] * (WRITERS - 1)
    page = await get_page(client, team.human, lib, "race")
    assert page["version"] == 2
    assert page["body"].startswith("edit ")
    history = data(
        await client.get(f"/library/{lib}/pages/race/history", headers=team.human.headers)
    )
    assert len(history) == 2


async def test_appends_at_once_all_land(client: httpx2.AsyncClient, team: Team) -> None:
    lib = (await new_library(client, team.human))["id"]
    await put_page(client, team.human, lib, "logs/daily", 201, body="# Daily\n")

    async def append(n: int) -> None:
        response = await client.post(
            f"/library/{lib}/pages/logs/daily/blocks",
            json={"appendUnder": ["2026-04-12", "Updates"], "content": f"- entry {n}"},
            headers=team.human.headers,
        )
        assert response.status_code == 200, response.text

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tasks:
            for n in range(WRITERS):
                tasks.start_soon(append, n)
    page = await get_page(client, team.human, lib, "logs/daily")
    entries = [line for line in page["body"].splitlines() if line.startswith("- entry ")]
    assert sorted(entries) == sorted(f"- entry {n}" for n in range(WRITERS))
    assert page["body"].count("## 2026-04-12") == 1
    assert page["body"].count("### Updates") == 1
    assert page["version"] == 1 + WRITERS
