"""Shared fixtures: settings on temporary storage, the real NLU, real servers."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from nlu import Nlu
from reports.crypto import Keyring
from reports.database import create_engine, upgrade_schema_sync
from reports.storage import ReportStore
from tests.servers import POSTGRES_ADMIN_URL, REDIS_URL, require
from tocsin.settings import Settings

TEST_SECRET = "test-secret-key-for-tocsin-0123456789"
SETTINGS_ENV = ("TOCSIN_",)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's TOCSIN_* variables or .env file."""
    for name in list(os.environ):
        if name.startswith("TOCSIN_") and not name.startswith("TOCSIN_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def nlu_cache_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """One NLU cache for the run, shared by parallel workers (its writes are atomic)."""
    if worker_id == "master":
        return tmp_path_factory.mktemp("nlu-cache")
    shared = tmp_path_factory.getbasetemp().parent / "nlu-cache"
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def shared_nlu(nlu_cache_dir: Path) -> Nlu:
    """One real NLU for the whole run (it loads a model and a gazetteer)."""
    return Nlu(languages=("en", "fr", "ar", "es", "pt", "sw"), cache_dir=nlu_cache_dir)


@pytest.fixture
def keyring() -> Keyring:
    return Keyring([TEST_SECRET.encode()])


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, migrated, dropped at the end."""
    require(POSTGRES_ADMIN_URL, "PostgreSQL")
    import asyncpg

    name = f"tocsin_test_{uuid.uuid4().hex[:10]}"
    admin = POSTGRES_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")

    async def execute(statement: str) -> None:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade_schema_sync(url)
    yield url
    asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def redis_url() -> str:
    require(REDIS_URL, "Redis")
    return REDIS_URL


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Both storage backends: the embedded default and production's."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'tocsin.db'}"
        upgrade_schema_sync(url)
        return url
    return request.getfixturevalue("postgres_url")


async def truncate_all(engine: AsyncEngine) -> None:
    """Empty every table of the shared PostgreSQL test database (tests start clean)."""
    async with engine.begin() as connection:
        names = (
            await connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ).scalars()
        quoted = ", ".join(f'"{name}"' for name in names)
        if quoted:
            await connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a clean database of either backend."""
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        await truncate_all(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def store(database: AsyncEngine, keyring: Keyring) -> ReportStore:
    return ReportStore(database, keyring)


@pytest.fixture
def settings(sqlite_url: str, nlu_cache_dir: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=sqlite_url,
        secret_key=TEST_SECRET,
        cache_dir=nlu_cache_dir,
    )
