"""Rendering console pages: Jinja2 templates (autoescaped: text from the API is always shown as
text) and the headers every page carries, a content security policy with no inline script
among them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from server_core.console.session import CSRF_FIELD, Visit

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")

# Scripts and styles from this server only; the gateway's WebSocket is same-origin.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def html(
    name: str, context: dict[str, Any], *, visit: Visit | None = None, status: int = 200
) -> HTMLResponse:
    values = {"csrf_field": CSRF_FIELD, **context}
    if visit is not None:
        values.update(me=visit.me, csrf=visit.csrf, path=visit.request.url.path)
    body = templates.env.get_template(name).render(values)
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
