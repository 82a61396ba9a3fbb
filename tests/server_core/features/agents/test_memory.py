"""Memory: upsert by (category, key), list and search, categories, delete, and the 4 KB entry
and 512 KB per-agent limits (an overwrite counts the old entry out first), also under
concurrent writes."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from tests.helpers import data, error
from tests.server_core.features.agents.continuity import put_memory
from tests.server_core.features.messaging.conftest import settings_overrides as settings_overrides
from tests.server_core.features.messaging.conftest import team as team
from tests.server_core.features.messaging.team import Team

pytestmark = pytest.mark.anyio
KB = 1024


@pytest.mark.both_engines
async def test_memory_is_upserted_by_category_and_key_and_searched(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    first = data(await put_memory(client, bot, bot, "lessons", "drizzle", "Run db:generate first"))
    assert (first["category"], first["key"], first["pinned"]) == ("lessons", "drizzle", False)
    again = data(
        await put_memory(client, bot, bot, "lessons", "drizzle", "Run MIGRATE after", pinned=True)
    )
    assert (again["id"], again["content"], again["pinned"]) == (
        first["id"],
        "Run MIGRATE after",
        True,
    )
    data(await put_memory(client, bot, bot, "people", "grace", "Product; likes short updates"))
    data(await put_memory(client, bot, bot, "people", "ada", "Admin; 100%_sure about it"))
    path = f"/agents/{bot.id}/memory"

    async def keys(query: str = "") -> list[str]:
        return [m["key"] for m in data(await client.get(path + query, headers=bot.headers))]

    assert await keys() == ["ada", "grace", "drizzle"]  # most recently written first
    assert await keys("?category=people") == ["ada", "grace"]
    assert await keys("?q=migrate") == ["drizzle"]  # case-insensitive substring
    assert await keys("?q=GRACE") == ["grace"]  # keys too
    assert await keys("?q=%25_") == ["ada"]  # % and _ are plain characters
    assert await keys("?pinned=true") == ["drizzle"]
    assert await keys("?pinned=false&limit=1") == ["ada"]
    error(await client.get(path + "?limit=201", headers=bot.headers), 400)
    categories = data(await client.get(f"{path}/categories", headers=bot.headers))
    assert categories == [{"category": "lessons", "count": 1}, {"category": "people", "count": 2}]
    removed = data(await client.delete(f"{path}/{first['id']}", headers=bot.headers))
    assert removed["key"] == "drizzle"
    error(await client.delete(f"{path}/{first['id']}", headers=bot.headers), 404)
    error(await client.delete(f"{path}/not-an-id", headers=bot.headers), 404)
    # Another agent's entry is not found through this agent.
    theirs = data(await put_memory(client, team.other_bot, team.other_bot, "x", "y", "z"))
    error(await client.delete(f"{path}/{theirs['id']}", headers=bot.headers), 404)
    assert await keys() == ["ada", "grace"]


async def test_an_entry_holds_at_most_4_kb_of_utf8(client: httpx2.AsyncClient, team: Team) -> None:
    bot = team.bot
    data(await put_memory(client, bot, bot, "c", "full", "a" * 4 * KB))
    error(
        await put_memory(client, bot, bot, "c", "over", "a" * (4 * KB + 1)),
        413,
        "memory_entry_too_large",
    )
    # 2 bytes each in UTF-8: 2049 of them are over.
    error(
        await put_memory(client, bot, bot, "c", "wide", "é" * 2049), 413, "memory_entry_too_large"
    )
    error(await put_memory(client, bot, bot, "bad category", "k", "x"), 400)
    error(await put_memory(client, bot, bot, "c", "", "x"), 400)


@pytest.mark.both_engines
async def test_an_agent_holds_at_most_512_kb_and_may_overwrite_when_full(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    for n in range(128):
        data(await put_memory(client, bot, bot, "bulk", f"k{n}", "a" * 4 * KB))
    refused = error(await put_memory(client, bot, bot, "bulk", "one-more", "a"), 413, "memory_full")
    assert refused["details"]["limit"] == 512 * KB
    # An overwrite of the same size fits: the old entry is counted out first.
    data(await put_memory(client, bot, bot, "bulk", "k0", "b" * 4 * KB))
    # A smaller overwrite makes room for exactly the difference.
    data(await put_memory(client, bot, bot, "bulk", "k1", "b" * (4 * KB - 10)))
    data(await put_memory(client, bot, bot, "bulk", "small", "c" * 10))
    error(await put_memory(client, bot, bot, "bulk", "tiny", "c"), 413, "memory_full")
    # Another agent has a store of its own.
    data(await put_memory(client, team.other_bot, team.other_bot, "bulk", "k", "a" * 4 * KB))


@pytest.mark.both_engines
async def test_concurrent_writes_never_exceed_the_total(
    client: httpx2.AsyncClient, team: Team
) -> None:
    bot = team.bot
    for n in range(126):
        data(await put_memory(client, bot, bot, "bulk", f"k{n}", "a" * 4 * KB))
    statuses: list[int] = []

    async def write(n: int) -> None:
        response = await put_memory(client, bot, bot, "race", f"r{n}", "a" * 4 * KB)
        statuses.append(response.status_code)

    async with anyio.create_task_group() as group:
        for n in range(6):
            group.start_soon(write, n)
    assert sorted(statuses) == [200, 200, 413, 413, 413, 413]
    listed = data(await client.get(f"/agents/{bot.id}/memory?category=race", headers=bot.headers))
    assert len(listed) == 2
