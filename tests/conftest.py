"""Shared fixtures: the same tests run on SQLite and on PostgreSQL.

PostgreSQL tests use the server named by SESAME_TEST_DATABASE_URL (each test starts from an
empty `public` schema). Without it they skip, saying so; under CI (CI=true) a missing or
unreachable database fails the run instead, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx2
import pytest

from server_core.app import create_app
from server_core.config import Settings
from server_core.kernel.platform import Platform, open_platform

ENGINES = ["sqlite", "postgresql"]
POSTGRES_ENV = "SESAME_TEST_DATABASE_URL"
REDIS_ENV = "SESAME_TEST_REDIS_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip outside CI; fail under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI must run these tests)")
    pytest.skip(reason)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def reset_postgres(url: str) -> None:
    """Empty the database: drop and recreate the public schema."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(params=ENGINES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database a test runs against: a fresh SQLite file, or an emptied PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sesame.db'}"
    return await emptied_postgres()


@pytest.fixture
async def postgres_url() -> str:
    """An emptied PostgreSQL, for what only PostgreSQL can do (several nodes on one database)."""
    return await emptied_postgres()


async def emptied_postgres() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        unavailable(f"PostgreSQL tests need {POSTGRES_ENV}=postgresql://user@host:port/db")
    assert url is not None
    try:
        await reset_postgres(url)
    except (OSError, asyncpg.PostgresError) as error:
        unavailable(f"PostgreSQL at {POSTGRES_ENV} is not reachable: {error}")
    return url


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        unavailable(f"Redis tests need {REDIS_ENV}=redis://host:port/db")
    assert url is not None
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        redis_url=None,
        open_registration=False,
        cors_origins=[],
        log_level="warning",
    )


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
