"""Both blob engines for the tests that store bytes: local files, and an S3-compatible server
(moto in server mode, on a port of its own) reached over real HTTP by the S3 engine.

A folder opts in by importing `blob_store` and `moto_endpoint` into its conftest and adding
`blob_store_settings()` to its settings overrides: each test then runs on local files and
again on S3 (`[local]` / `[s3]` in its id). The S3 runs are kept to SQLite
(`deselect_s3_on_postgresql`, called by `tests/server_core/conftest.py`): the blob engine and
the database engine do not meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from server_core.config import Settings
from server_core.kernel.blobs import blobs_for
from server_core.kernel.ids import new_id

ENGINES = ["local", "s3"]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One S3-compatible server per test process; each test takes a bucket of its own."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(params=ENGINES)
def blob_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The settings of one blob engine; for S3, a new bucket on the local server."""
    if request.param == "local":
        return {"blob_store": "local"}
    import httpx2

    endpoint: str = request.getfixturevalue("moto_endpoint")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    bucket = f"sesame-{new_id()}"
    httpx2.put(f"{endpoint}/{bucket}").raise_for_status()
    return {
        "blob_store": "s3",
        "s3_bucket": bucket,
        "s3_prefix": "blobs",
        "s3_endpoint_url": endpoint,
        "s3_region": "us-east-1",
        "s3_allow_http": True,
    }


def deselect_s3_on_postgresql(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the `[postgresql-s3]` combinations: S3 runs once, on SQLite."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        both = params.get("blob_store") == "s3" and params.get("database_url") == "postgresql"
        (dropped if both else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


async def stored_bytes(settings: Settings, key: str) -> bytes | None:
    """What the configured engine holds under `key`, read through the engine itself."""
    blobs = blobs_for(settings)
    if await blobs.stat(key) is None:
        return None
    return b"".join([chunk async for chunk in blobs.open_range(key)])


async def nothing_left(settings: Settings, key: str) -> bool:
    """No object under `key`, and (local files) no partial upload left behind."""
    if settings.blob_store == "local":
        incoming = settings.data_dir / "blobs" / ".incoming"
        if incoming.exists() and list(incoming.iterdir()):
            return False
    return await blobs_for(settings).stat(key) is None
