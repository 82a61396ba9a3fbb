"""`SesameClient`: the REST API over httpx2, typed with the server's own wire models.

A client holds one credential and one connection pool. Requests are validated with the
server's request models before they are sent, answers are unwrapped from `{"ok": true,
"data": …}` and validated into its response models, and every failure — an error answer, a
dropped connection, a body of the wrong shape — is raised as `SesameError`.

Operations are grouped by platform area: `client.agents`, `client.channels`,
`client.messages`, `client.vault`, `client.projects`, `client.tasks`, `client.webhooks`,
`client.schedule`, `client.autonomy`, `client.sessions`; the
caller's own identity is on the client (`me`, `update_profile`).
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

import httpx2

from server_core.features.auth.schemas import (
    AuthSession,
)
from server_core.kernel.operations import Operation
from sesame_mcp.client.agents import Agents
from sesame_mcp.client.auth import AccessToken, AgentKey, ApiKey, Auth, Credentials
from sesame_mcp.client.autonomy import Autonomy
from sesame_mcp.client.channels import Channels
from sesame_mcp.client.drive import Drive
from sesame_mcp.client.errors import CONNECTION_FAILED, TIMEOUT, SesameError
from sesame_mcp.client.events import EventListener
from sesame_mcp.client.library import Library
from sesame_mcp.client.messages import Messages
from sesame_mcp.client.projects import Projects
from sesame_mcp.client.push import Push
from sesame_mcp.client.schedule import Schedule
from sesame_mcp.client.sessions import Sessions
from sesame_mcp.client.tasks import Tasks
from sesame_mcp.client.vault import VaultApi
from sesame_mcp.client.voice import Voice
from sesame_mcp.client.webhooks import Webhooks
from sesame_mcp.client.wire import (
    API_PREFIX,
    Answer,
    Page,
    api_root,
    error_code,
    parse_answer,
    websocket_url,
)
from sesame_mcp.client.work_streams import WorkStreams

T = TypeVar("T")
EXPIRED = "credentials_expired"


class SesameClient:
    """An async client of one Sesame server, authenticated as one principal.

    Give the server's URL and one credential: `api_key`, `agent_handle` + `private_key`, or
    `token` (+ `refresh_token`), or a ready `credentials` object. Humans can also start from
    `SesameClient.login(...)`. Use it as an async context manager, or call `aclose()`.
    """

    def __init__(
        self,
        api_url: str,
        *,
        api_key: str | None = None,
        agent_handle: str | None = None,
        private_key: Any = None,
        token: str | None = None,
        refresh_token: str | None = None,
        credentials: Credentials | None = None,
        ws_url: str | None = None,
        timeout: float = 30.0,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        given = [
            c
            for c in (
                credentials,
                ApiKey(api_key) if api_key else None,
                AgentKey(agent_handle or "", private_key) if agent_handle or private_key else None,
                AccessToken(token, refresh_token) if token else None,
            )
            if c is not None
        ]
        if len(given) > 1:
            raise ValueError("give one credential: api_key, agent_handle + private_key or token")
        self.credentials: Credentials | None = given[0] if given else None
        self.api_url = api_root(api_url)
        self.ws_url = websocket_url(ws_url or self.api_url)
        self._http = httpx2.AsyncClient(
            base_url=self.api_url + API_PREFIX, timeout=timeout, transport=transport
        )
        self._refreshing = asyncio.Lock()
        self.auth = Auth(self)
        self.agents = Agents(self)
        self.channels = Channels(self)
        self.messages = Messages(self)
        self.vault = VaultApi(self)
        self.projects = Projects(self)
        self.tasks = Tasks(self)
        self.webhooks = Webhooks(self)
        self.push = Push(self)
        self.schedule = Schedule(self)
        self.autonomy = Autonomy(self)
        self.library = Library(self)
        self.drive = Drive(self)
        self.work_streams = WorkStreams(self)
        self.sessions = Sessions(self)
        self.voice = Voice(self)

    async def __aenter__(self) -> SesameClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    # --- humans: sessions -------------------------------------------------------------------

    @classmethod
    async def login(cls, api_url: str, email: str, password: str, **options: Any) -> SesameClient:
        """A client for a human, from email and password; it refreshes its token by itself."""
        client = cls(api_url, **options)
        try:
            session = await client.auth.login(email, password)
        except BaseException:
            await client.aclose()
            raise
        client.credentials = AccessToken.from_session(session)
        return client

    @classmethod
    async def register(
        cls,
        api_url: str,
        *,
        email: str,
        password: str,
        handle: str,
        display_name: str,
        workspace_name: str | None = None,
        **options: Any,
    ) -> SesameClient:
        """Register a human (the first one on a server creates the workspace and becomes its
        admin) and return a client logged in as them."""
        client = cls(api_url, **options)
        try:
            session = await client.auth.register(
                email=email,
                password=password,
                handle=handle,
                display_name=display_name,
                workspace_name=workspace_name,
            )
        except BaseException:
            await client.aclose()
            raise
        client.credentials = AccessToken.from_session(session)
        return client

    async def refresh(self) -> AuthSession:
        """Trade the refresh token for a new pair now (it also happens by itself on expiry)."""
        credentials = self.credentials
        if not isinstance(credentials, AccessToken) or credentials.refresh_token is None:
            raise SesameError(
                "This client has no refresh token", status=None, code="not_refreshable"
            )
        async with self._refreshing:
            return await self._refresh(credentials)

    async def _refresh(self, credentials: AccessToken) -> AuthSession:
        session = await self.auth.refresh(credentials.refresh_token)
        credentials.renew(session)
        return session

    async def renew_expired(self, used: str) -> bool:
        """After the access token `used` was refused as expired: renew it (once, however many
        requests noticed at the same time). False when there is nothing to renew with."""
        credentials = self.credentials
        if not isinstance(credentials, AccessToken) or credentials.refresh_token is None:
            return False
        async with self._refreshing:
            if credentials.token == used:  # nobody renewed it while this one waited
                await self._refresh(credentials)
        return True

    # --- events -----------------------------------------------------------------------------

    def listen(self, **options: Any) -> EventListener:
        """The WebSocket event listener for this client's principal (see `EventListener` for
        the options); use it as an async context manager and iterate over it."""
        return EventListener(self, **options)

    # --- transport --------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        kind: type[T],
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> T:
        """One request; its data validated as `kind`."""
        answer: Answer[T] = await self.request(
            method, path, kind, json=json, params=params, auth=auth
        )
        return answer.data

    async def perform(
        self, operation: Operation[Any], path: str, body: Any, query: dict[str, Any]
    ) -> Any:
        """One call of a declared operation (see `client.area`)."""
        kind = list[operation.item_type] if operation.paged else operation.response  # type: ignore[name-defined]
        answer: Answer[Any] = await self.request(
            operation.method,
            path,
            kind,
            json=body,
            params=query,
            auth=operation.access != "public",
        )
        if operation.paged:
            pagination = answer.pagination or {}
            return Page(answer.data, pagination.get("cursor"), bool(pagination.get("hasMore")))
        return answer.data

    async def request(
        self,
        method: str,
        path: str,
        kind: Any,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> Answer[Any]:
        """Send, renewing an expired access token once, and parse the answer."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        credentials = self.credentials if auth else None
        header = credentials.authorization() if credentials is not None else None
        response = await self._send(method, path, json, query, header)
        if (
            response.status_code == 401
            and isinstance(credentials, AccessToken)
            and error_code(response) == EXPIRED
            and await self.renew_expired(used=(header or "").removeprefix("Bearer "))
        ):
            response = await self._send(method, path, json, query, credentials.authorization())
        return parse_answer(response, kind)

    async def _send(
        self,
        method: str,
        path: str,
        json: Any,
        params: dict[str, Any],
        authorization: str | None,
    ) -> httpx2.Response:
        headers = {"Authorization": authorization} if authorization else {}
        try:
            return await self._http.request(
                method, path, json=json, params=params or None, headers=headers
            )
        except httpx2.TimeoutException as exc:
            raise SesameError(
                f"{method} {path}: no answer in time ({exc.__class__.__name__})",
                status=None,
                code=TIMEOUT,
            ) from exc
        except httpx2.TransportError as exc:
            raise SesameError(
                f"{method} {path}: {exc.__class__.__name__}: {exc}",
                status=None,
                code=CONNECTION_FAILED,
            ) from exc
