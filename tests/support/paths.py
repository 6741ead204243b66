"""Where the test data lives: the repository, the bundled seeds and the question sets."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
TEST_DATA = ROOT / "tests" / "data"
SEED_QUESTIONS = TEST_DATA / "seed_questions.jsonl"
