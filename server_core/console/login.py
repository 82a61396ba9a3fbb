"""Signing in and out: the API's login, its tokens kept in cookies (see `session`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server_core.console.api import ApiFailed, ConsoleApi
from server_core.console.session import (
    CSRF_FIELD,
    Visit,
    csrf_of,
    csrf_ok,
    finish,
    forget_login,
    keep_login,
)
from server_core.console.templating import html


def _safe_next(target: str | None) -> str:
    """Only a path of this site (`//host` would leave it)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/agents"


async def login(request: Request) -> Response:
    cookies: dict[str, tuple[str, int | None]] = {}
    csrf = csrf_of(request, cookies)
    next_page = _safe_next(request.query_params.get("next"))
    context: dict[str, Any] = {
        "title": "Sign in",
        "csrf": csrf,
        "csrf_field": CSRF_FIELD,
        "next": next_page,
    }
    if request.method == "GET":
        context["note"] = request.query_params.get("note")
        return finish(html("login.html", context), request, cookies)
    form = {key: str(value) for key, value in (await request.form()).items()}
    if not csrf_ok(request, form):
        context["error"] = "The form has expired: try again."
        return finish(html("login.html", context, status=403), request, cookies)
    async with ConsoleApi(request, None) as api:
        try:
            auth = await api.post(
                "/auth/login",
                {"email": form.get("email", ""), "password": form.get("password", "")},
            )
        except ApiFailed as failed:
            context.update(error=failed.message, email=form.get("email", ""))
            return finish(html("login.html", context, status=failed.status), request, cookies)
    keep_login(cookies, auth)
    return finish(RedirectResponse(_safe_next(form.get("next")), 303), request, cookies)


async def logout(visit: Visit) -> Response:
    response = RedirectResponse("/login", 303)
    forget_login(response)
    visit.cookies.clear()
    return response
