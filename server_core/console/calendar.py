"""The calendar: the workspace's schedule expanded into occurrences (agents' cron jobs
included) for a month or a week, for everyone or one agent. Times are shown in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from starlette.responses import Response

from server_core.console.session import Visit
from server_core.console.templating import html


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else datetime.now(UTC).date()
    except ValueError:
        return datetime.now(UTC).date()


def window(view: str, day: date) -> tuple[date, date, date, date]:
    """(first day shown, last day shown, previous anchor, next anchor)."""
    if view == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6), day - timedelta(days=7), day + timedelta(days=7)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    start = first - timedelta(days=first.weekday())
    end = following - timedelta(days=1)
    end += timedelta(days=6 - end.weekday())
    previous = (first - timedelta(days=1)).replace(day=1)
    return start, end, previous, following


async def calendar(visit: Visit) -> Response:
    query = visit.request.query_params
    view = "week" if query.get("view") == "week" else "month"
    day = _day(query.get("date"))
    agent_id = query.get("agent") or None
    start, end, previous, following = window(view, day)
    instances: list[dict[str, Any]] = await visit.api.get(
        "/schedule/expanded",
        **{
            "from": datetime.combine(start, time.min, UTC).isoformat(),
            "to": datetime.combine(end, time.max, UTC).isoformat(),
            "principalIds": agent_id,
        },
    )
    by_day: dict[str, list[dict[str, Any]]] = {}
    for instance in sorted(instances, key=lambda i: i["startsAt"]):
        by_day.setdefault(instance["startsAt"][:10], []).append(instance)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    agents = await visit.api.get("/agents", limit=100)
    return html(
        "calendar.html",
        {
            "title": "Calendar",
            "view": view,
            "day": day,
            "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
            "by_day": by_day,
            "agents": agents,
            "agent_id": agent_id or "",
            "previous": previous.isoformat(),
            "following": following.isoformat(),
            "today": datetime.now(UTC).date(),
            "heading": day.strftime("%B %Y") if view == "month" else f"Week of {start:%d %B %Y}",
        },
        visit=visit,
    )
