"""BM25: tokenising, scoring, IDF of unknown terms, save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.index.sparse import LexicalIndex
from retrieval.text.tokens import token_set, tokenize

DOCS = [
    "Putin presented rings to the leaders of former Soviet republics.",
    "The cat sat on the mat and slept.",
    "Tolkien wrote about rings of power.",
]


def test_tokenize_lowercases_stems_and_drops_stopwords() -> None:
    assert tokenize("The Leaders were presenting RINGS") == ["leader", "present", "ring"]
    assert tokenize("the and of a") == []
    assert token_set("Rings ring RING") == frozenset({"ring"})


def test_hyphenated_words_also_match_written_solid() -> None:
    assert tokenize("e-mails from Nagorno-Karabakh") == [
        "mail",
        "nagorno",
        "karabakh",
        "email",
        "nagornokarabakh",
    ]
    index = LexicalIndex.build(["All e-mails are kept.", "The mail van was late."])
    assert int(np.argmax(index.scores("emails"))) == 0
    assert index.scores("emails")[1] == 0.0


def test_scores_rank_the_matching_document_first(tmp_path: Path) -> None:
    index = LexicalIndex.build(DOCS)
    scores = index.scores("Who received rings from Putin?")
    assert int(np.argmax(scores)) == 0
    assert scores[1] == 0.0
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", size=len(DOCS))
    assert np.allclose(loaded.scores("Who received rings from Putin?"), scores)


def test_unknown_terms_score_nothing_and_weigh_most() -> None:
    index = LexicalIndex.build(DOCS)
    assert not index.scores("quantum chromodynamics").any()
    assert index.idf("quantum") > index.idf("ring") > 0
    assert index.known_tokens(["ring", "quantum"]) == ["ring"]


def test_an_empty_index_scores_nothing(tmp_path: Path) -> None:
    index = LexicalIndex.build([])
    assert index.scores("anything").shape == (0,)
    index.save(tmp_path / "empty")
    assert LexicalIndex.load(tmp_path / "empty", size=0).size == 0
