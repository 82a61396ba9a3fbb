"""The Eliza Sessions API, driven by the real `@elizaos/api-client` 1.7.2 (its published
dist/index.js imports nothing) from a Node script against the real server on uvicorn."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest

from server_core.features.messaging.events import MessageCreated
from server_core.kernel.platform import Platform
from tests.server_core.features.messaging.team import Team
from tests.server_core.gateway.conftest import running

pytestmark = pytest.mark.anyio
VERSION = "1.7.2"
CACHE = Path.home() / ".cache" / "sesame-tests" / f"elizaos-api-client-{VERSION}"

SCRIPT = r"""
import { ElizaClient } from "%(client)s";

const base = process.env.BASE_URL;
const user = ElizaClient.create({
  baseUrl: base, headers: { Authorization: `Bearer ${process.env.USER_TOKEN}` },
});
const bot = ElizaClient.create({ baseUrl: base, apiKey: process.env.BOT_KEY });
const stranger = ElizaClient.create({ baseUrl: base, apiKey: "sk_live_not_a_key" });
const out = {};
const failure = async (work) => {
  try { await work(); return null; } catch (error) {
    return { name: error.name, code: error.code, status: error.status };
  }
};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

out.health = await bot.sessions.checkHealth();
const created = await user.sessions.createSession({
  agentId: process.env.BOT_ID,
  userId: process.env.USER_ID,
  metadata: { platform: "discord", username: "grace" },
});
out.created = created;
const id = created.sessionId;
out.info = await bot.sessions.getSession(id);
out.first = await user.sessions.sendMessage(id, {
  content: "hello",
  attachments: [{ type: "image", url: "https://example.com/a.png", name: "a.png" }],
});
await pause(5);
out.second = await user.sessions.sendMessage(id, { content: "again" });
out.newest = await user.sessions.getMessages(id, { limit: 1 });
const before = out.newest.messages[0].createdAt;
out.older = await user.sessions.getMessages(id, { limit: 1, before });
out.sync = await user.sessions.sendMessageSync(id, { content: "sync?" });
out.list = await bot.sessions.listSessions();
out.missing = await failure(() => bot.sessions.getSession("missing"));
out.badKey = await failure(() => stranger.sessions.listSessions());
out.badBody = await failure(() => user.sessions.createSession({ agentId: process.env.BOT_ID }));
out.deleted = await user.sessions.deleteSession(id);
out.afterDelete = await failure(() => user.sessions.getSession(id));
console.log(JSON.stringify(out));
"""


def client_dist() -> Path:
    """The published client's dist/index.js, packed once into a cache."""
    index = CACHE / "package" / "dist" / "index.js"
    if index.exists():
        return index
    CACHE.mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(
        ["npm", "pack", f"@elizaos/api-client@{VERSION}", "--silent"],
        cwd=CACHE,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    with tarfile.open(CACHE / packed.stdout.strip().splitlines()[-1]) as archive:
        archive.extractall(CACHE, filter="data")
    return index


async def test_the_eliza_client_drives_a_session(
    platform: Platform, team: Team, tmp_path: Path
) -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run @elizaos/api-client")
    index = await anyio.to_thread.run_sync(client_dist)
    script = tmp_path / "drive.mjs"
    script.write_text(SCRIPT % {"client": index.as_uri()})
    user_token = team.human.headers["Authorization"].removeprefix("Bearer ")
    bot_key = team.bot.headers["Authorization"].removeprefix("Bearer ")
    subscription = platform.bus.subscribe()
    async with running(platform) as live:
        base = f"http://127.0.0.1:{live.port}"

        async def reply_to_sync() -> None:
            while True:
                event = await subscription.get()
                if isinstance(event, MessageCreated) and event.message.plaintext == "sync?":
                    break
            async with httpx2.AsyncClient(base_url=live.api) as http:
                sessions = await http.get("/sessions", headers=team.bot.headers)
                session_id = sessions.json()["data"][0]["id"]
                answered = await http.post(
                    f"/sessions/{session_id}/messages",
                    json={"content": "pong", "metadata": {"thought": "say pong"}},
                    headers=team.bot.headers,
                )
                assert answered.is_success, answered.text

        env = {
            **os.environ,
            "BASE_URL": base,
            "USER_TOKEN": user_token,
            "USER_ID": team.human.id,
            "BOT_KEY": bot_key,
            "BOT_ID": team.bot.id,
        }
        result: dict[str, Any] = {}
        try:
            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    group.start_soon(reply_to_sync)
                    done = await anyio.run_process(["node", str(script)], env=env, check=False)
                    group.cancel_scope.cancel()
        finally:
            subscription.close()
        assert done.returncode == 0, done.stderr.decode()
        result = json.loads(done.stdout.decode().strip().splitlines()[-1])

    assert result["health"]["status"] == "healthy"
    assert result["health"]["activeSessions"] == 0
    created = result["created"]
    assert created["agentId"] == team.bot.id
    assert created["userId"] == team.human.id
    assert created["metadata"] == {"platform": "discord", "username": "grace"}
    info = result["info"]
    assert info["sessionId"] == created["sessionId"]
    assert set(info) >= {"createdAt", "lastActivity", "metadata"}

    first = result["first"]
    assert first["content"] == "hello"
    assert first["userMessage"]["id"] == first["id"]
    assert first["metadata"]["attachments"] == [
        {"type": "image", "url": "https://example.com/a.png", "name": "a.png"}
    ]
    assert "agentResponse" not in first
    assert [m["content"] for m in result["newest"]["messages"]] == ["again"]
    assert result["newest"]["hasMore"] is True
    assert [m["content"] for m in result["older"]["messages"]] == ["hello"]
    assert result["older"]["messages"][0]["isAgent"] is False
    assert result["older"]["messages"][0]["authorId"] == team.human.id

    assert result["sync"]["userMessage"]["content"] == "sync?"
    assert result["sync"]["agentResponse"] == {"text": "pong", "thought": "say pong"}
    assert result["list"]["total"] == 1
    assert result["list"]["sessions"][0]["sessionId"] == created["sessionId"]

    assert result["missing"] == {"name": "ApiError", "code": "SESSION_NOT_FOUND", "status": 404}
    assert result["badKey"]["status"] == 401
    assert result["badBody"] == {"name": "ApiError", "code": "INVALID_REQUEST", "status": 400}
    assert result["deleted"]["deleted"] is True
    assert result["afterDelete"]["status"] == 404
