"""Session fixtures: the real model, loaded once, and the seed index, built once."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from retrieval import Embedder, Engine, load_embedder
from retrieval.embedding.torch_backend import load_torch_embedder
from tests.stress.harness import ForkServer
from tests.support import paths

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
