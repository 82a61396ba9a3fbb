"""Structured logs: one JSON object per request, tied to the X-Request-Id the client sees."""

from __future__ import annotations

import json
import logging
import sys

import httpx2
import pytest

from server_core.kernel.logs import JsonFormatter
from tests.helpers import register

pytestmark = pytest.mark.anyio


async def test_each_request_logs_one_json_line_with_its_id(
    client: httpx2.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    session = await register(client)
    with caplog.at_level(logging.INFO, logger="server_core.access"):
        response = await client.get(
            "/auth/me", headers={"Authorization": f"Bearer {session['accessToken']}"}
        )
    records = [r for r in caplog.records if r.name == "server_core.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["msg"] == "request"
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/auth/me"
    assert line["status"] == 200
    assert line["principalId"] == session["principal"]["id"]
    assert isinstance(line["durationMs"], float)
    assert response.headers["X-Request-Id"]


def test_formatter_keeps_exceptions_and_extra_fields() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.getLogger("x").makeRecord(
        "x", logging.ERROR, __file__, 1, "failed %s", ("op",), exc_info, extra={"channelId": "c1"}
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "error"
    assert line["msg"] == "failed op"
    assert line["channelId"] == "c1"
    assert "ValueError: bad" in line["exc"]
