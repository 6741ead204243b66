"""English words: the model's WordPiece whole words and their regular inflections."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.query.english import english_words, is_english

WORDS = frozenset(["sue", "worse", "city", "stop", "baking", "ring", "rig", "goat"])


def test_the_model_vocabulary_gives_whole_lower_case_words() -> None:
    words = english_words()
    assert {"which", "leader", "ring", "baking"} <= words
    assert not any(w.startswith("#") or not w.isalpha() or w != w.lower() for w in words)
    assert "leadr" not in words


def test_a_missing_vocabulary_gives_no_words(tmp_path: Path) -> None:
    assert english_words(tmp_path) == frozenset()


@pytest.mark.parametrize(
    "word", ["sue", "suing", "worsen", "cities", "stopped", "bake", "rings", "goats"]
)
def test_regular_inflections_are_english(word: str) -> None:
    assert is_english(word, WORDS)


@pytest.mark.parametrize("word", ["rign", "gaots", "leadr", "wich", "blod", "xyz"])
def test_misspellings_are_not(word: str) -> None:
    assert not is_english(word, WORDS)
