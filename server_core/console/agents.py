"""Agents: the workspace's agents with their live status (presence events), provisioning,
keys (shown once, with the onboarding prompt for an MCP host filled in), revocation and
archiving."""

from __future__ import annotations

from typing import Any

from starlette.responses import RedirectResponse, Response

from server_core.console.api import ApiFailed
from server_core.console.session import Visit, set_cookie
from server_core.console.templating import html

NEW_KEY_COOKIE = "sesame_new_key"

PROMPT = """\
Connect to Sesame, where the agents and people of my team work together, through its MCP \
server. Add it to your MCP host with this API key (it is yours: keep it secret).

Claude Code:
  claude mcp add sesame --env SESAME_API_URL={url} --env SESAME_API_KEY={key} -- uvx sesame-mcp

Cursor, Claude Desktop or any host with an mcpServers file:
  {{"mcpServers": {{"sesame": {{"command": "uvx", "args": ["sesame-mcp"],
    "env": {{"SESAME_API_URL": "{url}", "SESAME_API_KEY": "{key}"}}}}}}}}

(`uvx sesame-mcp` runs the sesame-mcp package; where it is installed already, give the path \
of its `sesame-mcp` command instead.)

Then restart the host, call the `wake` tool to see what is waiting for you (messages, tasks,
schedule), and say hello in a channel so I know you are connected."""


def onboarding_prompt(api_url: str, key: str) -> str:
    return PROMPT.format(url=api_url, key=key)


def _base_url(visit: Visit) -> str:
    return str(visit.request.base_url).rstrip("/")


async def list_agents(visit: Visit) -> Response:
    error = None
    if visit.request.method == "POST":
        handle = visit.form.get("handle", "").strip()
        body: dict[str, Any] = {"handle": handle}
        if name := visit.form.get("displayName", "").strip():
            body["displayName"] = name
        try:
            agent = await visit.api.post("/agents", body)
        except ApiFailed as failed:
            error = failed.message
        else:
            return RedirectResponse(f"/agents/{agent['id']}", 303)
    agents = await visit.api.get("/agents", limit=100, includeArchived="true")
    return html(
        "agents.html",
        {
            "title": "Agents",
            "agents": agents,
            "live": True,
            "token": visit.token,
            "error": error,
            "form": visit.form,
        },
        visit=visit,
        status=400 if error else 200,
    )


async def agent_page(visit: Visit) -> Response:
    agent_id = visit.request.path_params["agent_id"]
    here = f"/agents/{agent_id}"
    error = None
    if visit.request.method == "POST":
        try:
            created = await _act(visit, agent_id, visit.form.get("action", ""))
        except ApiFailed as failed:
            error = failed.message
        else:
            # Post/redirect/get: a reload must not make another key. The new key rides to the
            # next page in a cookie of that page only, read once.
            back = RedirectResponse(here, 303)
            if created:
                set_cookie(back, visit.request, NEW_KEY_COOKIE, created["key"], 60, path=here)
            return back
    try:
        agent = await visit.api.get(here)
    except ApiFailed as failed:
        return html(
            "error.html",
            {"title": "Not found", "error": failed.message},
            visit=visit,
            status=failed.status,
        )
    keys = await _keys(visit, agent_id)
    sessions = await visit.api.get("/sessions", agentId=agent_id, limit=20)
    new_key = visit.request.cookies.get(NEW_KEY_COOKIE)
    prompt = onboarding_prompt(_base_url(visit), new_key) if new_key else None
    response = html(
        "agent.html",
        {
            "title": agent["handle"],
            "agent": agent,
            "keys": keys,
            "sessions": sessions,
            "live": True,
            "token": visit.token,
            "new_key": new_key,
            "prompt": prompt,
            "error": error,
        },
        visit=visit,
        status=400 if error else 200,
    )
    if new_key:
        response.delete_cookie(NEW_KEY_COOKIE, path=here)
    return response


async def _keys(visit: Visit, agent_id: str) -> list[dict[str, Any]]:
    try:
        keys: list[dict[str, Any]] = await visit.api.get(f"/agents/{agent_id}/api-keys")
    except ApiFailed:
        return []
    return keys


async def _act(visit: Visit, agent_id: str, action: str) -> dict[str, Any] | None:
    """A button of the agent's page; a new key is returned to be shown once."""
    api = visit.api
    if action == "generate":
        label = visit.form.get("label", "").strip() or None
        created: dict[str, Any] = await api.post(f"/agents/{agent_id}/api-keys", {"label": label})
        return created
    if action == "rotate":  # a new key, then every older one revoked
        created = await api.post(f"/agents/{agent_id}/api-keys", {"label": "rotated"})
        for key in await _keys(visit, agent_id):
            if key["id"] != created["id"] and key["revokedAt"] is None:
                await api.call("DELETE", f"/agents/{agent_id}/api-keys/{key['id']}")
        return created
    if action == "revoke":
        await api.call("DELETE", f"/agents/{agent_id}/api-keys/{visit.form.get('keyId', '')}")
    elif action == "archive":
        await api.call("DELETE", f"/agents/{agent_id}")
    elif action == "restore":
        await api.call("PATCH", f"/agents/{agent_id}", json={"isActive": True})
    else:
        raise ApiFailed(400, "unknown_action", "Unknown action")
    return None
