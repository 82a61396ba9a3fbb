"""Signing in to the console, and what every page checks first.

- The login is the API's: `POST /auth/login` answers an access token and a refresh token,
  kept in two cookies (`HttpOnly`, `SameSite=Lax`, `Secure` when served over https). A page
  whose access token has expired refreshes it once (`POST /auth/refresh`, which rotates the
  refresh token) and sets the new pair on its answer.
- Only humans: a credential whose principal is not a human (an agent's key set as the cookie)
  is refused and the cookies cleared.
- CSRF: every form carries the value of the `sesame_csrf` cookie (random, set on the first
  page), and every POST must send it back; a cross-site form cannot read the cookie, so
  cannot send it (double-submit). Checked before anything else runs.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server_core.console.api import ApiFailed, ConsoleApi

ACCESS_COOKIE = "sesame_session"
REFRESH_COOKIE = "sesame_refresh"
CSRF_COOKIE = "sesame_csrf"
CSRF_FIELD = "csrf"
REFRESH_MAX_AGE = 30 * 24 * 3600


@dataclass
class Visit:
    """One page request of a signed-in human."""

    request: Request
    api: ConsoleApi
    me: dict[str, Any]
    token: str
    csrf: str
    form: dict[str, str] = field(default_factory=dict)
    # Cookies to set on the answer (a refreshed login, a first CSRF token).
    cookies: dict[str, tuple[str, int | None]] = field(default_factory=dict)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    max_age: int | None,
    *,
    path: str = "/",
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        secure=_secure(request),
        samesite="lax",
        path=path,
    )


def keep_login(visit_cookies: dict[str, tuple[str, int | None]], auth: dict[str, Any]) -> None:
    visit_cookies[ACCESS_COOKIE] = (auth["accessToken"], REFRESH_MAX_AGE)
    visit_cookies[REFRESH_COOKIE] = (auth["refreshToken"], REFRESH_MAX_AGE)


def forget_login(response: Response) -> None:
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        response.delete_cookie(name, path="/")


def csrf_of(request: Request, cookies: dict[str, tuple[str, int | None]]) -> str:
    """The visitor's CSRF token, made (and queued to be set) on the first visit."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        cookies[CSRF_COOKIE] = (token, None)
    return token


def csrf_ok(request: Request, form: dict[str, str]) -> bool:
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), sent.encode())


def finish(
    response: Response, request: Request, cookies: dict[str, tuple[str, int | None]]
) -> Response:
    for name, (value, max_age) in cookies.items():
        set_cookie(response, request, name, value, max_age)
    response.headers["Cache-Control"] = "no-store"
    return response


def to_login(request: Request, note: str | None = None) -> RedirectResponse:
    target = "/login?next=" + quote(request.url.path)
    if note:
        target += "&note=" + quote(note)
    response = RedirectResponse(target, status_code=303)
    forget_login(response)
    return response


async def _signed_in(
    request: Request, cookies: dict[str, tuple[str, int | None]]
) -> tuple[str, dict[str, Any]] | None:
    """The access token and its human, refreshing an expired token once; None: sign in."""
    token = request.cookies.get(ACCESS_COOKIE)
    if token:
        async with ConsoleApi(request, token) as api:
            try:
                return token, await api.get("/auth/me")
            except ApiFailed as failed:
                if failed.status != 401:
                    raise
    refresh = request.cookies.get(REFRESH_COOKIE)
    if not refresh:
        return None
    async with ConsoleApi(request, None) as api:
        try:
            auth = await api.post("/auth/refresh", {"refreshToken": refresh})
        except ApiFailed:
            return None
    keep_login(cookies, auth)
    return auth["accessToken"], auth["principal"]


Page = Callable[[Visit], Awaitable[Response]]


def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    """A console page: CSRF checked on POST, the human signed in, the API at hand."""

    async def endpoint(request: Request) -> Response:
        cookies: dict[str, tuple[str, int | None]] = {}
        csrf = csrf_of(request, cookies)
        form: dict[str, str] = {}
        if request.method == "POST":
            form = {key: str(value) for key, value in (await request.form()).items()}
            if not csrf_ok(request, form):
                return Response("The form has expired: reload the page and try again.", 403)
        signed_in = await _signed_in(request, cookies)
        if signed_in is None:
            return finish(to_login(request), request, cookies)
        token, me = signed_in
        if me.get("kind") != "human":
            return finish(
                to_login(request, "The console is for humans: sign in with your email."),
                request,
                {},
            )
        async with ConsoleApi(request, token) as api:
            visit = Visit(request, api, me, token, csrf, form, cookies)
            response = await handler(visit)
        return finish(response, request, visit.cookies)

    endpoint.__name__ = handler.__name__
    return endpoint
