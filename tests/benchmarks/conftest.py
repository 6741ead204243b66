"""Fixtures of the benchmark tests: result files the committed results folder lacks."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from benchmarks import fit_key_sentences
from benchmarks.results import write_result
from retrieval.query.key_sentence import FEATURES


def _write_key_sentences(directory: Path) -> Path:
    rng = np.random.default_rng(7)
    examples = [
        fit_key_sentences.Example(
            id=f"q{n}",
            split="heldout" if n % 4 == 0 else "dev",
            features=rng.random((5, len(FEATURES)), dtype=np.float32),
            positive=np.arange(5) == n % 5,
        )
        for n in range(8)
    ]
    payload = fit_key_sentences.summarize(examples, l2=0.05, corpora=None)
    return write_result(
        "key_sentences", payload, quick=False, started=time.perf_counter(), directory=directory
    )


@pytest.fixture
def write_key_sentences() -> Callable[[Path], Path]:
    """Writes ``key_sentences.json`` into a folder as the fit does, from made-up questions.

    The real fit needs the BBC index; this runs the same fitting and writing on eight questions
    of random features (six dev, two held out).
    """
    return _write_key_sentences
