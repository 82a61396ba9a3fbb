"""The schemathesis fuzz of `tests/server_core/test_openapi.py`, once per credential: an
agent's API key, a human's access token, and an agent's Ed25519 signature (fresh for every
request), on both engines. No operation may answer 5xx, and errors keep their shape.

`RELIABILITY_FUZZ_EXAMPLES` sets the examples per operation and generation mode
(`bench/reliability.py` raises it)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from schemathesis.python import asgi
from schemathesis.python.asgi import ASGIClient

from server_core.app import API_PREFIX, create_app
from server_core.config import Settings
from tests.helpers import KeyPair, bearer
from tests.server_core.test_openapi import FUZZ_PASSWORD, FUZZ_REQUEST_TIMEOUT, fuzz_operation

EXAMPLES = int(os.environ.get("RELIABILITY_FUZZ_EXAMPLES", "1"))
CREDENTIALS = ["api_key", "access_token", "signature"]
AGENT = "fuzz-agent"


def post(http: ASGIClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = http.post(
        f"{API_PREFIX}{path}", json=body, headers=headers, timeout=FUZZ_REQUEST_TIMEOUT
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


@pytest.mark.both_engines
@pytest.mark.usefixtures("anyio_backend")
@pytest.mark.parametrize("credential", CREDENTIALS)
def test_fuzz_with_each_credential_never_gets_a_5xx(settings: Settings, credential: str) -> None:
    app = create_app(settings)  # its lifespan opens the platform on schemathesis's loop
    keys = KeyPair.generate()
    try:
        with asgi.get_client(app) as http:
            human = {
                "email": "fuzz@example.com",
                "password": FUZZ_PASSWORD,
                "handle": "fuzz-admin",
                "displayName": "Fuzz",
            }
            token = post(http, "/auth/register", human, {})["accessToken"]
            agent = post(
                http, "/agents", {"handle": AGENT, "publicKey": keys.public_b64}, bearer(token)
            )
            key = post(http, f"/agents/{agent['id']}/api-keys", {}, bearer(token))
        auth: Callable[[], dict[str, str]] = {
            "api_key": lambda: bearer(key["key"]),
            "access_token": lambda: bearer(token),
            "signature": lambda: keys.signature_header(AGENT),
        }[credential]
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        runs: list[str] = []
        failures: list[Exception] = []
        for result in schema.get_all_operations():
            operation = result.ok()
            modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
            for mode in modes[: 2 if operation.path.startswith(API_PREFIX) else 1]:
                runs.append(f"{operation.label} ({mode.value})")
                try:
                    fuzz_operation(
                        operation, mode, auth, {"id": agent["id"], "keyId": key["id"]}, EXAMPLES
                    )
                except Exception as failure:  # every operation gets its turn; all are reported
                    failure.add_note(f"while fuzzing {runs[-1]} with {credential}")
                    failures.append(failure)
        print(
            f"reliability: fuzz ({credential}, {settings.database_url.split(':')[0]}): "
            f"{len(runs)} operation-modes x {EXAMPLES} examples, 5xx or malformed errors in "
            f"{len(failures)}"
        )
        assert len(runs) > 100, runs
        if failures:
            raise ExceptionGroup(f"{len(failures)} of {len(runs)} fuzz runs failed", failures)
    finally:
        asgi.shutdown_lifespans()
