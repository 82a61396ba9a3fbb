"""Full-text search over REST on both engines: ranking by field weight, `<mark>` snippets with
the rest escaped, scopes, the project filter, other workspaces, the index following every
write path, hostile queries, and `GET /tasks?q=` through the same index."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from server_core.kernel.platform import Platform
from server_core.kernel.store.migrate import downgrade_to
from tests.helpers import bearer, data, error
from tests.server_core.features.agents.test_agents import second_workspace
from tests.server_core.features.messaging.team import Member, Team
from tests.server_core.features.tasks.test_lists import keys
from tests.server_core.features.tasks.test_tasks import create, patch

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def search(
    client: httpx2.AsyncClient, who: Member, q: str, **params: Any
) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = data(
        await client.get("/tasks/search", params={"q": q, **params}, headers=who.headers)
    )
    return hits


async def found(client: httpx2.AsyncClient, who: Member, q: str, **params: Any) -> list[str]:
    """What a search finds, as `T-1` for a task and `T-1 <type>` for an activity entry."""
    return [
        f"T-{hit['taskNumber']}" + (f" {hit['activityType']}" if hit["type"] == "activity" else "")
        for hit in await search(client, who, q, **params)
    ]


async def test_a_title_hit_beats_a_description_hit_beats_an_acceptance_hit(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Ship it", context={"acceptance": ["The zebra crossing"]})
    await create(client, team.bot, "Paint lines", description="Repaint the zebra crossing")
    await create(client, team.bot, "Zebra crossing")
    await create(client, team.bot, "Unrelated", description="Nothing to see here")
    hits = await search(client, team.human, "zebra")
    assert [(hit["type"], hit["taskNumber"]) for hit in hits] == [
        ("task", 3),
        ("task", 2),
        ("task", 1),
    ]
    ranks = [hit["rank"] for hit in hits]
    assert ranks[0] > ranks[1] > ranks[2] > 0
    # The list's q (3+ characters) goes through the same index, by relevance unless sorted.
    assert await keys(client, team.human, "?q=zebra") == ["T-3", "T-2", "T-1"]
    assert await keys(client, team.human, "?q=zebra&sortBy=created&sortDir=asc") == [
        "T-1",
        "T-2",
        "T-3",
    ]
    assert await keys(client, team.human, "?q=zebra&limit=1&offset=1") == ["T-2"]
    assert await keys(client, team.human, "?q=crossings") == ["T-3", "T-2", "T-1"]  # stems


async def test_snippets_mark_the_words_found_and_escape_the_rest(
    client: httpx2.AsyncClient, team: Team
) -> None:
    task = await create(
        client,
        team.bot,
        "Fix <script> auth & login",
        description="Build the OAuth2 auth flow",
        context={"background": "Users need to authenticate via Google", "decisions": ["PKCE"]},
        priority="high",
    )
    await client.post(
        "/tasks/T-1/activity",
        json={"type": "progress", "message": "Implemented the auth endpoint <b>today</b>"},
        headers=team.bot.headers,
    )
    hits = await search(client, team.human, "auth")
    assert [hit["type"] for hit in hits] == ["task", "activity"]
    task_hit, activity_hit = hits
    assert task_hit == {
        "type": "task",
        "taskId": task["id"],
        "taskNumber": 1,
        "title": "Fix <script> auth & login",
        "status": "todo",
        "priority": "high",
        "projectId": None,
        "rank": task_hit["rank"],
        "snippets": {
            "title": "Fix &lt;script&gt; <mark>auth</mark> &amp; login",
            "description": "Build the OAuth2 <mark>auth</mark> flow",
            "context": "Users need to <mark>authenticate</mark> via Google",
        },
    }
    entry = data(await client.get("/tasks/T-1/activity", headers=team.bot.headers))[0]
    assert activity_hit == {
        "type": "activity",
        "activityId": entry["id"],
        "taskId": task["id"],
        "taskNumber": 1,
        "taskTitle": "Fix <script> auth & login",
        "taskStatus": "todo",
        "activityType": "progress",
        "createdAt": entry["createdAt"],
        "rank": activity_hit["rank"],
        "snippets": activity_hit["snippets"],
    }
    assert activity_hit["snippets"]["message"] == (
        "Implemented the <mark>auth</mark> endpoint &lt;b&gt;today&lt;/b&gt;"
    )
    # Text after something that looks like markup is indexed as well.
    assert await found(client, team.human, "login", scope="context") == ["T-1"]
    # Only a context list matched: its snippet stands for the context.
    assert (await search(client, team.human, "pkce"))[0]["snippets"]["context"] == (
        "<mark>PKCE</mark>"
    )


async def test_scopes_choose_tasks_or_activity(client: httpx2.AsyncClient, team: Team) -> None:
    await create(client, team.bot, "Kestrel migration")
    await create(client, team.bot, "Other work")
    await client.post(
        "/tasks/T-2/activity",
        json={"type": "comment", "message": "Kestrel is waiting on this"},
        headers=team.bot.headers,
    )
    assert sorted(await found(client, team.bot, "kestrel")) == ["T-1", "T-2 comment"]
    assert await found(client, team.bot, "kestrel", scope="context") == ["T-1"]
    assert await found(client, team.bot, "kestrel", scope="activity") == ["T-2 comment"]
    assert len(await search(client, team.bot, "kestrel", limit=1)) == 1
    error(await client.get("/tasks/search?q=kestrel&scope=nope", headers=team.bot.headers), 400)


async def test_the_project_filter_and_other_workspaces(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    await client.post("/projects", json={"slug": "web", "name": "Web"}, headers=team.admin.headers)
    await create(client, team.bot, "Osprey in web", projectId="web")
    await create(client, team.bot, "Osprey elsewhere")
    await client.post(
        "/tasks/T-1/activity",
        json={"type": "comment", "message": "osprey noted"},
        headers=team.bot.headers,
    )
    assert sorted(await found(client, team.bot, "osprey")) == ["T-1", "T-1 comment", "T-2"]
    assert sorted(await found(client, team.bot, "osprey", projectId="web")) == [
        "T-1",
        "T-1 comment",
    ]
    error(await client.get("/tasks/search?q=osprey&projectId=nope", headers=team.bot.headers), 404)
    other = await second_workspace(client, platform, admin_handle="zed")
    outsider = Member(other["principal"]["id"], "zed", bearer(other["accessToken"]))
    assert await search(client, outsider, "osprey") == []
    assert await keys(client, outsider, "?q=osprey") == []
    await create(client, outsider, "Osprey of theirs")
    assert await found(client, outsider, "osprey") == ["T-1"]
    assert sorted(await found(client, team.bot, "osprey")) == ["T-1", "T-1 comment", "T-2"]


async def test_every_write_path_keeps_the_index_current(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Alpha", context={"notes": "created with quokka"})
    assert await found(client, team.bot, "quokka", scope="context") == ["T-1"]
    await patch(client, team.bot, "T-1", title="Bravo wombat")
    assert await found(client, team.bot, "wombat", scope="context") == ["T-1"]
    assert await found(client, team.bot, "alpha", scope="context") == []
    await patch(client, team.bot, "T-1", description="now about narwhal")
    assert await found(client, team.bot, "narwhal", scope="context") == ["T-1"]
    await patch(client, team.bot, "T-1", description=None)
    assert await found(client, team.bot, "narwhal", scope="context") == []

    context_writes: list[tuple[str, str, dict[str, Any], str]] = [
        ("PUT", "/tasks/T-1/context", {"background": "pangolin"}, "pangolin"),
        ("PATCH", "/tasks/T-1/context", {"decisions": ["axolotl"]}, "axolotl"),
        ("POST", "/tasks/T-1/context/append", {"constraints": ["okapi"]}, "okapi"),
    ]
    for method, path, body, word in context_writes:
        data(await client.request(method, path, json=body, headers=team.bot.headers))
        assert await found(client, team.bot, word, scope="context") == ["T-1"], method
    assert await found(client, team.bot, "quokka", scope="context") == []  # PUT replaced it
    handoff = {"toId": team.human.id, "reason": "marmot review", "contextUpdate": {"notes": "ibex"}}
    data(await client.post("/tasks/T-1/handoff", json=handoff, headers=team.bot.headers), 201)
    assert await found(client, team.bot, "ibex", scope="context") == ["T-1"]
    assert await found(client, team.bot, "marmot", scope="activity") == ["T-1 handoff"]

    operations = [
        {"op": "create", "data": {"title": "Batch made lemur"}},
        {"op": "update", "ids": ["T-1"], "data": {"title": "Batch renamed tapir"}},
    ]
    data(
        await client.post("/tasks/batch", json={"operations": operations}, headers=team.bot.headers)
    )
    assert await found(client, team.bot, "lemur", scope="context") == ["T-2"]
    assert await found(client, team.bot, "tapir", scope="context") == ["T-1"]

    await create(client, team.bot, "Subtask", parentId="T-1", description="subtask gecko")
    await patch(client, team.bot, "T-1", status="active")  # logged: "Status: todo → active"
    assert "T-1 status_change" in await found(client, team.bot, "todo active", scope="activity")
    await client.post(
        "/tasks/T-1/activity",
        json={"type": "blocker", "message": "waiting on the flamingo"},
        headers=team.bot.headers,
    )
    assert await found(client, team.bot, "flamingo") == ["T-1 blocker"]

    data(await client.delete("/tasks/T-1", headers=team.bot.headers))
    for word in ("tapir", "flamingo", "gecko", "ibex", "okapi"):  # its activity, its subtask
        assert await found(client, team.bot, word) == [], word
    assert await found(client, team.bot, "lemur") == ["T-2"]


HOSTILE = [
    '"',
    '""',
    "**",
    "auth*",
    "-auth",
    "auth OR login",
    "NOT auth",
    "NEAR(auth login)",
    "NEAR(",
    "title:auth",
    "{title}: auth",
    "auth AND",
    "'",
    "o'brien",
    "'; DROP TABLE tasks; --",
    "a & b | !c",
    "auth:*",
    "<->",
    "🔥🔥",
    "naïve café",
    "\\",
    "%_",
    "x" * 200,
    "auth " * 40,
]


async def test_hostile_queries_answer_200_or_400_never_5xx(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Fix the O'Brien auth login", description="naïve café 🔥")
    for q in HOSTILE:
        response = await client.get("/tasks/search", params={"q": q}, headers=team.bot.headers)
        assert response.status_code == (200 if len(q.strip()) >= 2 else 400), (q, response.text)
        response = await client.get("/tasks", params={"q": q}, headers=team.bot.headers)
        assert response.status_code == 200, (q, response.text)
    assert await found(client, team.bot, "o'brien") == ["T-1"]
    assert await found(client, team.bot, "NEAR(auth login)") == []  # "near" is a word here
    assert await found(client, team.bot, '"auth" -login') == ["T-1"]
    assert await found(client, team.bot, "naïve café") == ["T-1"]
    for q in ("", " ", "a", " a ", "x" * 201, "a\x00b"):
        error(await client.get("/tasks/search", params={"q": q}, headers=team.bot.headers), 400)
    error(await client.get("/tasks/search", headers=team.bot.headers), 400)
    for limit in ("0", "201"):
        error(
            await client.get(
                "/tasks/search", params={"q": "auth", "limit": limit}, headers=team.bot.headers
            ),
            400,
        )


async def test_a_short_list_q_matches_text_a_longer_one_words(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await create(client, team.bot, "Tabs versus spaces")
    await create(client, team.bot, "Table layout")
    # 1-2 characters: any part of the title or description, any case.
    assert await keys(client, team.bot, "?q=AB") == ["T-2", "T-1"]
    # 3+ characters: whole words (the last one also as a prefix).
    assert await keys(client, team.bot, "?q=tab") == ["T-2", "T-1"]
    assert await keys(client, team.bot, "?q=abs") == []
    assert await keys(client, team.bot, "?q=spaces tabs") == ["T-1"]


async def test_the_migration_indexes_what_exists_already(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    await create(client, team.bot, "Heron", context={"acceptance": ["egret spotted"]})
    await client.post(
        "/tasks/T-1/activity",
        json={"type": "comment", "message": "saw a bittern"},
        headers=team.bot.headers,
    )
    await platform.store.migrate(downgrade_to("0007"))  # no index any more
    await platform.store.migrate()  # the index again, over the tasks there are
    assert await found(client, team.bot, "heron") == ["T-1"]
    assert await found(client, team.bot, "egret") == ["T-1"]
    assert await found(client, team.bot, "bittern") == ["T-1 comment"]
    await patch(client, team.bot, "T-1", title="Stork")  # and it is kept from then on
    assert await found(client, team.bot, "heron stork") == []
    assert await found(client, team.bot, "stork") == ["T-1"]
