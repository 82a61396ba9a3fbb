"""The resources an authorization matrix calls operations on, and how to call one: path
parameters filled from real resources, a body that the rightful caller would have had
accepted (so a refusal is about the caller, not a malformed request)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2

from tests.helpers import KeyPair, api_key_for, bearer, data, provision_agent
from tests.server_core.test_openapi import resolve

# What a path parameter names, from the path segment before it (`/agents/{id}` is an agent,
# `/vault/leases/{id}` a lease). A new route whose parameter is not here fails the matrix.
RESOURCE_BEFORE = {
    "agents": "agent",
    "api-keys": "key",
    "channels": "channel",
    "messages": "message",
    "threads": "message",
    "reactions": "emoji",
    "members": "bot",
    "share": "bot",
    "vaults": "vault",
    "items": "item",
    "leases": "lease",
    "alerts": "alert",
    "attachments": "attachment",
    "projects": "project",
    "tasks": "task",
    "timers": "timer",
    "subscriptions": "subscription",
    "dependencies": "dependency",
    "templates": "template",
    "capabilities": "capability",
    "memory": "memory",
    "webhooks": "webhook",
    "invitations": "invitation",
    "people": "invitation",
    "schedule": "event",
    "exceptions": "exception",
    "channel": "channel",  # /schedule/channel/{channelId}
    "library": "library",
    "pages": "page",
    "collections": "collection",
    "entities": "entity",
    "files": "file",
    "folders": "folder",
    "work-streams": "work_stream",
    "sessions": "session",
}
EMOJI = "👍"


@dataclass
class Resources:
    """Workspace A's resources, created by its admin `ada`; `bot` is an agent ada owns, a
    member of the channel, of the vault (use_only) and of the project, which requested the
    lease and is assigned the task (in the project, waiting on `blocker`), and a viewer of the
    private library (whose page `notes/matrix`, in collection `notes`, links to another, and
    which names the entity `Matrix`), and runs the IDE session `matrix-session`; ada's
    work stream shows its status in the channel."""

    ids: dict[str, str]
    ada: dict[str, str]  # headers
    bot: dict[str, str]
    outsider: dict[str, str]  # an agent of workspace A in neither the channel nor the vault

    def path(self, template: str) -> str:
        def fill(match: re.Match[str]) -> str:
            before = template[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            resource = RESOURCE_BEFORE.get(before)
            assert resource is not None, f"{template}: no resource for {{{match[1]}}}"
            return self.ids[resource]

        return re.sub(r"\{(\w+)\}", fill, template)

    def private_ids(self, *, vault: bool = True) -> set[str]:
        """Ids nobody outside the channel (and, with `vault`, the vault) may learn."""
        names = ["channel", "message", "key", "library", "file", "folder", "session"]
        if vault:
            names += ["vault", "item", "lease", "alert", "attachment"]
        return {self.ids[name] for name in names}


async def create_resources(http: httpx2.AsyncClient, ada_token: str) -> Resources:
    ada = bearer(ada_token)
    agent = await provision_agent(http, ada_token, "matrix-bot")
    key = await api_key_for(http, ada_token, agent["id"])
    keys = data(await http.get(f"/agents/{agent['id']}/api-keys", headers=ada))
    bot = bearer(key)
    outsider = await provision_agent(http, ada_token, "matrix-outsider")
    outsider_key = await api_key_for(http, ada_token, outsider["id"])
    body = {"kind": "group", "name": "private", "memberIds": [agent["id"]]}
    channel = data(await http.post("/channels", json=body, headers=ada), 201)
    message = data(
        await http.post(f"/channels/{channel['id']}/messages", json={"content": "hi"}, headers=ada),
        201,
    )
    reaction = {"emoji": EMOJI}
    path = f"/channels/{channel['id']}/messages/{message['id']}/reactions"
    data(await http.post(path, json=reaction, headers=ada))
    vault = data(await http.post("/vault/vaults", json={"name": "Matrix"}, headers=ada), 201)
    member = {"principalId": agent["id"], "role": "use_only"}
    data(await http.post(f"/vault/vaults/{vault['id']}/members", json=member, headers=ada), 201)
    item_body = {
        "vaultId": vault["id"],
        "name": "db",
        "type": "login",
        "fields": {"username": "u", "password": "p"},
    }
    item = data(await http.post("/vault/items", json=item_body, headers=ada), 201)["item"]
    lease = data(
        await http.post("/vault/leases/request", json={"itemId": item["id"]}, headers=bot), 201
    )
    alert_body = {"vaultId": vault["id"], "trigger": "every_access", "destination": "push"}
    alert = data(await http.post("/vault/alerts", json=alert_body, headers=ada), 201)
    project_body = {"slug": "matrix", "name": "Matrix"}
    project = data(await http.post("/projects", json=project_body, headers=ada), 201)
    member = {"principalId": agent["id"], "role": "member"}
    data(await http.post(f"/projects/{project['id']}/members", json=member, headers=ada), 201)
    blocker = data(await http.post("/tasks", json={"title": "First"}, headers=ada), 201)
    task_body = {"title": "Second", "projectId": project["id"], "assigneeIds": [agent["id"]]}
    task = data(await http.post("/tasks", json=task_body, headers=ada), 201)
    dependency = data(
        await http.post(
            f"/tasks/{task['id']}/dependencies", json={"dependsOnId": blocker["id"]}, headers=ada
        ),
        201,
    )
    template_body = {"name": "Matrix", "titlePattern": "Matrix run"}
    template = data(await http.post("/tasks/templates", json=template_body, headers=ada), 201)
    capability = {"namespace": "code", "name": "review"}
    path = f"/agents/{agent['id']}/capabilities"
    capability_id = data(await http.post(path, json=capability, headers=bot), 201)["id"]
    remembered = {"category": "lessons", "key": "matrix", "content": "the matrix runs"}
    path = f"/agents/{agent['id']}/memory"
    memory = data(await http.put(path, json=remembered, headers=bot))
    hook = {"url": "http://127.0.0.1:9/hook", "eventTypes": ["message"]}
    path = f"/agents/{agent['id']}/webhooks"
    webhook = data(await http.post(path, json=hook, headers=bot), 201)
    invited = {"email": "matrix@example.com"}
    invitation = data(await http.post("/invitations", json=invited, headers=ada), 201)
    standup = {"title": "Matrix standup", "cronExpression": "0 9 * * *"}
    event = data(await http.post("/schedule", json=standup, headers=ada), 201)
    skipped = {"originalDate": event["nextOccurrenceAt"], "kind": "cancelled"}
    path = f"/schedule/{event['id']}/exceptions"
    exception = data(await http.post(path, json=skipped, headers=ada), 201)
    library = data(await http.post("/library", json={"name": "Matrix"}, headers=ada), 201)
    member = {"principalId": agent["id"], "role": "viewer"}
    data(await http.post(f"/library/{library['id']}/members", json=member, headers=ada), 201)
    schema = {"schema": {"status": {"type": "string"}}}
    path = f"/library/{library['id']}/collections/notes"
    data(await http.put(path, json=schema, headers=ada), 201)
    page = {"body": "# Matrix\n\n[[notes/other]]", "collection": "notes"}
    data(
        await http.put(f"/library/{library['id']}/pages/notes/matrix", json=page, headers=ada), 201
    )
    named = {"kind": "concept", "canonicalName": "Matrix", "aliases": ["grid"]}
    path = f"/library/{library['id']}/entities"
    entity = data(await http.post(path, json=named, headers=ada), 201)
    timer_body = {"fireAt": _in_a_month(), "message": "matrix"}
    timer = data(await http.post(f"/tasks/{task['id']}/timer", json=timer_body, headers=bot), 201)
    watch = {"source": "github", "event": "workflow_run.completed"}
    path = f"/agents/{agent['id']}/subscriptions"
    subscription = data(await http.post(path, json=watch, headers=bot), 201)
    folder = data(await http.post("/drive/folders", json={"name": "Matrix"}, headers=ada), 201)
    streamed = {"runnerType": "matrix", "title": "Matrix", "channelId": channel["id"]}
    work_stream = data(await http.post("/work-streams", json=streamed, headers=ada), 201)
    file = await _upload(http, ada, channel["id"], folder["id"])
    coding = {"externalId": "matrix-session", "kind": "ide", "title": "Matrix"}
    session = data(await http.post("/sessions", json=coding, headers=bot), 201)
    ids = {
        "agent": agent["id"],
        "bot": agent["id"],
        "key": keys[0]["id"],
        "channel": channel["id"],
        "message": message["id"],
        "emoji": EMOJI,
        "vault": vault["id"],
        "item": item["id"],
        "lease": lease["id"],
        "alert": alert["id"],
        "attachment": await _attach(http, ada, item["id"]),
        "project": project["id"],
        "task": task["id"],
        "blocker": blocker["id"],
        "dependency": dependency["id"],
        "template": template["id"],
        "capability": capability_id,
        "memory": memory["id"],
        "webhook": webhook["id"],
        "invitation": invitation["id"],
        "event": event["id"],
        "exception": exception["id"],
        "library": library["id"],
        "page": "notes/matrix",
        "collection": "notes",
        "entity": entity["id"],
        "file": file["id"],
        "folder": folder["id"],
        "work_stream": work_stream["id"],
        "timer": timer["id"],
        "subscription": subscription["id"],
        "session": session["id"],
    }
    return Resources(ids, ada, bot, bearer(outsider_key))


async def _upload(
    http: httpx2.AsyncClient, headers: dict[str, str], channel_id: str, folder_id: str
) -> dict[str, Any]:
    """A drive file of ada's, in her folder, tagged to the private channel."""
    described = {"fileName": "matrix.txt", "contentType": "text/plain", "size": 6}
    issued = data(await http.post("/drive/files/upload-url", json=described, headers=headers))
    sent = await http.put(
        issued["uploadUrl"], content=b"matrix", headers={"Content-Type": "text/plain"}
    )
    assert sent.status_code == 200, sent.text
    body = {**described, "fileId": issued["fileId"], "s3Key": issued["s3Key"]}
    body |= {"channelId": channel_id, "folderId": folder_id}
    file: dict[str, Any] = data(await http.post("/drive/files", json=body, headers=headers), 201)
    return file


async def _attach(http: httpx2.AsyncClient, headers: dict[str, str], item_id: str) -> str:
    """A file of ada's attached to the vault item; its attachment id."""
    described = {"fileName": "key.pem", "contentType": "text/plain", "size": 6}
    path = f"/vault/items/{item_id}/attachments/upload-url"
    issued = data(await http.post(path, json=described, headers=headers))
    sent = await http.put(issued["url"], content=b"secret", headers={"Content-Type": "text/plain"})
    assert sent.status_code == 200, sent.text
    attachment_id: str = issued["attachmentId"]
    return attachment_id


def _in_a_month() -> str:
    return (datetime.now(UTC) + timedelta(days=30)).isoformat()


def example_body(method: str, path: str, ids: dict[str, str]) -> dict[str, Any] | None:
    """A body the rightful caller would have had accepted. An operation not listed here gets
    its schema's required fields (`minimal_body`); if that is refused as malformed, the matrix
    fails and says so, and the operation needs a line here."""
    examples: dict[tuple[str, str], dict[str, Any]] = {
        ("POST", "/channels"): {"kind": "group", "name": "x", "memberIds": [ids["bot"]]},
        ("POST", "/channels/dm"): {"principalId": ids["bot"]},
        ("POST", "/channels/{cid}/messages"): {"content": "hello"},
        ("POST", "/channels/{cid}/messages/read"): {"seq": 1},
        ("PATCH", "/channels/{cid}/messages/{mid}"): {"content": "edited"},
        ("POST", "/channels/{cid}/messages/{mid}/reactions"): {"emoji": "🎉"},
        ("PATCH", "/channels/{id}"): {"name": "renamed"},
        ("PUT", "/channels/{id}/context"): {"context": "the plan"},
        ("PUT", "/channels/{id}/coordination"): {"mode": "free"},
        ("POST", "/channels/{id}/members"): {"principalId": ids["agent"]},
        ("PATCH", "/channels/{id}/members/{pid}"): {"muted": True},
        ("POST", "/channels/{id}/threads/{mid}/transfer"): {"newOwnerId": ids["bot"]},
        ("POST", "/agents"): {"handle": "made-here"},
        ("PATCH", "/agents/{id}"): {"displayName": "Renamed"},
        ("PUT", "/agents/{id}/status"): {"status": "busy"},
        ("POST", "/agents/{id}/api-keys"): {"label": "x"},
        ("POST", "/agents/{id}/rotate-key"): {"newPublicKey": KeyPair.generate().public_b64},
        ("PATCH", "/auth/profile"): {"displayName": "Renamed"},
        ("POST", "/vault/vaults"): {"name": "Elsewhere"},
        ("PATCH", "/vault/vaults/{vid}"): {"name": "Renamed"},
        ("PUT", "/vault/vaults/{vid}/masking-policy"): {"maskingPolicy": None},
        ("POST", "/vault/vaults/{vid}/members"): {"principalId": ids["bot"], "role": "viewer"},
        ("POST", "/vault/items"): {
            "vaultId": ids["vault"],
            "name": "x",
            "type": "login",
            "fields": {"password": "p"},
        },
        ("PATCH", "/vault/items/{id}"): {"name": "renamed"},
        ("POST", "/vault/items/{id}/reveal"): {},
        ("POST", "/vault/items/{id}/share"): {"principalId": ids["bot"]},
        ("POST", "/vault/items/{id}/attachments/upload-url"): {"fileName": "a.txt", "size": 3},
        ("POST", "/vault/leases/request"): {"itemId": ids["item"]},
        ("POST", "/vault/leases/{id}/approve"): {},
        ("POST", "/projects/{id}/members"): {"principalId": ids["bot"], "role": "member"},
        ("POST", "/tasks"): {"title": "matrix", "projectId": ids["project"]},
        ("POST", "/agents/{id}/webhooks"): {
            "url": "http://127.0.0.1:9/matrix",
            "eventTypes": ["message"],
        },
        ("POST", "/agents/{id}/capabilities"): {"namespace": "code", "name": "review"},
        ("PUT", "/agents/{id}/capabilities"): {"capabilities": []},
        ("POST", "/tasks/{id}/dependencies"): {"dependsOnId": ids["blocker"]},
        ("POST", "/tasks/{id}/timer"): {"fireAt": _in_a_month(), "message": "matrix"},
        ("POST", "/agents/{id}/subscriptions"): {"source": "github", "event": "push"},
        ("POST", "/tasks/{id}/handoff"): {"toId": ids["bot"], "reason": "matrix"},
        ("POST", "/tasks/{id}/activity"): {"type": "comment", "message": "matrix"},
        ("POST", "/library/{id}/members"): {"principalId": ids["bot"], "role": "viewer"},
        ("PATCH", "/library/{id}/members/{principalId}"): {"role": "viewer"},
        ("POST", "/library/{id}/pages/{path}/rename"): {"newPath": "notes/moved"},
        ("POST", "/library/{id}/pages/{path}/blocks"): {"content": "- matrix"},
        ("POST", "/library/{id}/entities/resolve"): {"terms": ["grid"]},
        ("POST", "/library/{id}/entities"): {"kind": "tag", "canonicalName": "matrix-tag"},
        ("POST", "/library/{id}/sync/push"): {
            "operations": [{"kind": "upsert", "path": "notes/synced", "raw": "- matrix"}]
        },
        ("POST", "/library/{id}/lint"): {"path": "notes/matrix"},
        ("POST", "/library/{id}/lint/batch"): {"collection": "notes"},
        ("PUT", "/library/{id}/git-mirror"): {"remote": "https://127.0.0.1:9/matrix.git"},
        ("POST", "/library/{id}/git-mirror/pull/apply"): {
            "remoteCommit": "0" * 40,
            "libraryClock": 0,
        },
        ("POST", "/drive/files/upload-url"): {
            "fileName": "a.txt",
            "contentType": "text/plain",
            "size": 1,
        },
        ("POST", "/drive/files"): {
            "fileId": ids["file"],
            "s3Key": "drive/x/y/a.txt",
            "fileName": "a.txt",
            "contentType": "text/plain",
            "size": 1,
        },
        ("POST", "/drive/files/save-from-channel"): {
            "attachmentId": ids["file"],
            "channelId": ids["channel"],
        },
        ("POST", "/drive/files/{id}/channels"): {"channelId": ids["channel"]},
        ("PATCH", "/drive/files/{id}"): {"description": "matrix"},
        ("POST", "/drive/folders"): {"name": "Elsewhere"},
        ("PATCH", "/drive/folders/{id}"): {"name": "Renamed"},
        ("POST", "/vault/alerts"): {
            "vaultId": ids["vault"],
            "trigger": "denied",
            "destination": "push",
        },
        ("PUT", "/schedule/sync"): {"events": [{"externalId": "matrix", "title": "Matrix"}]},
        ("POST", "/schedule/{eventId}/exceptions"): {
            "originalDate": "2030-01-01T09:00:00Z",
            "kind": "cancelled",
        },
        ("POST", "/schedule/{eventId}/occurrences"): {"scheduledAt": "2030-01-01T09:00:00Z"},
        ("POST", "/work-streams/{id}/events"): {"events": [{"content": "matrix"}]},
        ("POST", "/voice/transcribe"): {"fileId": ids["file"]},
        ("PATCH", "/sessions/{id}/attributes"): {"patch": {"matrix": True}},
        ("POST", "/sessions/{id}/reservations"): {"paths": ["src/matrix.py"]},
    }
    return examples.get((method, path))


def minimal_body(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    """The required fields of an operation's body schema, each with a plain value."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    schema = resolve(spec, content["schema"])
    options = [resolve(spec, alt) for alt in schema.get("anyOf", [schema])]
    model = next(alt for alt in options if alt.get("type") != "null")
    return {
        name: plain_value(spec, model["properties"][name]) for name in model.get("required", [])
    }


def plain_value(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    schema = resolve(spec, schema)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "anyOf" in schema:
        return plain_value(spec, schema["anyOf"][0])
    plain = {"string": "x", "integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}
    return plain.get(schema.get("type", "object"))
