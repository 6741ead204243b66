"""PostgreSQL fixtures: one real server per session, a fresh database per test, the seeds once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval import Embedder, PostgresEngine
from tests.support.paths import SEEDS
from tests.support.postgres import PostgresServer, fresh_database, postgres_server


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """A PostgreSQL 18 server with pgvector for the whole session."""
    yield from postgres_server()


@pytest.fixture
def database_url(pg_server: PostgresServer) -> str:
    """An empty database of this test's own."""
    return fresh_database(pg_server)


@pytest.fixture(scope="session")
def seed_database_url(pg_server: PostgresServer, embedder: Embedder) -> str:
    """A database holding the seeds, ingested once; tests must not change it."""
    url = fresh_database(pg_server)
    engine = PostgresEngine(Path("unused"), database_url=url, embedder=embedder)
    try:
        engine.ingest([SEEDS])
    finally:
        engine.close()
    return url


@pytest.fixture(scope="session")
def pg_seed_engine(seed_database_url: str, embedder: Embedder) -> Iterator[PostgresEngine]:
    """A read-only engine on the seed database, shared by the session."""
    engine = PostgresEngine.open(Path("unused"), database_url=seed_database_url, embedder=embedder)
    yield engine
    engine.close()
