"""The inbound receiver, outside `/api/v1`: where GitHub and other senders POST the events a
wake subscription listens for. The subscription's id in the path names it; its secret is the
credential.

- `POST /inbound/github/{subscriptionId}`: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of
  the raw body>` keyed by the secret, as GitHub signs; the event is `X-GitHub-Event` (+ the
  payload's `action`). JSON bodies, or GitHub's form encoding (`payload=<json>`).
- `POST /inbound/webhook/{subscriptionId}`: either the Standard Webhooks headers
  (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`, keyed by the bytes
  after `whsec_`) or `X-Sesame-Timestamp` + `X-Sesame-Signature: sha256=<hex HMAC-SHA256 of
  "{timestamp}.{body}">` keyed by the whole secret — what our own outgoing webhooks send. The
  timestamp must be within 5 minutes.

A body over `inbound_max_body_bytes` is refused (413) before it is verified; a missing or
wrong signature is 401 and nothing is recorded. A verified delivery that matches
(`matching.py`) wakes the agent and answers 200; one that does not is accepted (202).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import parse_qs

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server_core.features.agents.wake_messages import deliver_wake
from server_core.features.autonomy.errors import InvalidSignature
from server_core.features.autonomy.matching import (
    event_matches,
    filter_matches,
    github_event,
    summary,
    webhook_event,
)
from server_core.features.autonomy.schemas import InboundResult
from server_core.features.autonomy.subscriptions import open_secret
from server_core.features.autonomy.tables import wake_subscriptions
from server_core.features.webhooks.signing import (
    standard_signature,
    verify_sesame_signature,
)
from server_core.kernel.clock import utcnow
from server_core.kernel.errors import ApiError, BadRequest, MalformedJson, NotFound, PayloadTooLarge
from server_core.kernel.ids import parse_id
from server_core.kernel.platform import Platform

MAX_AGE_S = 300
ws = wake_subscriptions.c


async def _body(request: Request, cap: int) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > cap:
        raise PayloadTooLarge(f"An inbound delivery is at most {cap} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise PayloadTooLarge(f"An inbound delivery is at most {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _github_signed(secret: str, request: Request, body: bytes) -> bool:
    given = request.headers.get("x-hub-signature-256", "")
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _webhook_signed(secret: str, request: Request, body: bytes) -> bool:
    headers, now = request.headers, time.time()
    if "x-sesame-signature" in headers:
        return verify_sesame_signature(
            secret,
            headers["x-sesame-signature"],
            headers.get("x-sesame-timestamp", ""),
            body,
            now=now,
            max_age_s=MAX_AGE_S,
        )
    message_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not message_id or not stamp.isdigit() or abs(now - int(stamp)) > MAX_AGE_S:
        return False
    expected = standard_signature(secret, message_id, int(stamp), body).encode()
    offered = headers.get("webhook-signature", "").split()
    return any(hmac.compare_digest(sig.encode(), expected) for sig in offered)


def _payload(request: Request, body: bytes) -> dict[str, Any]:
    raw = body
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = parse_qs(body.decode("utf-8", "replace"))
        raw = form.get("payload", [""])[0].encode()
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise MalformedJson("The delivery's body is not JSON") from error
    if not isinstance(payload, dict):
        raise BadRequest("The delivery's body must be a JSON object")
    return payload


def _subscription(platform: Platform, source: str, subscription_id: str) -> Any:
    canonical = parse_id(subscription_id)

    def read(conn: Connection) -> tuple[dict[str, Any], str] | None:
        row = (
            conn.execute(
                sa.select(wake_subscriptions).where(ws.id == canonical, ws.source == source)
            )
            .mappings()
            .first()
            if canonical
            else None
        )
        return None if row is None else (dict(row), open_secret(conn, platform.keyring, row))

    return read


async def receive_github(request: Request) -> Response:
    return await receive(request, "github")


async def receive_webhook(request: Request) -> Response:
    return await receive(request, "webhook")


async def receive(request: Request, source: str) -> Response:
    subscription_id: str = request.path_params["subscriptionId"]
    platform: Platform = request.app.state.platform
    try:
        body = await _body(request, platform.settings.inbound_max_body_bytes)
        found = await platform.store.read(_subscription(platform, source, subscription_id))
        if found is None:
            raise NotFound(f"No {source} wake subscription '{subscription_id}'")
        row, secret = found
        signed = _github_signed if source == "github" else _webhook_signed
        if not signed(secret, request, body):
            raise InvalidSignature()
        payload = _payload(request, body)
        if source == "github":
            header = request.headers.get("x-github-event", "").strip()
            if not header:
                raise BadRequest("X-GitHub-Event is missing")
            event = github_event(header, payload)
        else:
            event = webhook_event(request.headers.get("x-sesame-event"), payload)
        matched = event_matches(row["event"], event) and filter_matches(
            source, row["filter"], payload
        )
        if matched:
            matched = await _wake(platform, row, event, payload)
    except ApiError as error:
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers)
    result = InboundResult(subscription_id=row["id"], event=event, matched=matched)
    return JSONResponse(
        {"ok": True, "data": result.model_dump(mode="json", by_alias=True)},
        status_code=200 if matched else 202,
    )


async def _wake(platform: Platform, row: dict[str, Any], event: str, payload: Any) -> bool:
    """Wake the agent and count the delivery, in one transaction; False when the subscription
    was deleted meanwhile."""
    text = summary(row["source"], event, payload)
    metadata = {
        "reason": "subscription",
        "subscriptionId": row["id"],
        "source": row["source"],
        "event": event,
    }
    if row["source"] == "github":
        repo = payload.get("repository", {})
        if isinstance(repo, dict) and isinstance(repo.get("full_name"), str):
            metadata["repo"] = repo["full_name"]

    async with platform.store.transaction() as tx:

        def wake(conn: Connection) -> bool:
            counted = conn.execute(
                sa.update(wake_subscriptions)
                .where(ws.id == row["id"])
                .values(delivery_count=ws.delivery_count + 1, last_delivered_at=utcnow())
            )
            if counted.rowcount != 1:
                return False
            deliver_wake(
                conn,
                tx.events,
                platform.keyring,
                principal_id=row["agent_id"],
                text=text,
                metadata=metadata,
            )
            return True

        return await tx.run(wake)


ROUTES: list[BaseRoute] = [
    Route("/inbound/github/{subscriptionId}", receive_github, methods=["POST"]),
    Route("/inbound/webhook/{subscriptionId}", receive_webhook, methods=["POST"]),
]
