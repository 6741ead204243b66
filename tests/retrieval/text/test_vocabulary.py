"""The corpus vocabulary: words as written, counted lower-cased and by capitalised use."""

from __future__ import annotations

from retrieval.records import Article
from retrieval.text.vocabulary import capitalised, count_words, is_name, words


def test_words_split_hyphens_and_drop_possessives() -> None:
    assert words("Putin’s Nagorno-Karabakh e-mails don't 2023 x") == [
        "Putin",
        "Nagorno",
        "Karabakh",
        "mails",
        "don't",
    ]


def test_count_words_counts_capitalised_uses_apart() -> None:
    article = Article("a.txt", "Kiev talks", "Talks in Kiev ended. Kiev's mayor talks again.")
    counts = count_words([article])
    assert counts["kiev"] == 3
    assert counts[capitalised("kiev")] == 3
    assert counts["talks"] == 3
    assert counts["Talks"] == 1  # a sentence start
    assert is_name("kiev", counts)
    assert not is_name("talks", counts)
    assert not is_name("mayor", counts)
    assert not is_name("absent", counts)
