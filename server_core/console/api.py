"""The console's way to the platform: its own REST API, called in process with the signed-in
human's access token. Every page therefore runs the same services with the same
authorization as any API client, and shows the API's own error messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
from starlette.requests import Request

from server_core.kernel.routing import API_PREFIX


@dataclass
class ApiFailed(Exception):
    """An API answer outside 2xx: its status, code and message, shown to the human."""

    status: int
    code: str
    message: str


class ConsoleApi:
    def __init__(self, request: Request, token: str | None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = request.client
        self._http = httpx2.AsyncClient(
            transport=httpx2.ASGITransport(
                app=request.app, client=(client.host, client.port) if client else ("127.0.0.1", 0)
            ),
            base_url=f"http://console{API_PREFIX}",
            headers=headers,
            timeout=60.0,
        )

    async def __aenter__(self) -> ConsoleApi:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._http.aclose()

    async def call(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        """The answer's `data` (None for 204); raises `ApiFailed` for an error."""
        body = await self._answer(method, path, json=json, params=params)
        return body.get("data") if isinstance(body, dict) else body

    async def _answer(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        """The whole answer's body (None for 204); raises `ApiFailed` for an error."""
        response = await self._http.request(method, path, json=json, params=params)
        if response.status_code == 204:
            return None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            raise ApiFailed(
                response.status_code,
                str(body.get("code", "error")),
                str(body.get("error", f"HTTP {response.status_code}")),
            )
        return body

    async def get(self, path: str, **params: Any) -> Any:
        clean = {key: value for key, value in params.items() if value is not None}
        return await self.call("GET", path, params=clean)

    async def listing(self, path: str, **params: Any) -> tuple[list[Any], str | None]:
        """A paged list: its items and the cursor of the next page (None at the end)."""
        clean = {key: value for key, value in params.items() if value is not None}
        body = await self._answer("GET", path, params=clean)
        pagination = body.get("pagination") or {}
        cursor = pagination.get("cursor") if pagination.get("hasMore") else None
        return list(body.get("data") or []), None if cursor is None else str(cursor)

    async def post(self, path: str, json: Any = None) -> Any:
        return await self.call("POST", path, json=json if json is not None else {})
