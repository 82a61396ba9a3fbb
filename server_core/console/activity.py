"""Where the agents are at work: Mission Control (work streams with their latest output,
followed live by `live.js` from `work_stream` events) and the live sessions with the files
they have reserved."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from server_core.console.api import ApiFailed
from server_core.console.session import Visit
from server_core.console.templating import html

OUTPUT_LINES = 50


async def _handles(visit: Visit, ids: set[str]) -> dict[str, str]:
    names = {visit.me["id"]: visit.me["handle"]}
    for agent in await visit.api.get("/agents", limit=100, includeArchived="true"):
        names[agent["id"]] = agent["handle"]
    return {principal: names.get(principal, principal[:8]) for principal in ids}


async def mission_control(visit: Visit) -> Response:
    running: list[dict[str, Any]] = await visit.api.get("/work-streams", status="running")
    recent: list[dict[str, Any]] = await visit.api.get("/work-streams", limit=20)
    finished = [stream for stream in recent if stream["status"] != "running"][:10]
    output: dict[str, list[dict[str, Any]]] = {}
    for stream in running:
        after = max(stream["lastSeq"] - OUTPUT_LINES, 0)
        try:
            output[stream["id"]] = await visit.api.get(
                f"/work-streams/{stream['id']}/events", after=after, limit=OUTPUT_LINES
            )
        except ApiFailed:
            output[stream["id"]] = []
    owners = await _handles(visit, {s["principalId"] for s in [*running, *finished]})
    context = {
        "title": "Mission Control",
        "running": running,
        "finished": finished,
        "output": output,
        "owners": owners,
        "live": True,
        "token": visit.token,
    }
    template = "mission_streams.html" if visit.request.query_params.get("part") else "mission.html"
    return html(template, context, visit=visit)


async def sessions(visit: Visit) -> Response:
    live: list[dict[str, Any]] = await visit.api.get("/sessions", status="live", limit=100)
    reservations: list[dict[str, Any]] = await visit.api.get("/reservations")
    by_session: dict[str, list[dict[str, Any]]] = {}
    for reservation in reservations:
        by_session.setdefault(reservation["sessionId"], []).append(reservation)
    ids = {s["agentId"] for s in live if s["agentId"]} | {r["principalId"] for r in reservations}
    return html(
        "sessions.html",
        {
            "title": "Sessions",
            "sessions": live,
            "reserved": by_session,
            "names": await _handles(visit, ids),
        },
        visit=visit,
    )
