"""File reservations: reserve, renew, conflicts naming the holder, the pre-write check, release,
two sessions racing for one file (exactly one wins), expiry after the ttl and release when a
session ends or expires — with the clock the tests control."""

from __future__ import annotations

from datetime import timedelta

import anyio
import httpx2
import pytest

from server_core.features.sessions.liveness import sweep_once
from server_core.kernel.clock import utcnow
from server_core.kernel.platform import Platform
from tests.helpers import data, error
from tests.server_core.features.messaging.team import Team
from tests.server_core.features.sessions.conftest import hook, start

pytestmark = [pytest.mark.anyio, pytest.mark.both_engines]


async def reserve(client: httpx2.AsyncClient, ref: str, who: object, *paths: str) -> dict:  # type: ignore[type-arg]
    response = await client.post(
        f"/sessions/{ref}/reservations",
        json={"paths": list(paths)},
        headers=who.headers,  # type: ignore[attr-defined]
    )
    return data(response)  # type: ignore[no-any-return]


async def test_reserve_renew_conflict_check_and_release(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await start(client, team.bot, externalId="one", kind="ide", currentTask="Build JWT auth")
    await start(client, team.other_bot, externalId="two", kind="ide")
    first = await reserve(client, "one", team.bot, "./src/auth//login.ts", "README.md")
    assert [held["path"] for held in first["granted"]] == ["src/auth/login.ts", "README.md"]
    renewed = await reserve(client, "one", team.bot, "src/auth/login.ts")
    assert renewed["granted"][0]["id"] == first["granted"][0]["id"]
    assert renewed["granted"][0]["expiresAt"] >= first["granted"][0]["expiresAt"]
    taken = await reserve(client, "two", team.other_bot, "src/auth/login.ts", "src/other.ts")
    assert [held["path"] for held in taken["granted"]] == ["src/other.ts"]
    conflict = taken["conflicts"][0]
    assert conflict["path"] == "src/auth/login.ts"
    assert conflict["holder"]["name"] == "bot" or conflict["holder"]["task"] == "Build JWT auth"
    assert conflict["holder"]["minutesLeft"] == 10
    checks = data(
        await client.post(
            "/reservations/check",
            json={"paths": ["src/auth/login.ts", "free.py"], "sessionId": "two"},
            headers=team.other_bot.headers,
        )
    )
    assert [(c["path"], c["allowed"]) for c in checks] == [
        ("src/auth/login.ts", False),
        ("free.py", True),
    ]
    assert checks[0]["message"].startswith("File src/auth/login.ts is reserved by ")
    assert "— 'Build JWT auth' (10 min remaining)" in checks[0]["message"]
    own = data(
        await client.post(
            "/reservations/check",
            json={"paths": ["src/auth/login.ts"], "sessionId": "one"},
            headers=team.bot.headers,
        )
    )
    assert own[0]["allowed"] is True
    released = await client.delete(
        "/sessions/one/reservations", params={"path": "src/auth/login.ts"}, headers=team.bot.headers
    )
    assert data(released) == {"released": 1}
    after = await reserve(client, "two", team.other_bot, "src/auth/login.ts")
    assert after["conflicts"] == []
    held = data(await client.get("/sessions/one/reservations", headers=team.bot.headers))
    assert [r["path"] for r in held] == ["README.md"]


async def test_paths_outside_the_repository_are_refused(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await start(client, team.bot, externalId="s", kind="ide")
    for bad in ("/etc/passwd", "../secrets", "a/../../b", "C:\\x", ".."):
        refused = await client.post(
            "/sessions/s/reservations", json={"paths": [bad]}, headers=team.bot.headers
        )
        error(refused, 400, "validation_error")


async def test_two_sessions_racing_for_one_file_get_exactly_one_winner(
    client: httpx2.AsyncClient, team: Team
) -> None:
    await start(client, team.bot, externalId="left", kind="ide")
    await start(client, team.other_bot, externalId="right", kind="ide")
    results: list[dict] = []  # type: ignore[type-arg]

    async def race(ref: str, who: object) -> None:
        results.append(await reserve(client, ref, who, "src/hot.py"))

    for _ in range(5):
        results.clear()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(race, "left", team.bot)
            tasks.start_soon(race, "right", team.other_bot)
        assert sorted(len(r["granted"]) for r in results) == [0, 1]
        for ref, who in (("left", team.bot), ("right", team.other_bot)):
            await client.delete(f"/sessions/{ref}/reservations", headers=who.headers)


async def test_reservations_expire_and_end_with_their_session(
    client: httpx2.AsyncClient, team: Team, platform: Platform
) -> None:
    await start(client, team.bot, externalId="ide", kind="ide")
    await start(client, team.bot, externalId="chat", kind="chat")
    await reserve(client, "ide", team.bot, "a.py")
    await reserve(client, "chat", team.bot, "b.py")
    h = team.bot.headers
    await sweep_once(platform, utcnow() + timedelta(minutes=2))
    ide = data(await client.get("/sessions/ide", headers=h))
    assert ide["status"] == "idle"  # a fifth of its five minutes
    await sweep_once(platform, utcnow() + timedelta(minutes=6))
    ide = data(await client.get("/sessions/ide", headers=h))
    assert (ide["status"], ide["endReason"], ide["reservedFiles"]) == ("closed", "expired", [])
    chat = data(await client.get("/sessions/chat", headers=h))
    assert chat["status"] == "active"  # chat sessions wait a day; its file waits its 10 min
    assert chat["reservedFiles"] == ["b.py"]
    await sweep_once(platform, utcnow() + timedelta(minutes=11))
    assert data(await client.get("/reservations", headers=h)) == []
    other = await start(client, team.other_bot, externalId="next", kind="ide")
    assert (await reserve(client, other["id"], team.other_bot, "b.py"))["conflicts"] == []
    beat = data(await client.post("/sessions/ide/heartbeat", headers=h))
    assert (beat["status"], beat["endReason"]) == ("active", None)  # back from expiry
    await reserve(client, "ide", team.bot, "c.py")
    ended = data(await client.post("/sessions/ide/end", headers=h))
    assert (ended["status"], ended["endReason"], ended["reservedFiles"]) == (
        "closed",
        "ended",
        [],
    )
    error(await client.post("/sessions/ide/reservations", json={"paths": ["d"]}, headers=h), 409)


async def test_an_agents_ide_and_mcp_sessions_in_one_tree_do_not_block_each_other(
    client: httpx2.AsyncClient, team: Team
) -> None:
    # The agent reserves a file through its MCP connection's session, then its IDE's hooks
    # (another session, same agent, same checkout) edit it: one worker, not a conflict.
    await start(client, team.bot, externalId="mcp:1", kind="mcp", cwd="/repo/")
    await reserve(client, "mcp:1", team.bot, "src/app.py")
    edit = {"tool_name": "Edit", "tool_input": {"file_path": "/repo/src/app.py"}}
    await hook(client, team.bot, "SessionStart", conversation_id="conv-1", cwd="/repo")
    allowed = await hook(client, team.bot, "PreToolUse", conversation_id="conv-1", **edit)
    assert allowed["permission"] == "allow"
    posted = await hook(client, team.bot, "PostToolUse", conversation_id="conv-1", **edit)
    assert posted["reserved"] == ["src/app.py"]
    assert posted["message"] is None
    held = data(await client.get("/sessions/mcp:1/reservations", headers=team.bot.headers))
    assert [r["path"] for r in held] == ["src/app.py"]  # renewed where it was held

    # The same agent in another checkout, and another agent in this one, are other workers.
    await hook(client, team.bot, "SessionStart", conversation_id="conv-2", cwd="/elsewhere")
    elsewhere = {"tool_name": "Write", "tool_input": {"file_path": "src/app.py"}}
    denied = await hook(client, team.bot, "preToolUse", conversation_id="conv-2", **elsewhere)
    assert denied["permission"] == "deny"
    await hook(client, team.other_bot, "sessionStart", conversation_id="conv-3", cwd="/repo")
    denied = await hook(client, team.other_bot, "PreToolUse", conversation_id="conv-3", **edit)
    assert denied["permission"] == "deny"
    assert denied["message"].startswith("File src/app.py is reserved by ")

    # Reads are never refused, whatever the event names.
    read = {"file_path": "/repo/src/app.py"}
    for event in ("beforeReadFile", "PreToolUse"):
        extra = {} if event == "beforeReadFile" else {"tool_name": "Read"}
        answer = await hook(
            client, team.other_bot, event, conversation_id="conv-3", **read, **extra
        )
        assert answer["permission"] == "allow", event
