"""Toolset `schedule` through a real MCP client session, in both protocol eras: an agent
syncs its cron jobs, reads the calendar, skips one occurrence, records a run, and is told what
to do next about a bad cron expression."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from mcp import Client
from mcp.types import TextResourceContents

from tests.sesame_mcp.conftest import Workspace
from tests.sesame_mcp.toolsets.conftest import ok, text

pytestmark = pytest.mark.anyio

JOBS = [
    {
        "external_id": "cron-briefing",
        "title": "Morning briefing",
        "cron_expression": "0 6 * * *",
        "timezone": "Europe/Paris",
        "metadata": {"source": "cron"},
    },
    {"external_id": "cron-review", "title": "Weekly review", "cron_expression": "0 17 * * 5"},
]


async def test_an_agent_syncs_its_cron_jobs_and_reads_the_calendar(
    mcp_all: Client, workspace: Workspace
) -> None:
    synced = await mcp_all.call_tool("sync_schedule", {"events": JOBS})
    assert ok(synced)["sync"]["created"] == 2
    assert "2 created, 0 updated, 0 cancelled" in text(synced)
    mine = ok(await mcp_all.call_tool("my_schedule", {}))["events"]
    briefing = next(e for e in mine if e["external_id"] == "cron-briefing")
    # 06:00 in Paris in January (CET, UTC+1) is 05:00 UTC.
    window = {"start": "2031-01-06T00:00:00Z", "end": "2031-01-08T23:59:59Z"}
    calendar = ok(await mcp_all.call_tool("calendar", window))["instances"]
    assert [(i["title"], i["starts_at"][:16]) for i in calendar] == [
        ("Morning briefing", "2031-01-06T05:00"),
        ("Morning briefing", "2031-01-07T05:00"),
        ("Morning briefing", "2031-01-08T05:00"),
    ]
    skipped = await mcp_all.call_tool(
        "change_occurrence",
        {"event": briefing["id"], "original_date": "2031-01-07T05:00:00Z", "kind": "cancelled"},
    )
    assert "is skipped" in text(skipped)
    after = ok(await mcp_all.call_tool("calendar", window))["instances"]
    assert [i["starts_at"][:10] for i in after] == ["2031-01-06", "2031-01-08"]
    run = await mcp_all.call_tool(
        "record_run",
        {"event": briefing["id"], "scheduled_at": "2031-01-06T05:00:00Z", "result": "sent"},
    )
    assert ok(run)["recorded"]["event"]["occurrence_count"] == 1
    assert ok(run)["recorded"]["event"]["next_occurrence_at"].startswith("2031-01-07T05:00")
    # Seen by the rest of the workspace, with its owner.
    shared = await workspace.admin.schedule.workspace()
    assert {e.title for e in shared} == {"Morning briefing", "Weekly review"}


async def test_a_bad_cron_expression_says_what_to_do(mcp_all: Client) -> None:
    refused = await mcp_all.call_tool(
        "create_schedule_event", {"title": "Broken", "cron_expression": "every morning"}
    )
    assert refused.is_error
    assert "5 fields: minute hour day month weekday" in text(refused)
    unknown = await mcp_all.call_tool("delete_schedule_event", {"event": "no-such-event"})
    assert unknown.is_error
    assert "my_schedule lists your events" in text(unknown)


async def test_what_is_coming_up_shows_in_wake_and_its_resource(mcp_all: Client) -> None:
    soon = datetime.now(UTC) + timedelta(hours=2)
    created = await mcp_all.call_tool(
        "create_schedule_event",
        {"title": "Deploy window", "next_occurrence_at": soon.isoformat()},
    )
    event_id = ok(created)["event"]["id"]
    later = datetime.now(UTC) + timedelta(days=2)
    await mcp_all.call_tool(
        "create_schedule_event", {"title": "Far off", "next_occurrence_at": later.isoformat()}
    )
    [content] = (await mcp_all.read_resource("sesame://schedule/upcoming")).contents
    assert isinstance(content, TextResourceContents)
    instances = json.loads(content.text)["instances"]
    assert [(i["event_id"], i["title"]) for i in instances] == [(event_id, "Deploy window")]
    woke = await mcp_all.call_tool("wake", {})
    assert [e["title"] for e in ok(woke)["wake"]["upcoming"]] == ["Deploy window"]
    assert "Coming up (24 h):" in text(woke)
