"""Bad input of every kind gets a 4xx in the error shape, never a 500, and never writes anything:
malformed JSON, wrong shapes and types, bad query parameters, oversized bodies, unknown routes
and methods, smuggled protected fields, bad credentials and ids that are not UUIDs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx2
import pytest

from server_core.app import create_app
from server_core.config import Settings
from server_core.kernel.ids import parse_id
from server_core.kernel.platform import Platform
from tests.helpers import (
    PASSWORD,
    KeyPair,
    api_key_for,
    bearer,
    data,
    error,
    provision_agent,
    register,
)

pytestmark = pytest.mark.anyio

JSON = {"Content-Type": "application/json"}
BODY_LIMIT = 2048
UNKNOWN_UUID = "01900000-0000-7000-8000-000000000000"
REGISTRATION = {
    "email": "ada@example.com",
    "password": PASSWORD,
    "handle": "ada",
    "displayName": "Ada",
}


def problems(body: dict[str, Any]) -> dict[str, str]:
    """A validation error's details as {field: message}, after checking their shape."""
    details = body["details"]
    assert isinstance(details, list)
    assert details
    for detail in details:
        assert set(detail) == {"field", "message"}, detail
        assert isinstance(detail["message"], str)
        assert detail["message"]
    return {detail["field"]: detail["message"] for detail in details}


def validation_error(response: httpx2.Response, field: str) -> dict[str, Any]:
    """A 400 validation_error whose message and details name `field`."""
    body = error(response, 400, "validation_error")
    assert body["error"].startswith(f"{field}: "), body
    assert field in problems(body), body
    return body


async def bootstraps_the_workspace(client: httpx2.AsyncClient) -> None:
    """A normal first registration still creates the workspace: nothing before it was written."""
    session = await register(client)
    assert session["principal"]["isAdmin"] is True
    assert session["principal"]["workspaceId"] == session["workspace"]["id"]


# --- malformed and misshapen bodies ---------------------------------------------------------

MALFORMED_JSON = [
    b'{"email": ',
    b'{"email": "ada@example.com",}',
    b"{'email': 'ada@example.com'}",
    b"not json at all",
    b'{"email": "ada@example.com"} trailing',
    b"{",
]
NOT_OBJECTS = [[], [REGISTRATION], "ada", 5, True, None]
WRONG_FIELDS = [
    ("handle", 5),
    ("email", ["ada@example.com"]),
    ("password", 12345678),
    ("displayName", {"name": "Ada"}),
    ("workspaceName", 7),
    ("handle", "Not A Handle!"),
    ("email", "no-at-sign"),
    ("password", "short"),
]


async def test_malformed_json_is_a_400_in_the_error_shape(client: httpx2.AsyncClient) -> None:
    for raw in MALFORMED_JSON:
        response = await client.post("/auth/register", content=raw, headers=JSON)
        error(response, 400, "invalid_json")
    await bootstraps_the_workspace(client)


async def test_a_body_that_is_not_utf8_is_malformed_json_too(client: httpx2.AsyncClient) -> None:
    # RFC 8259 §8.1: JSON text is UTF-8.
    response = await client.post("/auth/register", content=b'{"email": "\xff\xfe"}', headers=JSON)
    error(response, 400, "invalid_json")


async def test_malformed_json_is_a_400_on_authenticated_routes_too(
    client: httpx2.AsyncClient,
) -> None:
    token = (await register(client))["accessToken"]
    response = await client.post("/agents", content=b'{"handle": ', headers=JSON | bearer(token))
    error(response, 400, "invalid_json")
    assert data(await client.get("/agents", headers=bearer(token))) == []


async def test_json_that_is_not_an_object_is_a_400_validation_error(
    client: httpx2.AsyncClient,
) -> None:
    for body in NOT_OBJECTS:
        response = await client.post("/auth/register", content=json.dumps(body), headers=JSON)
        assert set(problems(validation_error(response, "body"))) == {"body"}, body
    await bootstraps_the_workspace(client)


async def test_wrong_types_and_values_are_a_400_naming_the_field(
    client: httpx2.AsyncClient,
) -> None:
    for field, value in WRONG_FIELDS:
        response = await client.post("/auth/register", json={**REGISTRATION, field: value})
        assert set(problems(validation_error(response, field))) == {field}, (field, value)
    await bootstraps_the_workspace(client)


async def test_a_missing_required_field_is_a_400_naming_it(client: httpx2.AsyncClient) -> None:
    for field in ("email", "password", "handle", "displayName"):
        body = {key: value for key, value in REGISTRATION.items() if key != field}
        response = await client.post("/auth/register", json=body)
        assert set(problems(validation_error(response, field))) == {field}
    await bootstraps_the_workspace(client)


async def test_every_problem_is_listed_and_the_message_counts_the_rest(
    client: httpx2.AsyncClient,
) -> None:
    response = await client.post("/auth/register", json={"handle": 5})
    body = error(response, 400, "validation_error")
    assert set(problems(body)) == {"email", "password", "handle", "displayName"}
    assert body["error"].endswith("(and 3 more)"), body


async def test_nested_and_authenticated_body_fields_are_named_too(
    client: httpx2.AsyncClient,
) -> None:
    token = (await register(client))["accessToken"]
    profile = await client.patch("/auth/profile", json={"profile": "x"}, headers=bearer(token))
    validation_error(profile, "profile")
    agent = await client.post("/agents", json={"handle": 5}, headers=bearer(token))
    validation_error(agent, "handle")
    no_handle = await client.post("/agents", json={"displayName": "Bot"}, headers=bearer(token))
    validation_error(no_handle, "handle")
    assert data(await client.get("/agents", headers=bearer(token))) == []


# --- query parameters -----------------------------------------------------------------------


async def test_bad_query_parameters_are_a_400_naming_the_parameter(
    client: httpx2.AsyncClient,
) -> None:
    token = (await register(client))["accessToken"]
    for query, parameter in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("includeArchived=maybe", "includeArchived"),
        ("cursor=" + "x" * 65, "cursor"),
        ("cursor=x", "cursor"),
    ]:
        response = await client.get(f"/agents?{query}", headers=bearer(token))
        assert set(problems(validation_error(response, parameter))) == {parameter}, query


async def test_query_parameters_at_their_bounds_are_accepted(client: httpx2.AsyncClient) -> None:
    token = (await register(client))["accessToken"]
    cursor = "cursor=01900000-0000-7000-8000-000000000000"
    for query in ["limit=1", "limit=100", "includeArchived=true", "includeArchived=0", cursor]:
        assert data(await client.get(f"/agents?{query}", headers=bearer(token))) == [], query


# --- body size ------------------------------------------------------------------------------


@pytest.fixture
def small_body_limit(settings: Settings) -> Settings:
    settings.max_body_bytes = BODY_LIMIT
    return settings


@pytest.fixture
async def limited_client(
    small_body_limit: Settings, platform: Platform
) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of an app refusing bodies over BODY_LIMIT bytes."""
    assert platform.settings.max_body_bytes == BODY_LIMIT
    transport = httpx2.ASGITransport(app=create_app(platform=platform))
    async with httpx2.AsyncClient(transport=transport, base_url="http://test/api/v1") as http:
        yield http


def padded(body: dict[str, Any], size: int) -> bytes:
    """`body` as JSON of exactly `size` bytes, padded with an unknown (ignored) field."""
    bare = json.dumps({**body, "padding": ""}).encode()
    raw = json.dumps({**body, "padding": "x" * (size - len(bare))}).encode()
    assert len(raw) == size
    return raw


async def in_chunks(raw: bytes, size: int = 512) -> AsyncIterator[bytes]:
    for start in range(0, len(raw), size):
        yield raw[start : start + size]


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
async def test_a_body_over_the_limit_is_a_413_and_writes_nothing(
    limited_client: httpx2.AsyncClient, streamed: bool
) -> None:
    # Valid registration, only too big: without the limit it would create the workspace.
    raw = padded(REGISTRATION, BODY_LIMIT + 1)
    content: bytes | AsyncIterator[bytes] = in_chunks(raw) if streamed else raw
    response = await limited_client.post("/auth/register", content=content, headers=JSON)
    if streamed:
        assert "content-length" not in response.request.headers
        assert response.request.headers["transfer-encoding"] == "chunked"
    else:
        assert response.request.headers["content-length"] == str(BODY_LIMIT + 1)
    error(response, 413, "payload_too_large")
    # Exactly at the limit is allowed, and it is the first registration: it bootstraps.
    at_limit = padded(REGISTRATION, BODY_LIMIT)
    session = data(await limited_client.post("/auth/register", content=at_limit, headers=JSON), 201)
    assert session["principal"]["isAdmin"] is True


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
async def test_an_oversized_authenticated_write_is_a_413_and_writes_nothing(
    limited_client: httpx2.AsyncClient, streamed: bool
) -> None:
    token = (await register(limited_client))["accessToken"]
    raw = padded({"handle": "too-big"}, BODY_LIMIT * 4)
    content: bytes | AsyncIterator[bytes] = in_chunks(raw) if streamed else raw
    response = await limited_client.post("/agents", content=content, headers=JSON | bearer(token))
    error(response, 413, "payload_too_large")
    assert data(await limited_client.get("/agents", headers=bearer(token))) == []


# --- routing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/nope"),
        ("POST", "/agents/x/y/z"),
        ("GET", "http://test/api/v2/agents"),
        ("GET", "http://test/not-the-api"),
    ],
)
async def test_an_unknown_route_is_a_404_in_the_error_shape(
    client: httpx2.AsyncClient, method: str, url: str
) -> None:
    error(await client.request(method, url), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/auth/me"),
        ("DELETE", "/auth/login"),
        ("GET", "/auth/register"),
        ("PUT", "/agents"),
        ("POST", f"/agents/{UNKNOWN_UUID}"),
        ("GET", f"/agents/{UNKNOWN_UUID}/rotate-key"),
    ],
)
async def test_a_wrong_method_is_a_405_in_the_error_shape(
    client: httpx2.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path)
    error(response, 405, "method_not_allowed")
    assert "Allow" in response.headers


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/agents", {"GET", "POST"}),
        ("POST", f"/agents/{UNKNOWN_UUID}", {"GET", "PATCH", "DELETE"}),
        ("PATCH", f"/agents/{UNKNOWN_UUID}/api-keys", {"GET", "POST"}),
    ],
)
async def test_a_405_allow_header_lists_every_method_of_the_path(
    client: httpx2.AsyncClient, method: str, path: str, allowed: set[str]
) -> None:
    # RFC 9110 §15.5.6: Allow lists the target resource's methods, not one route's.
    response = await client.request(method, path)
    error(response, 405, "method_not_allowed")
    listed = {part.strip() for part in response.headers["Allow"].split(",")}
    assert listed >= allowed


# --- protected fields -----------------------------------------------------------------------

SMUGGLED = {
    "kind": "human",
    "isAdmin": True,
    "workspaceId": UNKNOWN_UUID,
    "id": "01900000-0000-7000-8000-0000000000aa",
    "createdAt": "2001-01-01T00:00:00.000Z",
    "updatedAt": "2001-01-01T00:00:00.000Z",
    "ownerId": UNKNOWN_UUID,
    "isActive": False,
}


def is_recent(timestamp: str) -> bool:
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


async def test_unknown_fields_cannot_set_protected_fields_of_a_new_agent(
    client: httpx2.AsyncClient,
) -> None:
    session = await register(client)
    me = session["principal"]
    created = data(
        await client.post(
            "/agents", json={"handle": "sneaky", **SMUGGLED}, headers=bearer(session["accessToken"])
        ),
        201,
    )
    stored = data(
        await client.get(f"/agents/{created['id']}", headers=bearer(session["accessToken"]))
    )
    for agent in (created, stored):
        assert agent["kind"] == "agent"
        assert agent["isAdmin"] is False
        assert agent["isActive"] is True
        assert agent["workspaceId"] == me["workspaceId"]
        assert agent["ownerId"] == me["id"]
        assert agent["id"] != SMUGGLED["id"]
        assert parse_id(agent["id"]) == agent["id"]
        assert is_recent(agent["createdAt"])
        assert is_recent(agent["updatedAt"])


async def test_unknown_fields_cannot_change_protected_fields_of_an_agent(
    client: httpx2.AsyncClient,
) -> None:
    session = await register(client)
    token = session["accessToken"]
    agent = await provision_agent(client, token)
    patch = {k: v for k, v in SMUGGLED.items() if k != "isActive"}
    updated = data(await client.patch(f"/agents/{agent['id']}", json=patch, headers=bearer(token)))
    assert updated == {**agent, "updatedAt": updated["updatedAt"]}
    # The agent itself, with its own key, cannot promote itself either.
    key = await api_key_for(client, token, agent["id"])
    itself = await client.patch(f"/agents/{agent['id']}", json=patch, headers=bearer(key))
    assert data(itself)["isAdmin"] is False
    assert (
        data(await client.get(f"/agents/{agent['id']}", headers=bearer(token)))["kind"] == "agent"
    )


async def test_unknown_fields_cannot_change_protected_fields_of_ones_own_profile(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    await register(client)
    platform.settings.open_registration = True
    member = await register(
        client, email="bob@example.com", handle="bob", display_name="Bob", **SMUGGLED
    )
    me = member["principal"]
    assert me["kind"] == "human"
    assert me["isAdmin"] is False
    assert me["email"] == "bob@example.com"
    assert me["workspaceId"] == member["workspace"]["id"] != UNKNOWN_UUID
    changed = data(
        await client.patch(
            "/auth/profile",
            json={
                **SMUGGLED,
                "email": "mallory@example.com",
                "handle": "bobby",
                "displayName": "Robert",
            },
            headers=bearer(member["accessToken"]),
        )
    )
    assert changed == {**me, "displayName": "Robert", "updatedAt": changed["updatedAt"]}


# --- credentials ----------------------------------------------------------------------------

BAD_AUTHORIZATION = [
    None,
    "Basic xyz",
    "Bearer",
    "Bearer ",
    "Bearer sk_live_unknown",
    "Bearer not.a.jwt",
    "Signature a.b",
    "Signature a.b.c.d",
    "Signature ada.c2ln.notanumber",
    "sk_live_unknown",
]


async def test_bad_credentials_are_a_401_with_a_challenge(client: httpx2.AsyncClient) -> None:
    await register(client)
    for authorization in BAD_AUTHORIZATION:
        headers = {"Authorization": authorization} if authorization is not None else {}
        for method, path, body in [
            ("GET", "/auth/me", None),
            ("PATCH", "/auth/profile", {"displayName": "Mallory"}),
            ("GET", "/agents", None),
            ("POST", "/agents", {"handle": "intruder"}),
            ("GET", f"/agents/{UNKNOWN_UUID}", None),
            ("DELETE", f"/agents/{UNKNOWN_UUID}/api-keys/{UNKNOWN_UUID}", None),
        ]:
            response = await client.request(method, path, json=body, headers=headers)
            label = (authorization, method, path)
            error(response, 401)
            assert response.json()["code"] in ("unauthorized", "invalid_credentials"), label
            assert "Bearer" in response.headers["WWW-Authenticate"], label


async def test_bad_credentials_come_before_bad_input(client: httpx2.AsyncClient) -> None:
    # A caller without valid credentials learns nothing about the input rules.
    await register(client)
    for method, path, kwargs in [
        ("POST", "/agents", {"json": {"handle": "!"}}),
        ("POST", "/agents", {"content": b'{"handle": '}),
        ("GET", "/agents?limit=0", {}),
        ("PUT", f"/agents/{UNKNOWN_UUID}/status", {"json": {"progress": 900}}),
    ]:
        response = await client.request(
            method, path, headers=JSON | {"Authorization": "Bearer nope"}, **kwargs
        )
        error(response, 401, "invalid_credentials")
        assert "Bearer" in response.headers["WWW-Authenticate"], (method, path)


async def test_every_kind_of_401_carries_a_challenge(client: httpx2.AsyncClient) -> None:
    session = await register(client)
    token = session["accessToken"]
    agent = await provision_agent(client, token)
    key = await api_key_for(client, token, agent["id"])
    keys = data(await client.get(f"/agents/{agent['id']}/api-keys", headers=bearer(token)))
    data(
        await client.delete(
            f"/agents/{agent['id']}/api-keys/{keys[0]['id']}", headers=bearer(token)
        )
    )
    archived = await provision_agent(client, token, handle="archived-bot")
    archived_key = await api_key_for(client, token, archived["id"])
    data(await client.delete(f"/agents/{archived['id']}", headers=bearer(token)))
    stale = KeyPair.generate().signature_header("helper-bot", timestamp_ms=1)
    responses = [
        await client.post(
            "/auth/login", json={"email": "ada@example.com", "password": "wrong-one"}
        ),
        await client.post("/auth/refresh", json={"refreshToken": "rt_unknown"}),
        await client.get("/auth/me", headers=bearer(key)),  # revoked
        await client.get("/auth/me", headers=bearer(archived_key)),  # its agent is archived
        await client.get("/auth/me", headers=stale),  # outside the window
    ]
    for response in responses:
        error(response, 401)
        assert response.headers["WWW-Authenticate"], response.request.url


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.both_engines
async def test_ids_that_are_not_agents_are_a_404(client: httpx2.AsyncClient) -> None:
    token = (await register(client))["accessToken"]
    agent = await provision_agent(client, token)
    new_key = KeyPair.generate().public_b64
    for bad_id in ["not-a-uuid", "1", "' OR 1=1 --", "x" * 300, UNKNOWN_UUID]:
        quoted = quote(bad_id, safe="")  # as a client would send it
        for method, path, body in [
            ("GET", f"/agents/{quoted}", None),
            ("PATCH", f"/agents/{quoted}", {"displayName": "X"}),
            ("DELETE", f"/agents/{quoted}", None),
            ("POST", f"/agents/{quoted}/api-keys", {}),
            ("GET", f"/agents/{quoted}/api-keys", None),
            ("DELETE", f"/agents/{quoted}/api-keys/{UNKNOWN_UUID}", None),
            ("POST", f"/agents/{quoted}/rotate-key", {"newPublicKey": new_key}),
            ("DELETE", f"/agents/{agent['id']}/api-keys/{quoted}", None),
        ]:
            response = await client.request(method, path, json=body, headers=bearer(token))
            body = error(response, 404, "not_found")
            assert bad_id in body["error"], (method, path)
    # Nothing happened to the real agent meanwhile.
    assert data(await client.get(f"/agents/{agent['id']}", headers=bearer(token))) == agent


async def test_a_human_is_not_an_agent(client: httpx2.AsyncClient) -> None:
    session = await register(client)
    me = session["principal"]["id"]
    error(await client.get(f"/agents/{me}", headers=bearer(session["accessToken"])), 404)
    error(await client.delete(f"/agents/{me}", headers=bearer(session["accessToken"])), 404)


# --- values the database cannot hold ----------------------------------------------------------


@pytest.fixture
async def served(platform: Platform) -> AsyncIterator[httpx2.AsyncClient]:
    """Like `client`, but a crash comes back as the 500 a server would send, not an exception."""
    transport = httpx2.ASGITransport(app=create_app(platform=platform), raise_app_exceptions=False)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test/api/v1") as http:
        yield http


@pytest.mark.both_engines
async def test_profile_integers_beyond_64_bits_are_a_400_not_a_500(
    served: httpx2.AsyncClient,
) -> None:
    token = (await register(served))["accessToken"]
    for number in (2**64, -(2**63) - 1, 10**30):
        created = await served.post(
            "/agents", json={"handle": "big", "profile": {"n": number}}, headers=bearer(token)
        )
        validation_error(created, "profile")
        mine = await served.patch(
            "/auth/profile", json={"profile": {"deep": [{"n": number}]}}, headers=bearer(token)
        )
        validation_error(mine, "profile")
    assert data(await served.get("/agents", headers=bearer(token))) == []


@pytest.mark.both_engines
@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
async def test_non_finite_numbers_are_refused_not_stored(
    served: httpx2.AsyncClient, token: str
) -> None:
    # Not JSON (RFC 8259), though Python's parser accepts them; no engine can store them alike.
    session = await register(served)
    raw = f'{{"handle": "odd", "profile": {{"n": {token}}}}}'.encode()
    response = await served.post(
        "/agents", content=raw, headers=JSON | bearer(session["accessToken"])
    )
    body = error(response, 400)
    assert body["code"] in ("invalid_json", "validation_error")
    assert data(await served.get("/agents", headers=bearer(session["accessToken"]))) == []


NUL_REQUESTS = [
    ("POST", "/agents", {"handle": "nul-name", "displayName": "a\x00b"}),
    ("POST", "/agents", {"handle": "nul-profile", "profile": {"k": "a\x00b"}}),
    ("POST", "/agents", {"handle": "nul-key", "profile": {"a\x00b": 1}}),
    ("PATCH", "/auth/profile", {"avatarUrl": "https://example.com/\x00"}),
    ("PATCH", "/auth/profile", {"displayName": "\x00"}),
    ("POST", "/agents/{agent}/api-keys", {"label": "a\x00b"}),
    ("PATCH", "/agents/{agent}", {"displayName": "a\x00b"}),
    ("POST", "/auth/login", {"email": "ada\x00@example.com", "password": PASSWORD}),
    ("GET", "/agents?cursor=%00", None),
]


@pytest.mark.both_engines
@pytest.mark.parametrize(
    ("method", "path", "body"), NUL_REQUESTS, ids=[f"{m} {p} {b}" for m, p, b in NUL_REQUESTS]
)
async def test_nul_characters_are_never_a_500(
    served: httpx2.AsyncClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    # SQLite stores U+0000, PostgreSQL text and jsonb cannot: either way it is not a crash.
    token = (await register(served))["accessToken"]
    agent = await provision_agent(served, token)
    response = await served.request(
        method, path.format(agent=agent["id"]), json=body, headers=bearer(token)
    )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        error(response, response.status_code)
