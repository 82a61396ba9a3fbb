"""An authorization matrix generated from `/openapi.json`: every operation, called with real
resources of workspace A as (a) no credentials, (b) the admin of another workspace, (c) a
member of workspace A who is not in the channel or the vault (an agent, and a human), (d) an
agent, on the routes the document marks human-only. Unauthorized 2xx: 0. A refusal must be
the expected one (a request refused as malformed does not pass for a denial), and what a
caller may do must not show it the ids it may not see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from server_core.app import API_PREFIX
from server_core.kernel.platform import Platform
from tests.helpers import bearer, register
from tests.reliability.authorization import (
    EMOJI,
    Resources,
    create_resources,
    example_body,
    minimal_body,
)
from tests.server_core.gateway.conftest import World

pytestmark = pytest.mark.anyio

# Operations called by no one here, with the reason.
SKIPPED = {
    ("GET", "/healthz"): "health answers everyone and shows nothing of a workspace",
    ("POST", "/auth/register"): "hands out credentials, takes none",
    ("POST", "/auth/login"): "hands out credentials, takes none",
    ("POST", "/auth/refresh"): "takes a refresh token in its body, not a caller",
}

# Who is refused what, and with which statuses; calls no rule covers are allowed.
RULES = {
    "anonymous": "every operation called: 401",
    "other_workspace": "a resource of workspace A in the path: 404; only in the body: 400 or 404",
    "outsider_agent": "the channel, its message, the vault, its item, lease or alert, an agent "
    "or API key it does not own, the private library and its pages (path or body): 403 or 404; "
    "human-only routes: 403",
    "outsider_human": "the channel, its message, an agent or API key she does not own: 403 or "
    "404 (the vault's routes are allowed: see ALLOWED)",
    "outsiders, projects": "a project they are not members of: read, not changed (403)",
    "outsiders, tasks": "the board is shared: every task operation but deleting another's task "
    "and changing or deleting another's template",
    "agent": "the routes the document marks human-only (403 human_only)",
}
OUTSIDERS = ("outsider_agent", "outsider_human")
PROJECT_READS = ("/projects/{id}", "/projects/{id}/context", "/projects/{id}/context/history")
SCHEDULE_READS = ("/schedule/{eventId}/exceptions", "/schedule/{eventId}/occurrences")
ALLOWED = {
    ("outsider_agent", "GET", "/agents/{id}"): "the workspace's directory: members see its agents",
    ("outsider_human", "GET", "/agents/{id}"): "the workspace's directory: members see its agents",
    **{
        (who, "GET", "/agents/{id}/capabilities"): "any principal reads an agent's capabilities"
        for who in OUTSIDERS
    },
    **{
        (who, "GET", path): "every principal of the workspace reads its projects"
        for who in OUTSIDERS
        for path in PROJECT_READS
    },
    **{
        (who, "GET", path): "the calendar is shared by the workspace"
        for who in OUTSIDERS
        for path in SCHEDULE_READS
    },
}
ALLOWED_UNDER = {
    ("outsider_human", "/vault/"): "humans are admins of every vault of their workspace "
    "(docs/api-notes.md, Vault: who may do what)",
    **{(who, "/tasks"): "the board is shared by the workspace" for who in OUTSIDERS},
}
# Refused although a rule above allows the rest of their area.
DENIED = {
    (who, method, path): {403}
    for who in OUTSIDERS
    for method, path in (
        ("DELETE", "/tasks/{id}"),
        ("PATCH", "/tasks/templates/{id}"),
        ("DELETE", "/tasks/templates/{id}"),
        # Timers are for the task's assignees, its creator and admins.
        ("POST", "/tasks/{id}/timer"),
        ("GET", "/tasks/{id}/timers"),
        ("DELETE", "/tasks/{id}/timers/{timerId}"),
    )
}


@dataclass
class Call:
    caller: str
    method: str
    path: str
    status: int
    code: str | None
    text: str
    denied: set[int] | None  # the statuses expected, None when allowed


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # A second human joins workspace A; webhooks may name this machine (nothing listens).
    return {"open_registration": True, "webhooks_allow_private": True}


def human_only(operation: dict[str, Any]) -> bool:
    return "human_only" in operation["responses"].get("403", {}).get("description", "")


def expected(
    caller: str, method: str, path: str, operation: dict[str, Any], named: set[str], r: Resources
) -> set[int] | None:
    """The statuses `caller` must get (RULES), or None when the call is allowed."""
    in_path = "{" in path
    if caller == "anonymous":
        return {401}
    if caller == "agent":
        return {403} if human_only(operation) else None
    if caller == "other_workspace":
        return {404} if in_path else ({400, 404} if named & set(r.ids.values()) else None)
    if (caller, method, path) in DENIED:
        return DENIED[(caller, method, path)]
    under = any(caller == who and path.startswith(prefix) for who, prefix in ALLOWED_UNDER)
    if (caller, method, path) in ALLOWED or under:
        return None
    if caller == "outsider_agent" and human_only(operation):
        return {403}
    private = r.private_ids(vault=caller == "outsider_agent")
    return {403, 404} if in_path or named & private else None


def leaked(call: Call, r: Resources) -> bool:
    """Whether an allowed call showed an id its caller may not see."""
    if call.denied is not None or call.caller == "anonymous" or call.caller == "agent":
        return False
    if call.caller == "other_workspace":
        hidden = set(r.ids.values()) - {EMOJI}
    else:
        hidden = r.private_ids(vault=call.caller == "outsider_agent")
    return any(id_ in call.text for id_ in hidden)


async def test_no_caller_gets_a_2xx_it_is_not_allowed(
    client: httpx2.AsyncClient, platform: Platform
) -> None:
    spec = (await client.get("http://test/openapi.json")).json()  # beside the API, not in it
    ada = await register(client)
    resources = await create_resources(client, ada["accessToken"])
    grace = await register(client, "grace@example.com", "grace", "Grace")
    world = World(client, ada["accessToken"], ada["principal"]["id"], ada["workspace"]["id"])
    callers = {
        "anonymous": {},
        "other_workspace": bearer(await world.other_workspace(platform)),
        "outsider_agent": resources.outsider,
        "agent": resources.bot,
        "outsider_human": bearer(grace["accessToken"]),  # last: she may change vault state
    }
    operations = [
        (method.upper(), path.removeprefix(API_PREFIX), operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if (method.upper(), path.removeprefix(API_PREFIX)) not in SKIPPED
    ]
    operations.sort(key=lambda op: op[0] == "DELETE")  # anything a bug deletes, deleted last
    calls: list[Call] = []
    for method, path, operation in operations:
        body = example_body(method, path, resources.ids) or minimal_body(spec, operation)
        values = list((body or {}).values())
        named = {v for v in values if isinstance(v, str)}
        named |= {
            v for value in values if isinstance(value, list) for v in value if isinstance(v, str)
        }
        for caller, headers in callers.items():
            denied = expected(caller, method, path, operation, named, resources)
            response = await client.request(
                method, resources.path(path), json=body, headers=headers
            )
            status = response.status_code
            code = response.json().get("code") if status >= 400 else None
            calls.append(Call(caller, method, path, status, code, response.text, denied))

    unauthorized = [c for c in calls if c.denied is not None and 200 <= c.status < 300]
    other_answers = [c for c in calls if c.denied is not None and c.status not in c.denied]
    leaks = [c for c in calls if leaked(c, resources)]
    refusals = sum(1 for c in calls if c.denied is not None)
    print(
        f"reliability: authorization: {len(operations)} operations x {len(callers)} callers, "
        f"{refusals} refusals expected: unauthorized 2xx {len(unauthorized)}, other answers "
        f"{len(other_answers)}, leaks {len(leaks)}; {len(SKIPPED)} skipped"
    )
    assert len(operations) > 60
    assert not unauthorized, [(c.caller, c.method, c.path, c.status) for c in unauthorized]
    assert not other_answers, [
        (c.caller, c.method, c.path, c.status, c.code) for c in other_answers
    ]
    assert not leaks, [(c.caller, c.method, c.path, c.status) for c in leaks]
