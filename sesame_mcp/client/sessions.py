"""`client.sessions`: agent sessions (`/sessions`): one run of an agent (an IDE conversation,
a headless chat, a sub-agent, an MCP connection) with its liveness, history and file
reservations, and the check of paths against the reservations of the workspace
(`/reservations/check`).

The platform declares these routes in `server_core.features.sessions`; until its operation
declarations exist this area speaks the documented contract itself: bodies and queries are
sent in wire names (camelCase), and answers come back as plain dicts with snake_case keys, so
the MCP tools read them with the same views they would use on the wire models.

    session = await client.sessions.create(kind="mcp", external_id="mcp:abc", client_id="cursor")
    await client.sessions.reserve(session["id"], ["src/app.py"], reason="refactor")
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from server_core.features.messaging.schemas import Message
from server_core.kernel.wire import WireModel
from sesame_mcp.client.wire import Page

if TYPE_CHECKING:
    from sesame_mcp.client.rest import SesameClient

Record = dict[str, Any]
Records = list[Record]  # named once: inside the class, `list` is a method
Messages = list[Message]
Paths = list[str]
_UPPER = re.compile(r"(?<!^)(?=[A-Z])")


def snake(value: Any) -> Any:
    """A wire answer with its keys in snake_case (nested objects and lists too). The values of
    free-form objects (`attributes`) are kept as they are."""
    if isinstance(value, list):
        return [snake(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: Record = {}
    for key, item in value.items():
        name = _UPPER.sub("_", key).lower() if isinstance(key, str) else key
        out[name] = item if name == "attributes" else snake(item)
    return out


def camel(fields: dict[str, Any]) -> Record:
    """Python keyword names as wire names; fields that are None are left out."""
    out: Record = {}
    for name, value in fields.items():
        if value is None:
            continue
        head, *rest = name.split("_")
        out[head + "".join(part.title() for part in rest)] = value
    return out


class Sent(WireModel):
    """What posting into a session answers: the message, and in sync mode the reply (None
    when none came in time)."""

    message: Message
    reply: Message | None = None
    timed_out: bool = False


def _id(session_id: str) -> str:
    return quote(session_id, safe="")


class Sessions:
    """Sessions of the caller's workspace, their history and their file reservations."""

    def __init__(self, client: SesameClient) -> None:
        self._client = client

    async def _call(
        self, method: str, path: str, *, json: Any = None, params: Record | None = None
    ) -> Any:
        answer = await self._client.request(method, path, Any, json=json, params=params)
        return snake(answer.data)

    # --- sessions -------------------------------------------------------------------------

    async def create(self, **fields: Any) -> Record:
        """Start a session, or resume the one with this `external_id` (status back to active,
        activity bumped). Fields as the contract names them, in snake_case."""
        record: Record = await self._call("POST", "/sessions", json=camel(fields))
        return record

    async def list(self, **query: Any) -> Page[Record]:
        """Sessions, newest activity first: `status` (or `all`; default: not closed or
        archived), `kind`, `agent_id`, `external_id`, `limit`, `offset`…"""
        answer = await self._client.request("GET", "/sessions", Any, params=camel(query))
        pagination = answer.pagination or {}
        items = snake(answer.data)
        return Page(items, pagination.get("cursor"), bool(pagination.get("hasMore")))

    async def get(self, session_id: str) -> Record:
        """A session by its id or its external id."""
        record: Record = await self._call("GET", f"/sessions/{_id(session_id)}")
        return record

    async def update(self, session_id: str, **fields: Any) -> Record:
        """Change a session's fields (title, cwd, current_task, status…); None leaves a field
        as it is."""
        path = f"/sessions/{_id(session_id)}"
        record: Record = await self._call("PATCH", path, json=camel(fields))
        return record

    async def heartbeat(self, session_id: str) -> Record:
        """Mark the session alive now (its activity bumped)."""
        record: Record = await self._call("POST", f"/sessions/{_id(session_id)}/heartbeat")
        return record

    async def end(self, session_id: str, *, reason: str | None = None) -> Record:
        """End the session: closed, its reservations released."""
        body = camel({"reason": reason})
        record: Record = await self._call("POST", f"/sessions/{_id(session_id)}/end", json=body)
        return record

    # --- history --------------------------------------------------------------------------

    async def messages(self, session_id: str, **query: Any) -> Page[Message]:
        """A session's history: `after` (a seq or message id), `before`, `limit`, `order`."""
        path = f"/sessions/{_id(session_id)}/messages"
        answer = await self._client.request("GET", path, Messages, params=camel(query))
        pagination = answer.pagination or {}
        return Page(answer.data, pagination.get("cursor"), bool(pagination.get("hasMore")))

    async def send(self, session_id: str, content: str, **fields: Any) -> Sent:
        """Post into a session: `mode` `async` (default: at once) or `sync` (wait up to
        `timeout` seconds for the reply)."""
        path = f"/sessions/{_id(session_id)}/messages"
        body = {"content": content, **camel(fields)}
        answer = await self._client.request("POST", path, Sent, json=body)
        sent: Sent = answer.data
        return sent

    # --- reservations ---------------------------------------------------------------------

    async def reservations(self, session_id: str) -> Records:
        """The reservations a session holds now."""
        records: Records = await self._call("GET", f"/sessions/{_id(session_id)}/reservations")
        return records

    async def reserve(self, session_id: str, paths: Paths, **fields: Any) -> Record:
        """Reserve paths for the session (`reason`, `ttl_seconds`, `exclusive`): answers
        `{granted: [...], conflicts: [{path, holder: {…, minutes_left}}]}`."""
        path = f"/sessions/{_id(session_id)}/reservations"
        record: Record = await self._call("POST", path, json={"paths": paths, **camel(fields)})
        return record

    async def release(self, session_id: str, *, path: Paths | None = None) -> Record:
        """Release the session's reservations of the paths `path` names (all of them when
        none): answers `{released: n}`."""
        params = {"path": path} if path else None
        where = f"/sessions/{_id(session_id)}/reservations"
        record: Record = await self._call("DELETE", where, params=params)
        return record

    async def workspace_reservations(self) -> Records:
        """The active reservations of the workspace."""
        records: Records = await self._call("GET", "/reservations")
        return records

    async def check(self, paths: Paths, *, session_id: str | None = None) -> Records:
        """Whether `session_id` may write each path: `[{path, allowed, holder?, message?}]`."""
        body = {"paths": paths, **camel({"session_id": session_id})}
        records: Records = await self._call("POST", "/reservations/check", json=body)
        return records

    # --- hooks ----------------------------------------------------------------------------

    async def hook(self, payload: Record) -> Record:
        """Forward an IDE hook's JSON (snake_case in and out, passed through as it is)."""
        answer = await self._client.request("POST", "/sessions/hook", Any, json=payload)
        data = answer.data
        return data if isinstance(data, dict) else {}
