"""Session fixtures: the real model, loaded once, the seed index, built once, and PostgreSQL.

The PostgreSQL server (``pg_server``) starts only for tests that ask for it, once per
session; each such test gets a database of its own (``database_url``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from retrieval import Embedder, Engine, PostgresEngine, load_embedder
from retrieval.embedding.torch_backend import load_torch_embedder
from tests.stress.harness import ForkServer
from tests.support import paths
from tests.support.postgres import PostgresServer, fresh_database, postgres_server

ROOT = paths.ROOT
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The product's embedder (ONNX questions, torch passages), loaded once per session.

    Its ONNX export lives in the user cache, as in the product, so it is made once per machine.
    """
    return load_embedder()


@pytest.fixture(scope="session")
def torch_embedder() -> Embedder:
    """The PyTorch embedder alone: the reference the ONNX path is compared with."""
    return load_torch_embedder()


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """An index of the bundled seeds, built once; copy it before changing it."""
    directory = tmp_path_factory.mktemp("seed-index")
    Engine(directory, embedder=embedder).ingest([SEEDS])
    return directory


@pytest.fixture(scope="session")
def seed_engine(seed_index_dir: Path, embedder: Embedder) -> Engine:
    """A read-only engine over the seed index, shared by the session."""
    return Engine.open(seed_index_dir, embedder=embedder)


@pytest.fixture
def seed_index_copy(seed_index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seed index that a test may change or damage."""
    target = tmp_path / "index"
    shutil.copytree(seed_index_dir, target)
    return target


SLOW_FOLDERS = ("postgres", "reliability", "benchmarks", "docker")
"""Test folders whose tests are all marked ``slow``: real servers, kill -9, long runs."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests under ``SLOW_FOLDERS`` slow, for ``make test-fast`` to leave out."""
    tests = Path(__file__).parent
    for item in items:
        parts = item.path.relative_to(tests).parts
        if len(parts) > 1 and parts[0] in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)


_METRICS: list[str] = []


@pytest.fixture(scope="session")
def report_metric() -> Callable[[str], None]:
    """Record a line for the end-of-run summary (quality figures such as hit@3)."""
    return _METRICS.append


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the recorded quality figures after the test results."""
    if _METRICS:
        terminalreporter.section("newsbot quality figures")
        for line in _METRICS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def forkserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForkServer]:
    """A fork server whose children run `newsbot` with the model already imported."""
    server = ForkServer(tmp_path_factory.mktemp("forkserver"))
    server.start()
    yield server
    server.stop()


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
