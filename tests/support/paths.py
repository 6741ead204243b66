"""Where the test data lives: the repository, the seeds, the question sets, the evaluation data.

A test that needs an evaluation data set that is not there skips, saying how to get it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import data_dir

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
TEST_DATA = ROOT / "tests" / "data"
SEED_QUESTIONS = TEST_DATA / "seed_questions.jsonl"

BBC_DIR = data_dir.dataset_dir(data_dir.BBC)


def needs_data(*datasets: data_dir.Dataset) -> pytest.MarkDecorator:
    """Skip the test unless every data set is in the data folder; the reason says how to get it."""
    reasons = [r for d in datasets if (r := data_dir.missing(d)) is not None]
    return pytest.mark.skipif(bool(reasons), reason="; ".join(reasons))
