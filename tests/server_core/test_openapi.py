"""The OpenAPI document: served, complete for the spec's Auth and Agents sections, every
operation documented with its body model, envelope and error responses; and a schemathesis fuzz
of every operation against the real app, which must never answer 5xx or leave the error shape."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from inline_snapshot import snapshot
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server_core.app import API_PREFIX, create_app
from server_core.config import Settings
from server_core.kernel.principal_schemas import HANDLE_PATTERN

pytestmark = pytest.mark.anyio

OUTSIDE_THE_API = {"/healthz"}
BODY_METHODS = {"post", "put", "patch"}
# POST/PUT/PATCH operations that take no body at all: add them here deliberately.
BODILESS: set[tuple[str, str]] = {
    ("POST", "/api/v1/vault/items/{id}/totp"),
    ("POST", "/api/v1/vault/leases/{id}/deny"),
    ("POST", "/api/v1/vault/leases/{id}/use"),
    ("POST", "/api/v1/tasks/{id}/skip"),
    ("POST", "/api/v1/agents/{id}/webhooks/{wid}/rotate-secret"),
    ("POST", "/api/v1/invitations/{id}/resend"),
    ("POST", "/api/v1/library/{id}/pages/{path}/restore"),
    ("POST", "/api/v1/library/{id}/git-mirror/push"),
    ("POST", "/api/v1/library/{id}/git-mirror/pull/plan"),
    ("POST", "/api/v1/sessions/{id}/clear"),
    ("POST", "/api/v1/sessions/{id}/heartbeat"),
}
ERROR_BODY_REF = "#/components/schemas/ErrorBody"

# The fuzz: examples per operation and generation mode (positive and negative). About 30
# operation-modes at a few ms a request, plus argon2 on login: about 10 s an engine.
FUZZ_EXAMPLES = 12
FUZZ_REQUEST_TIMEOUT = 10.0
FUZZ_PASSWORD = "fuzz-admin-password"
HANDLES = st.from_regex(HANDLE_PATTERN.removeprefix("^").removesuffix("$"), fullmatch=True)


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    """The app, for its schema and docs only: nothing here opens a database."""
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        redis_url=None,
        cors_origins=[],
        log_level="warning",
    )
    return create_app(settings)


@pytest.fixture
def spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


@pytest.fixture
async def root_client(app: FastAPI) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def api_operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [op for op in operations(spec) if op[1] not in OUTSIDE_THE_API]


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref`s (local ones: `#/components/schemas/...`) to the schema they name."""
    while "$ref" in schema:
        ref: str = schema["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part]
        schema = target
    return schema


def json_schema(response_or_body: dict[str, Any]) -> dict[str, Any]:
    content = response_or_body.get("content", {})
    assert "application/json" in content, response_or_body
    schema: dict[str, Any] = content["application/json"]["schema"]
    return schema


def without_null(spec: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a schema (an optional body is `anyOf: [model, null]`)."""
    alternatives = schema.get("anyOf", [schema])
    return [alt for alt in alternatives if resolve(spec, alt).get("type") != "null"]


# --- the document itself -------------------------------------------------------------------


async def test_openapi_document_is_served_as_is(root_client: httpx2.AsyncClient) -> None:
    response = await root_client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    # The document itself, not wrapped in the API's envelope.
    assert "ok" not in document
    assert "data" not in document
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"]
    assert any(path.startswith(f"{API_PREFIX}/") for path in document["paths"])


async def test_docs_page_answers(root_client: httpx2.AsyncClient) -> None:
    response = await root_client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in response.text


def test_spec_auth_and_agents_routes_are_all_present(spec: dict[str, Any]) -> None:
    present = {(method.upper(), path) for method, path, _ in operations(spec)}
    required = {
        ("GET", "/auth/me"),
        ("POST", "/auth/register"),
        ("POST", "/auth/login"),
        ("POST", "/auth/refresh"),
        ("PATCH", "/auth/profile"),
        ("POST", "/agents"),
        ("GET", "/agents"),
        ("GET", "/agents/{id}"),
        ("PATCH", "/agents/{id}"),
        ("DELETE", "/agents/{id}"),
        ("POST", "/agents/{id}/rotate-key"),
        ("POST", "/agents/{id}/api-keys"),
        ("GET", "/agents/{id}/api-keys"),
        ("DELETE", "/agents/{id}/api-keys/{keyId}"),
    }
    missing = {(method, API_PREFIX + path) for method, path in required} - present
    assert not missing


def test_operation_list_is_pinned(spec: dict[str, Any]) -> None:
    listed = sorted((method.upper(), path) for method, path, _ in operations(spec))
    assert listed == snapshot(
        [
            ("DELETE", "/api/v1/agents/{id}"),
            ("DELETE", "/api/v1/agents/{id}/api-keys/{keyId}"),
            ("DELETE", "/api/v1/agents/{id}/capabilities/{capId}"),
            ("DELETE", "/api/v1/agents/{id}/channels/{cid}/config"),
            ("DELETE", "/api/v1/agents/{id}/memory/{memoryId}"),
            ("DELETE", "/api/v1/agents/{id}/state"),
            ("DELETE", "/api/v1/agents/{id}/subscriptions/{subscriptionId}"),
            ("DELETE", "/api/v1/agents/{id}/webhooks/{wid}"),
            ("DELETE", "/api/v1/channels/{cid}/messages/{mid}"),
            ("DELETE", "/api/v1/channels/{cid}/messages/{mid}/reactions/{emoji}"),
            ("DELETE", "/api/v1/channels/{id}/members/{pid}"),
            ("DELETE", "/api/v1/drive/files/{id}"),
            ("DELETE", "/api/v1/drive/files/{id}/channels/{channelId}"),
            ("DELETE", "/api/v1/drive/folders/{id}"),
            ("DELETE", "/api/v1/invitations/people/{id}"),
            ("DELETE", "/api/v1/library/{id}"),
            ("DELETE", "/api/v1/library/{id}/collections/{slug}"),
            ("DELETE", "/api/v1/library/{id}/entities/{entityId}"),
            ("DELETE", "/api/v1/library/{id}/members/{principalId}"),
            ("DELETE", "/api/v1/library/{id}/pages/{path}"),
            ("DELETE", "/api/v1/projects/{id}"),
            ("DELETE", "/api/v1/projects/{id}/members/{pid}"),
            ("DELETE", "/api/v1/push/subscribe"),
            ("DELETE", "/api/v1/schedule/{eventId}"),
            ("DELETE", "/api/v1/schedule/{eventId}/exceptions/{id}"),
            ("DELETE", "/api/v1/sessions/{id}"),
            ("DELETE", "/api/v1/sessions/{id}/reservations"),
            ("DELETE", "/api/v1/tasks/templates/{id}"),
            ("DELETE", "/api/v1/tasks/{id}"),
            ("DELETE", "/api/v1/tasks/{id}/dependencies/{depId}"),
            ("DELETE", "/api/v1/tasks/{id}/timers/{timerId}"),
            ("DELETE", "/api/v1/vault/alerts/{id}"),
            ("DELETE", "/api/v1/vault/items/{id}"),
            ("DELETE", "/api/v1/vault/items/{id}/attachments/{aid}"),
            ("DELETE", "/api/v1/vault/items/{id}/share/{pid}"),
            ("DELETE", "/api/v1/vault/leases/{id}"),
            ("DELETE", "/api/v1/vault/vaults/{vid}"),
            ("DELETE", "/api/v1/vault/vaults/{vid}/members/{pid}"),
            ("GET", "/api/v1/agents"),
            ("GET", "/api/v1/agents/discover"),
            ("GET", "/api/v1/agents/{id}"),
            ("GET", "/api/v1/agents/{id}/api-keys"),
            ("GET", "/api/v1/agents/{id}/capabilities"),
            ("GET", "/api/v1/agents/{id}/channels"),
            ("GET", "/api/v1/agents/{id}/channels/{cid}/config"),
            ("GET", "/api/v1/agents/{id}/channels/{cid}/context"),
            ("GET", "/api/v1/agents/{id}/manifest"),
            ("GET", "/api/v1/agents/{id}/memory"),
            ("GET", "/api/v1/agents/{id}/memory/categories"),
            ("GET", "/api/v1/agents/{id}/state"),
            ("GET", "/api/v1/agents/{id}/subscriptions"),
            ("GET", "/api/v1/agents/{id}/wake"),
            ("GET", "/api/v1/agents/{id}/webhooks"),
            ("GET", "/api/v1/agents/{id}/webhooks/{wid}"),
            ("GET", "/api/v1/agents/{id}/webhooks/{wid}/deliveries"),
            ("GET", "/api/v1/auth/me"),
            ("GET", "/api/v1/channels"),
            ("GET", "/api/v1/channels/principals"),
            ("GET", "/api/v1/channels/unread"),
            ("GET", "/api/v1/channels/{cid}/messages"),
            ("GET", "/api/v1/channels/{cid}/tasks"),
            ("GET", "/api/v1/channels/{id}"),
            ("GET", "/api/v1/channels/{id}/links"),
            ("GET", "/api/v1/channels/{id}/members"),
            ("GET", "/api/v1/channels/{id}/read-receipts"),
            ("GET", "/api/v1/drive/files"),
            ("GET", "/api/v1/drive/files/{id}"),
            ("GET", "/api/v1/drive/files/{id}/download-url"),
            ("GET", "/api/v1/drive/folders"),
            ("GET", "/api/v1/invitations/people"),
            ("GET", "/api/v1/library"),
            ("GET", "/api/v1/library/{id}"),
            ("GET", "/api/v1/library/{id}/collections"),
            ("GET", "/api/v1/library/{id}/collections/{slug}"),
            ("GET", "/api/v1/library/{id}/collections/{slug}/pages"),
            ("GET", "/api/v1/library/{id}/conventions"),
            ("GET", "/api/v1/library/{id}/entities"),
            ("GET", "/api/v1/library/{id}/lint/health"),
            ("GET", "/api/v1/library/{id}/members"),
            ("GET", "/api/v1/library/{id}/pages"),
            ("GET", "/api/v1/library/{id}/pages/{path}"),
            ("GET", "/api/v1/library/{id}/pages/{path}/backlinks"),
            ("GET", "/api/v1/library/{id}/pages/{path}/history"),
            ("GET", "/api/v1/library/{id}/search/metrics"),
            ("GET", "/api/v1/projects"),
            ("GET", "/api/v1/projects/{id}"),
            ("GET", "/api/v1/projects/{id}/context"),
            ("GET", "/api/v1/projects/{id}/context/history"),
            ("GET", "/api/v1/push/subscriptions"),
            ("GET", "/api/v1/push/vapid-key"),
            ("GET", "/api/v1/reservations"),
            ("GET", "/api/v1/schedule"),
            ("GET", "/api/v1/schedule/channel/{channelId}"),
            ("GET", "/api/v1/schedule/expanded"),
            ("GET", "/api/v1/schedule/workspace"),
            ("GET", "/api/v1/schedule/{eventId}/exceptions"),
            ("GET", "/api/v1/schedule/{eventId}/occurrences"),
            ("GET", "/api/v1/sessions"),
            ("GET", "/api/v1/sessions/counts"),
            ("GET", "/api/v1/sessions/search"),
            ("GET", "/api/v1/sessions/{id}"),
            ("GET", "/api/v1/sessions/{id}/children"),
            ("GET", "/api/v1/sessions/{id}/messages"),
            ("GET", "/api/v1/sessions/{id}/reservations"),
            ("GET", "/api/v1/tasks"),
            ("GET", "/api/v1/tasks/mine"),
            ("GET", "/api/v1/tasks/next"),
            ("GET", "/api/v1/tasks/search"),
            ("GET", "/api/v1/tasks/summary"),
            ("GET", "/api/v1/tasks/templates"),
            ("GET", "/api/v1/tasks/templates/{id}"),
            ("GET", "/api/v1/tasks/{id}"),
            ("GET", "/api/v1/tasks/{id}/activity"),
            ("GET", "/api/v1/tasks/{id}/context"),
            ("GET", "/api/v1/tasks/{id}/dependencies"),
            ("GET", "/api/v1/tasks/{id}/handoff/latest"),
            ("GET", "/api/v1/tasks/{id}/recurrences"),
            ("GET", "/api/v1/tasks/{id}/subtasks"),
            ("GET", "/api/v1/tasks/{id}/time"),
            ("GET", "/api/v1/tasks/{id}/timers"),
            ("GET", "/api/v1/vault/alerts"),
            ("GET", "/api/v1/vault/events"),
            ("GET", "/api/v1/vault/events/items/{id}"),
            ("GET", "/api/v1/vault/items"),
            ("GET", "/api/v1/vault/items/attachments/{aid}/download-url"),
            ("GET", "/api/v1/vault/items/{id}"),
            ("GET", "/api/v1/vault/leases"),
            ("GET", "/api/v1/vault/vaults"),
            ("GET", "/api/v1/vault/vaults/{vid}"),
            ("GET", "/api/v1/vault/vaults/{vid}/members"),
            ("GET", "/api/v1/vault/wallet"),
            ("GET", "/api/v1/work-streams"),
            ("GET", "/api/v1/work-streams/{id}"),
            ("GET", "/api/v1/work-streams/{id}/events"),
            ("GET", "/healthz"),
            ("PATCH", "/api/v1/agents/{id}"),
            ("PATCH", "/api/v1/agents/{id}/webhooks/{wid}"),
            ("PATCH", "/api/v1/auth/profile"),
            ("PATCH", "/api/v1/channels/{cid}/messages/{mid}"),
            ("PATCH", "/api/v1/channels/{cid}/tasks/{tid}"),
            ("PATCH", "/api/v1/channels/{id}"),
            ("PATCH", "/api/v1/channels/{id}/members/{pid}"),
            ("PATCH", "/api/v1/drive/files/{id}"),
            ("PATCH", "/api/v1/drive/folders/{id}"),
            ("PATCH", "/api/v1/library/{id}"),
            ("PATCH", "/api/v1/library/{id}/conventions"),
            ("PATCH", "/api/v1/library/{id}/entities/{entityId}"),
            ("PATCH", "/api/v1/library/{id}/members/{principalId}"),
            ("PATCH", "/api/v1/library/{id}/pages/{path}"),
            ("PATCH", "/api/v1/projects/{id}"),
            ("PATCH", "/api/v1/projects/{id}/context"),
            ("PATCH", "/api/v1/schedule/{eventId}"),
            ("PATCH", "/api/v1/schedule/{eventId}/exceptions/{id}"),
            ("PATCH", "/api/v1/sessions/{id}"),
            ("PATCH", "/api/v1/sessions/{id}/attributes"),
            ("PATCH", "/api/v1/tasks/templates/{id}"),
            ("PATCH", "/api/v1/tasks/{id}"),
            ("PATCH", "/api/v1/tasks/{id}/context"),
            ("PATCH", "/api/v1/vault/items/{id}"),
            ("PATCH", "/api/v1/vault/vaults/{vid}"),
            ("PATCH", "/api/v1/work-streams/{id}"),
            ("POST", "/api/v1/agents"),
            ("POST", "/api/v1/agents/{id}/api-keys"),
            ("POST", "/api/v1/agents/{id}/capabilities"),
            ("POST", "/api/v1/agents/{id}/rotate-key"),
            ("POST", "/api/v1/agents/{id}/subscriptions"),
            ("POST", "/api/v1/agents/{id}/webhooks"),
            ("POST", "/api/v1/agents/{id}/webhooks/{wid}/rotate-secret"),
            ("POST", "/api/v1/auth/login"),
            ("POST", "/api/v1/auth/refresh"),
            ("POST", "/api/v1/auth/register"),
            ("POST", "/api/v1/channels"),
            ("POST", "/api/v1/channels/dm"),
            ("POST", "/api/v1/channels/{cid}/messages"),
            ("POST", "/api/v1/channels/{cid}/messages/read"),
            ("POST", "/api/v1/channels/{cid}/messages/{mid}/reactions"),
            ("POST", "/api/v1/channels/{cid}/tasks"),
            ("POST", "/api/v1/channels/{id}/members"),
            ("POST", "/api/v1/channels/{id}/threads/{mid}/transfer"),
            ("POST", "/api/v1/drive/files"),
            ("POST", "/api/v1/drive/files/save-from-channel"),
            ("POST", "/api/v1/drive/files/upload-url"),
            ("POST", "/api/v1/drive/files/{id}/channels"),
            ("POST", "/api/v1/drive/folders"),
            ("POST", "/api/v1/invitations"),
            ("POST", "/api/v1/invitations/{id}/resend"),
            ("POST", "/api/v1/library"),
            ("POST", "/api/v1/library/search"),
            ("POST", "/api/v1/library/{id}/collections/{slug}/query"),
            ("POST", "/api/v1/library/{id}/entities"),
            ("POST", "/api/v1/library/{id}/entities/resolve"),
            ("POST", "/api/v1/library/{id}/git-mirror/pull/apply"),
            ("POST", "/api/v1/library/{id}/git-mirror/pull/plan"),
            ("POST", "/api/v1/library/{id}/git-mirror/push"),
            ("POST", "/api/v1/library/{id}/lint"),
            ("POST", "/api/v1/library/{id}/lint/batch"),
            ("POST", "/api/v1/library/{id}/members"),
            ("POST", "/api/v1/library/{id}/pages/{path}/blocks"),
            ("POST", "/api/v1/library/{id}/pages/{path}/rename"),
            ("POST", "/api/v1/library/{id}/pages/{path}/restore"),
            ("POST", "/api/v1/library/{id}/search"),
            ("POST", "/api/v1/library/{id}/sync/pull"),
            ("POST", "/api/v1/library/{id}/sync/push"),
            ("POST", "/api/v1/projects"),
            ("POST", "/api/v1/projects/{id}/members"),
            ("POST", "/api/v1/projects/{id}/members/{pid}"),
            ("POST", "/api/v1/push/subscribe"),
            ("POST", "/api/v1/reservations/check"),
            ("POST", "/api/v1/schedule"),
            ("POST", "/api/v1/schedule/{eventId}/exceptions"),
            ("POST", "/api/v1/schedule/{eventId}/occurrences"),
            ("POST", "/api/v1/sessions"),
            ("POST", "/api/v1/sessions/hook"),
            ("POST", "/api/v1/sessions/{id}/clear"),
            ("POST", "/api/v1/sessions/{id}/end"),
            ("POST", "/api/v1/sessions/{id}/heartbeat"),
            ("POST", "/api/v1/sessions/{id}/messages"),
            ("POST", "/api/v1/sessions/{id}/reservations"),
            ("POST", "/api/v1/tasks"),
            ("POST", "/api/v1/tasks/batch"),
            ("POST", "/api/v1/tasks/reorder"),
            ("POST", "/api/v1/tasks/templates"),
            ("POST", "/api/v1/tasks/templates/{id}/create"),
            ("POST", "/api/v1/tasks/{id}/activity"),
            ("POST", "/api/v1/tasks/{id}/context/append"),
            ("POST", "/api/v1/tasks/{id}/dependencies"),
            ("POST", "/api/v1/tasks/{id}/handoff"),
            ("POST", "/api/v1/tasks/{id}/skip"),
            ("POST", "/api/v1/tasks/{id}/timer"),
            ("POST", "/api/v1/vault/alerts"),
            ("POST", "/api/v1/vault/items"),
            ("POST", "/api/v1/vault/items/{id}/attachments/upload-url"),
            ("POST", "/api/v1/vault/items/{id}/reveal"),
            ("POST", "/api/v1/vault/items/{id}/share"),
            ("POST", "/api/v1/vault/items/{id}/totp"),
            ("POST", "/api/v1/vault/leases/request"),
            ("POST", "/api/v1/vault/leases/{id}/approve"),
            ("POST", "/api/v1/vault/leases/{id}/deny"),
            ("POST", "/api/v1/vault/leases/{id}/use"),
            ("POST", "/api/v1/vault/vaults"),
            ("POST", "/api/v1/vault/vaults/{vid}/members"),
            ("POST", "/api/v1/voice/transcribe"),
            ("POST", "/api/v1/work-streams"),
            ("POST", "/api/v1/work-streams/{id}/events"),
            ("PUT", "/api/v1/agents/{id}/capabilities"),
            ("PUT", "/api/v1/agents/{id}/channels/{cid}/config"),
            ("PUT", "/api/v1/agents/{id}/focus"),
            ("PUT", "/api/v1/agents/{id}/memory"),
            ("PUT", "/api/v1/agents/{id}/state"),
            ("PUT", "/api/v1/agents/{id}/status"),
            ("PUT", "/api/v1/channels/{id}/context"),
            ("PUT", "/api/v1/channels/{id}/coordination"),
            ("PUT", "/api/v1/library/{id}/collections/{slug}"),
            ("PUT", "/api/v1/library/{id}/conventions"),
            ("PUT", "/api/v1/library/{id}/git-mirror"),
            ("PUT", "/api/v1/library/{id}/pages/{path}"),
            ("PUT", "/api/v1/projects/{id}/context"),
            ("PUT", "/api/v1/schedule/sync"),
            ("PUT", "/api/v1/sessions/{id}"),
            ("PUT", "/api/v1/tasks/{id}/context"),
            ("PUT", "/api/v1/vault/vaults/{vid}/masking-policy"),
        ]
    )


def test_body_taking_operations_document_a_request_model(spec: dict[str, Any]) -> None:
    for method, path, operation in api_operations(spec):
        label = f"{method.upper()} {path}"
        if method not in BODY_METHODS or (method.upper(), path) in BODILESS:
            assert "requestBody" not in operation, label
            continue
        assert "requestBody" in operation, f"{label} documents no request body"
        alternatives = without_null(spec, json_schema(operation["requestBody"]))
        assert len(alternatives) == 1, label
        assert alternatives[0].get("$ref", "").startswith("#/components/schemas/"), label
        model = resolve(spec, alternatives[0])
        assert model["type"] == "object", label
        assert model["properties"], label
        # A body can be malformed or too large.
        assert {"400", "413"} <= set(operation["responses"]), label


def test_every_operation_answers_in_the_envelope(spec: dict[str, Any]) -> None:
    for method, path, operation in api_operations(spec):
        label = f"{method.upper()} {path}"
        successes = [status for status in operation["responses"] if status.startswith("2")]
        # One success status, or two where a create can find what it would create (201 / 200).
        assert successes, label
        assert len(successes) == 1 or sorted(successes) == ["200", "201"], label
        for success in successes:
            envelope = resolve(spec, json_schema(operation["responses"][success]))
            assert {"ok", "data"} <= set(envelope["properties"]), label
            assert envelope["properties"]["ok"].get("const") is True, label
            assert "data" in envelope["required"], label


def test_every_operation_lists_its_errors_in_the_error_shape(spec: dict[str, Any]) -> None:
    error_body = resolve(spec, {"$ref": ERROR_BODY_REF})
    assert {"error", "status", "code"} <= set(error_body["required"])
    for method, path, operation in api_operations(spec):
        label = f"{method.upper()} {path}"
        errors = {s: r for s, r in operation["responses"].items() if not s.startswith("2")}
        assert errors, f"{label} lists no error responses"
        assert "422" not in operation["responses"], label
        for status, response in errors.items():
            assert 400 <= int(status) < 600, (label, status)
            assert json_schema(response) == {"$ref": ERROR_BODY_REF}, (label, status)


def test_no_operation_lists_422_nor_the_framework_validation_models(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        assert "422" not in operation["responses"], f"{method.upper()} {path}"
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas


def test_authenticated_operations_carry_security(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert (schemes["bearer"]["type"], schemes["bearer"]["scheme"]) == ("http", "bearer")
    assert schemes["signature"]["in"] == "header"
    assert schemes["signature"]["name"] == "Authorization"
    # The routes that hand out credentials cannot require them (login and refresh still answer
    # 401 for bad passwords and tokens); every other operation of the API needs a caller.
    public = {f"{API_PREFIX}/auth/{name}" for name in ("register", "login", "refresh")}
    authenticated = [op for op in api_operations(spec) if op[1] not in public]
    assert authenticated
    for method, path, operation in authenticated:
        requirements = operation.get("security")
        assert requirements, f"{method.upper()} {path}"
        assert "401" in operation["responses"], f"{method.upper()} {path}"
        for requirement in requirements:
            assert set(requirement) <= set(schemes), f"{method.upper()} {path}"
    for path in public:
        assert "security" not in spec["paths"][path]["post"], path
    assert "401" not in spec["paths"][f"{API_PREFIX}/auth/register"]["post"]["responses"]


def test_handle_fields_document_their_pattern(spec: dict[str, Any]) -> None:
    # Clients (and the fuzz below) can only send valid handles if the document says what
    # one is; the rule must not live in a description alone.
    for name, model in spec["components"]["schemas"].items():
        handle = model.get("properties", {}).get("handle")
        if handle is None or not name.endswith("Request"):  # responses only report handles
            continue
        (string,) = without_null(spec, handle)
        assert string.get("pattern"), (name, handle)


# --- the fuzz -------------------------------------------------------------------------------


def assert_error_shape(response: Any, label: str) -> None:
    body = response.json()
    assert isinstance(body, dict), (label, body)
    assert isinstance(body.get("error"), str), (label, body)
    assert body["error"], (label, body)
    assert body.get("status") == response.status_code, (label, body)
    assert isinstance(body.get("code"), str), (label, body)
    assert body["code"], (label, body)


# Runs on both engines, not SQLite only: PostgreSQL refuses values SQLite stores (NUL
# characters), so a SQLite-only fuzz would miss a class of 500s. It takes ~10 s an engine.
@pytest.mark.both_engines
@pytest.mark.usefixtures("anyio_backend")
def test_fuzzed_requests_never_get_a_5xx_and_errors_keep_their_shape(settings: Settings) -> None:
    # The app opens its own platform in its lifespan: schemathesis drives it from an event loop
    # of its own, which the platform's connections must belong to.
    app = create_app(settings)
    try:
        with asgi.get_client(app) as http:
            session = http.post(
                f"{API_PREFIX}/auth/register",
                json={
                    "email": "fuzz@example.com",
                    "password": FUZZ_PASSWORD,
                    "handle": "fuzz-admin",
                    "displayName": "Fuzz",
                },
                timeout=FUZZ_REQUEST_TIMEOUT,
            ).json()["data"]
            auth = {"Authorization": f"Bearer {session['accessToken']}"}
            agent = http.post(
                f"{API_PREFIX}/agents",
                json={"handle": "fuzz-target"},
                headers=auth,
                timeout=FUZZ_REQUEST_TIMEOUT,
            ).json()["data"]
            key = http.post(
                f"{API_PREFIX}/agents/{agent['id']}/api-keys",
                json={},
                headers=auth,
                timeout=FUZZ_REQUEST_TIMEOUT,
            ).json()["data"]
        # Real ids, so some requests get past the 404 into the services.
        real_ids = {"id": agent["id"], "keyId": key["id"]}
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        fuzzed: list[str] = []
        failed: list[str] = []
        failures: list[Exception] = []
        for result in schema.get_all_operations():
            operation = result.ok()
            modes = [schemathesis.GenerationMode.POSITIVE]
            if operation.path.startswith(API_PREFIX):
                modes.append(schemathesis.GenerationMode.NEGATIVE)
            for mode in modes:
                label = f"{operation.label} ({mode.value})"
                fuzzed.append(label)
                try:
                    fuzz_operation(operation, mode, auth, real_ids)
                except Exception as failure:  # every operation gets its turn; all are reported
                    failure.add_note(f"while fuzzing {label}")
                    failed.append(label)
                    failures.append(failure)
        assert len(fuzzed) > 20, fuzzed
        if failures:
            summary = f"{len(failed)} of {len(fuzzed)} fuzz runs failed: {'; '.join(failed)}"
            raise ExceptionGroup(summary, failures)
    finally:
        asgi.shutdown_lifespans()


def fuzz_operation(
    operation: schemathesis.APIOperation,
    mode: schemathesis.GenerationMode,
    auth: dict[str, str] | Callable[[], dict[str, str]],
    real_ids: dict[str, str],
    examples: int = FUZZ_EXAMPLES,
) -> None:
    """Fuzz one operation with the credentials `auth` gives (headers, or a function making
    fresh ones for each request, as signatures need)."""
    label = f"{operation.label} ({mode.value})"

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        # No shrinking: a failure is reported as found, and a failing run stays short.
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=[
            hypothesis.HealthCheck.too_slow,
            hypothesis.HealthCheck.filter_too_much,
            hypothesis.HealthCheck.data_too_large,
        ],
    )
    def run(case: schemathesis.Case, data: st.DataObject) -> None:
        for name, value in real_ids.items():
            if name in (case.path_parameters or {}) and data.draw(st.booleans(), name):
                case.path_parameters[name] = value
        if mode.is_positive and isinstance(case.body, dict) and data.draw(st.booleans()):
            # The document gives no pattern for handles, and cannot say what a valid Ed25519
            # key is: help some bodies past validation, so they reach the database.
            if "handle" in case.body:
                case.body["handle"] = data.draw(HANDLES, "handle")
            case.body.pop("publicKey", None)
        response = case.call_and_validate(
            headers=auth() if callable(auth) else auth,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
            timeout=FUZZ_REQUEST_TIMEOUT,
        )
        assert response.status_code < 500, label
        if not 200 <= response.status_code < 300:
            assert_error_shape(response, label)

    run()
