"""Shared fixtures: the storage a test runs on, the platform over it, and an HTTP client.

Engines: `database_url` is a fresh SQLite file. A test (or a module, with `pytestmark`) marked
`@pytest.mark.both_engines` runs on SQLite and again on PostgreSQL: keep that for what depends
on the engine (see docs/development.md, "Which tests run on both engines").

PostgreSQL is the server named by SESAME_TEST_DATABASE_URL. Under pytest-xdist each worker
creates a database of its own next to the named one (`test` -> `test_gw0`, `test_gw1`, ...)
when its first PostgreSQL test starts, and drops it when the session ends; without xdist the
named database itself is used. Every test starts from an empty `public` schema.

Redis is the server named by SESAME_TEST_REDIS_URL; under xdist each worker uses its own
database number (the named one + 1 + the worker's index), without xdist the URL as given.

Without those variables the tests that need them skip, saying so; under CI (CI=true) a missing
or unreachable server fails the run instead, so CI can never pass by skipping them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx2
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from server_core.app import create_app
from server_core.config import Settings
from server_core.kernel import crypto
from server_core.kernel.platform import Platform, open_platform

ENGINES = ["sqlite", "postgresql"]
BOTH_ENGINES = "both_engines"
POSTGRES_ENV = "SESAME_TEST_DATABASE_URL"
REDIS_ENV = "SESAME_TEST_REDIS_URL"
MAIN_PROCESS = "master"  # xdist's `worker_id` when the tests are not distributed

# argon2id at its cheapest: see `cheap_password_hashing`.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)

T = TypeVar("T")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip outside CI; fail under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI must run these tests)")
    pytest.skip(reason)


# --- which engines a test runs on -----------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`database_url` on both engines for tests marked `both_engines`; SQLite for the rest."""
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        BOTH_ENGINES
    ):
        metafunc.parametrize("database_url", ENGINES, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked `both_engines` on its own must use the database: the mark does nothing
    otherwise. (A module's mark also covers its tests that do not.)"""
    for item in items:
        own = any(mark.name == BOTH_ENGINES for mark in getattr(item, "own_markers", []))
        if own and "database_url" not in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(
                f"{item.nodeid} is marked {BOTH_ENGINES} but uses no database_url"
            )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Servers in the test process hash passwords with argon2id at its cheapest parameters.
    The real ones cost a few tenths of a second of CPU per hash (most of what a test that
    registers two humans spends) and prove nothing more here; the `sesame-server` and
    `sesame-mcp` processes that tests start keep them."""
    monkeypatch.setattr(crypto, "_hasher", CHEAP_HASHER)


@pytest.fixture
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database a test runs against: a fresh SQLite file, or (for `both_engines` tests,
    the second time) this worker's PostgreSQL database, emptied."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return f"sqlite:///{tmp_path / 'sesame.db'}"
    return await emptied_postgres(request.getfixturevalue("postgres_database"))


@pytest.fixture
async def postgres_url(request: pytest.FixtureRequest) -> str:
    """An emptied PostgreSQL, for what only PostgreSQL can do (several nodes on one database)."""
    return await emptied_postgres(request.getfixturevalue("postgres_database"))


# --- PostgreSQL: one database per worker ----------------------------------------------------


def blocking(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on an event loop of its own, in a thread of its own: usable
    from synchronous fixtures whether or not the calling thread runs a loop."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(work())).result()


def asyncpg_dsn(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def recreate_database(server: sa.URL, name: str, *, create: bool) -> None:
    """Drop the database `name` (closing its connections) on the server `server` names; create
    it afresh if `create`."""
    conn = await asyncpg.connect(asyncpg_dsn(server))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {quoted(name)} WITH (FORCE)")
        if create:
            await conn.execute(f"CREATE DATABASE {quoted(name)}")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_database(worker_id: str) -> Iterator[str]:
    """This worker's PostgreSQL database URL: the named database without xdist; under xdist a
    database of the worker's own, created now (afresh, should an interrupted run have left it)
    and dropped at the end of the session."""
    given = os.environ.get(POSTGRES_ENV)
    if not given:
        unavailable(f"PostgreSQL tests need {POSTGRES_ENV}=postgresql://user@host:port/db")
    assert given is not None
    if worker_id == MAIN_PROCESS:
        yield given
        return
    server = sa.make_url(given)
    name = f"{server.database}_{worker_id}"
    try:
        blocking(lambda: recreate_database(server, name, create=True))
    except (OSError, asyncpg.PostgresError) as error:
        unavailable(f"PostgreSQL at {POSTGRES_ENV}: cannot create database {name}: {error}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        blocking(lambda: recreate_database(server, name, create=False))


async def reset_postgres(url: str) -> None:
    """Empty the database: drop and recreate the public schema."""
    conn = await asyncpg.connect(asyncpg_dsn(sa.make_url(url)))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


async def emptied_postgres(url: str) -> str:
    try:
        await reset_postgres(url)
    except (OSError, asyncpg.PostgresError) as error:
        unavailable(f"PostgreSQL at {POSTGRES_ENV} is not reachable: {error}")
    return url


# --- Redis: one database number per worker --------------------------------------------------


@pytest.fixture
def redis_url(worker_id: str) -> str:
    """The Redis named by SESAME_TEST_REDIS_URL; under xdist, a database number per worker.
    (Pub/sub channels are server-wide whatever the database: tests use private channels or
    tolerate others' events.)"""
    given = os.environ.get(REDIS_ENV)
    if not given:
        unavailable(f"Redis tests need {REDIS_ENV}=redis://host:port/db")
    assert given is not None
    if worker_id == MAIN_PROCESS:
        return given
    url = sa.make_url(given)
    base = int(url.database or 0)
    index = int(worker_id.removeprefix("gw"))
    return url.set(database=str(base + 1 + index)).render_as_string(hide_password=False)


# --- the platform ---------------------------------------------------------------------------


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings values that differ from the defaults below. Override this fixture in a folder's
    conftest, a module or a class to change them, e.g. `return {"open_registration": True}`
    (or `{**settings_overrides, ...}`, taking the outer fixture as an argument, to add to it)."""
    return {}


@pytest.fixture
def settings(database_url: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    defaults: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "database_url": database_url,
        "redis_url": None,
        "open_registration": False,
        "cors_origins": [],
        "log_level": "warning",
    }
    return Settings(**{**defaults, **settings_overrides})


@pytest.fixture
async def platform(settings: Settings) -> AsyncIterator[Platform]:
    async with open_platform(settings) as opened:
        yield opened


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client talking to the real app in-process, rooted at /api/v1."""
    app = create_app(platform=platform)
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test/api/v1") as http:
        yield http


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir(exist_ok=True)
    return path
