"""The inbound receiver: a delivery signed as GitHub signs it wakes the subscribed agent when
it matches (event, action and filter), is accepted without a wake when it does not, and is
refused (401, nothing recorded) when its signature is missing or wrong; signed webhooks with
the Standard Webhooks headers or ours; the body size cap."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx2
import orjson
import pytest
from standardwebhooks import Webhook as StandardWebhook

from server_core.features.webhooks.signing import sesame_signature
from tests.helpers import data, error
from tests.server_core.features.autonomy.conftest import wakes
from tests.server_core.features.messaging.team import Member, Team

pytestmark = pytest.mark.anyio

RUN: dict[str, Any] = {
    "action": "completed",
    "workflow_run": {
        "name": "CI",
        "head_branch": "login",
        "conclusion": "success",
        "html_url": "https://github.com/org/sesame/actions/runs/42",
    },
    "repository": {"full_name": "org/sesame"},
}


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"open_registration": True, "inbound_max_body_bytes": 4096}


async def subscribe(client: httpx2.AsyncClient, who: Member, **body: Any) -> dict[str, Any]:
    path = f"/agents/{who.id}/subscriptions"
    made: dict[str, Any] = data(await client.post(path, json=body, headers=who.headers), 201)
    return made


def github_headers(secret: str, body: bytes, event: str = "workflow_run") -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "X-Hub-Signature-256": f"sha256={digest}",
    }


async def deliver(
    client: httpx2.AsyncClient, made: dict[str, Any], payload: Any, event: str = "workflow_run"
) -> httpx2.Response:
    body = orjson.dumps(payload)
    headers = github_headers(made["secret"], body, event)
    return await client.post(made["inboundUrl"], content=body, headers=headers)


async def count(client: httpx2.AsyncClient, who: Member, made: dict[str, Any]) -> int:
    listed = data(await client.get(f"/agents/{who.id}/subscriptions", headers=who.headers))
    found: int = next(s["deliveryCount"] for s in listed if s["id"] == made["id"])
    return found


@pytest.mark.both_engines
async def test_a_github_signed_delivery_that_matches_wakes_the_agent(
    client: httpx2.AsyncClient, team: Team
) -> None:
    made = await subscribe(
        client,
        team.bot,
        source="github",
        event="workflow_run.completed",
        filter={"repo": "Org/Sesame", "workflow_run.conclusion": "success"},
    )
    answer = data(await deliver(client, made, RUN))
    assert answer == {
        "subscriptionId": made["id"],
        "event": "workflow_run.completed",
        "matched": True,
    }
    [woke] = await wakes(client, team.bot)
    assert woke["plaintext"] == (
        "🔔 GitHub workflow_run.completed in org/sesame\n"
        "CI, branch login, success\n"
        "https://github.com/org/sesame/actions/runs/42"
    )
    meta = woke["metadata"]
    assert (meta["reason"], meta["subscriptionId"], meta["source"]) == (
        "subscription",
        made["id"],
        "github",
    )
    assert (meta["event"], meta["repo"], meta["wake"]) == (
        "workflow_run.completed",
        "org/sesame",
        True,
    )
    assert await count(client, team.bot, made) == 1


async def test_a_delivery_that_does_not_match_is_accepted_without_a_wake(
    client: httpx2.AsyncClient, team: Team
) -> None:
    made = await subscribe(
        client,
        team.bot,
        source="github",
        event="workflow_run.completed",
        filter={"repo": "org/sesame"},
    )
    elsewhere = {**RUN, "repository": {"full_name": "org/other"}}
    requested = {**RUN, "action": "requested"}
    for payload, event in (
        (elsewhere, "workflow_run"),
        (requested, "workflow_run"),
        ({"zen": "hi"}, "ping"),
    ):
        sent = await deliver(client, made, payload, event)
        assert data(sent, 202)["matched"] is False
    assert await wakes(client, team.bot) == []
    assert await count(client, team.bot, made) == 0
    # A subscription to the bare event matches every action; GitHub's form encoding works.
    every = await subscribe(client, team.bot, source="github", event="workflow_run")
    body = urlencode({"payload": orjson.dumps(requested).decode()}).encode()
    headers = github_headers(every["secret"], body) | {
        "Content-Type": "application/x-www-form-urlencoded"
    }
    sent = await client.post(every["inboundUrl"], content=body, headers=headers)
    assert data(sent)["event"] == "workflow_run.requested"
    assert len(await wakes(client, team.bot)) == 1


@pytest.mark.both_engines
async def test_a_bad_or_missing_signature_is_refused_and_nothing_recorded(
    client: httpx2.AsyncClient, team: Team
) -> None:
    made = await subscribe(client, team.bot, source="github", event="workflow_run.completed")
    body = orjson.dumps(RUN)
    wrong = github_headers("whsec_not-the-secret", body)
    refused = await client.post(made["inboundUrl"], content=body, headers=wrong)
    assert refused.headers["www-authenticate"].startswith("HMAC-SHA256")
    error(
        await client.post(made["inboundUrl"], content=body, headers=wrong), 401, "invalid_signature"
    )
    unsigned = {
        k: v for k, v in github_headers(made["secret"], body).items() if "Signature" not in k
    }
    error(
        await client.post(made["inboundUrl"], content=body, headers=unsigned),
        401,
        "invalid_signature",
    )
    tampered = github_headers(made["secret"], body)
    sent = await client.post(made["inboundUrl"], content=body + b" ", headers=tampered)
    error(sent, 401, "invalid_signature")
    assert await wakes(client, team.bot) == []
    assert await count(client, team.bot, made) == 0


async def test_unknown_subscriptions_bad_bodies_and_the_size_cap(
    client: httpx2.AsyncClient, team: Team
) -> None:
    made = await subscribe(client, team.bot, source="github", event="*")
    root = made["inboundUrl"].rsplit("/inbound/", 1)[0]
    body = orjson.dumps(RUN)
    headers = github_headers(made["secret"], body)
    for path in ("/inbound/github/nope", f"/inbound/webhook/{made['id']}"):
        error(await client.post(root + path, content=body, headers=headers), 404, "not_found")
    big = orjson.dumps({**RUN, "padding": "x" * 5000})
    sent = await client.post(
        made["inboundUrl"], content=big, headers=github_headers(made["secret"], big)
    )
    error(sent, 413, "payload_too_large")
    for bad in (b"not json", b"[1, 2]"):
        sent = await client.post(
            made["inboundUrl"], content=bad, headers=github_headers(made["secret"], bad)
        )
        error(sent, 400)
    no_event = {k: v for k, v in headers.items() if k != "X-GitHub-Event"}
    error(await client.post(made["inboundUrl"], content=body, headers=no_event), 400, "bad_request")
    data(
        await client.delete(
            f"/agents/{team.bot.id}/subscriptions/{made['id']}", headers=team.bot.headers
        )
    )
    error(await client.post(made["inboundUrl"], content=body, headers=headers), 404, "not_found")
    assert await wakes(client, team.bot) == []


async def test_signed_webhooks_standard_headers_or_ours(
    client: httpx2.AsyncClient, team: Team
) -> None:
    made = await subscribe(
        client, team.bot, source="webhook", event="deploy.finished", filter={"env.name": "prod"}
    )
    payload = {"type": "deploy.finished", "env": {"name": "prod"}, "version": "1.2"}
    body = orjson.dumps(payload)
    stamp = datetime.now(UTC)
    signature = StandardWebhook(made["secret"]).sign("msg_1", stamp, body.decode())
    standard = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": f"v1,bm90LXRoaXMtb25l {signature}",
        "Content-Type": "application/json",
    }
    assert data(await client.post(made["inboundUrl"], content=body, headers=standard))["matched"]
    now = int(time.time())
    ours = {
        "X-Sesame-Event": "deploy.finished",
        "X-Sesame-Timestamp": str(now),
        "X-Sesame-Signature": sesame_signature(made["secret"], now, body),
    }
    assert data(await client.post(made["inboundUrl"], content=body, headers=ours))["matched"]
    woken = await wakes(client, team.bot)
    assert [m["plaintext"] for m in woken] == ["🔔 Webhook event deploy.finished"] * 2
    assert {m["metadata"]["source"] for m in woken} == {"webhook"}
    staging = orjson.dumps({**payload, "env": {"name": "staging"}})
    stale = now - 600
    old = {
        **ours,
        "X-Sesame-Timestamp": str(stale),
        "X-Sesame-Signature": sesame_signature(made["secret"], stale, body),
    }
    error(
        await client.post(made["inboundUrl"], content=body, headers=old), 401, "invalid_signature"
    )
    fresh = {**ours, "X-Sesame-Signature": sesame_signature(made["secret"], now, staging)}
    assert (
        data(await client.post(made["inboundUrl"], content=staging, headers=fresh), 202)["matched"]
        is False
    )
    error(await client.post(made["inboundUrl"], content=body), 401, "invalid_signature")
    assert len(await wakes(client, team.bot)) == 2
