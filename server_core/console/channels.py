"""Channels: the ones the human belongs to, a channel's recent messages (new ones appended live
by `live.js` from the gateway's `message` events), posting, and creating a channel."""

from __future__ import annotations

from typing import Any

from starlette.responses import RedirectResponse, Response

from server_core.console.api import ApiFailed
from server_core.console.session import Visit
from server_core.console.templating import html

HISTORY = 50


def channel_name(channel: dict[str, Any]) -> str:
    return str(channel.get("name") or f"{channel['kind']} {channel['id'][:8]}")


async def list_channels(visit: Visit) -> Response:
    error = None
    if visit.request.method == "POST":
        body = {
            "kind": "topic",
            "name": visit.form.get("name", "").strip(),
            "visibility": "public" if visit.form.get("visibility") == "public" else "private",
        }
        try:
            channel = await visit.api.post("/channels", body)
        except ApiFailed as failed:
            error = failed.message
        else:
            return RedirectResponse(f"/channels/{channel['id']}", 303)
    channels = await visit.api.get("/channels")
    return html(
        "channels.html",
        {"title": "Channels", "channels": channels, "name_of": channel_name, "error": error},
        visit=visit,
        status=400 if error else 200,
    )


async def channel_page(visit: Visit) -> Response:
    channel_id = visit.request.path_params["channel_id"]
    error = None
    if visit.request.method == "POST":
        try:
            await visit.api.post(
                f"/channels/{channel_id}/messages", {"content": visit.form.get("content", "")}
            )
        except ApiFailed as failed:
            error = failed.message
        else:
            return RedirectResponse(f"/channels/{channel_id}", 303)
    try:
        channel = await visit.api.get(f"/channels/{channel_id}")
        history = await visit.api.get(f"/channels/{channel_id}/messages", limit=HISTORY)
    except ApiFailed as failed:
        return html(
            "error.html",
            {"title": "Channel", "error": failed.message},
            visit=visit,
            status=failed.status,
        )
    messages = sorted(history, key=lambda message: message["seq"])
    return html(
        "channel.html",
        {
            "title": channel_name(channel),
            "channel": channel,
            "messages": messages,
            "error": error,
            "live": True,
            "token": visit.token,
        },
        visit=visit,
        status=400 if error else 200,
    )
