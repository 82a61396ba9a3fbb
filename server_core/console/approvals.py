"""Approvals: pending lease requests of the vaults the human approves for, with requester,
item, reason and constraints; approve or deny. `live.js` reloads the list when a
`vault.lease_request` event arrives."""

from __future__ import annotations

from typing import Any

from starlette.responses import RedirectResponse, Response

from server_core.console.api import ApiFailed
from server_core.console.session import Visit
from server_core.console.templating import html


async def _names(visit: Visit, ids: set[str]) -> dict[str, str]:
    """Handles of the principals (and names of the items) the requests mention."""
    names: dict[str, str] = {}
    for principal_id in ids:
        try:
            principal = await visit.api.get(f"/agents/{principal_id}")
        except ApiFailed:
            continue
        names[principal_id] = f"@{principal['handle']}"
    return names


async def _items(visit: Visit, ids: set[str]) -> dict[str, str]:
    items: dict[str, str] = {}
    for item_id in ids:
        try:
            detail = await visit.api.get(f"/vault/items/{item_id}")
        except ApiFailed:
            continue
        items[item_id] = str(detail["item"]["name"])
    return items


async def approvals(visit: Visit) -> Response:
    error = None
    if visit.request.method == "POST":
        lease_id = visit.form.get("leaseId", "")
        decision = "approve" if visit.form.get("decision") == "approve" else "deny"
        try:
            await visit.api.post(f"/vault/leases/{lease_id}/{decision}")
        except ApiFailed as failed:
            error = failed.message
        else:
            return RedirectResponse("/approvals", 303)
    pending: list[dict[str, Any]] = await visit.api.get("/vault/leases", status="pending")
    mine = visit.me["id"]
    pending = [lease for lease in pending if lease["requesterId"] != mine]
    requesters = await _names(visit, {lease["requesterId"] for lease in pending})
    items = await _items(visit, {lease["itemId"] for lease in pending})
    context = {
        "title": "Approvals",
        "pending": pending,
        "requesters": requesters,
        "items": items,
        "error": error,
        "live": True,
        "token": visit.token,
    }
    template = "approvals_list.html" if visit.request.query_params.get("part") else "approvals.html"
    return html(template, context, visit=visit, status=400 if error else 200)
