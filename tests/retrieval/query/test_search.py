"""Hybrid search: the candidate union, the convex fusion, and hits over the seed index."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval import Engine
from retrieval.query.search import (
    DENSE_WEIGHT,
    candidate_rows,
    fuse,
    hybrid_search,
    lexical_scores,
)


def test_candidates_are_the_dense_rows_and_the_bm25_top_rows_with_a_score() -> None:
    bm25 = np.array([0.0, 4.0, 2.0, 0.0, 1.0], dtype=np.float32)
    rows = candidate_rows(np.array([3, 0], dtype=np.int64), bm25, 2)
    assert rows.tolist() == [0, 1, 2, 3]  # row 4 is BM25's third; zero scores never count
    assert candidate_rows(np.zeros(0, np.int64), np.zeros(5, np.float32), 3).tolist() == []


def test_fusion_weighs_cosine_against_bm25_over_its_best_score() -> None:
    rows = np.array([0, 1, 2], dtype=np.int64)
    cosine = np.array([0.9, 0.1, 0.5], dtype=np.float32)
    bm25 = np.array([0.0, 4.0, 2.0, 8.0], dtype=np.float32)  # row 3 is not a candidate
    fused = fuse(rows, cosine, bm25, dense_weight=0.5, k=2)
    assert fused.rows.tolist() == [0, 2]
    assert fused.lexical.tolist() == [0.0, 0.25]
    assert fused.score.tolist() == pytest.approx([0.45, 0.375])
    assert fused.dense.tolist() == pytest.approx([0.9, 0.5])
    # Without any BM25 score the dense side decides alone.
    only_dense = fuse(rows, cosine, np.zeros(4, np.float32), dense_weight=0.5, k=3)
    assert only_dense.rows.tolist() == [0, 2, 1]


def test_hits_carry_the_fused_score_of_both_sides(seed_engine: Engine) -> None:
    question = "Who put Putin's ring on his finger?"
    vector = seed_engine.embedder.embed_queries([question])[0]
    hits = hybrid_search(seed_engine.index, vector, question, k=5)
    assert hits
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        expected = DENSE_WEIGHT * hit.dense + (1 - DENSE_WEIGHT) * hit.lexical
        assert hit.score == pytest.approx(expected, abs=1e-6)
        assert 0.0 <= hit.lexical <= 1.0
    only = {"004_d59a720f40c57080.txt"}
    restricted = hybrid_search(seed_engine.index, vector, question, sources=only)
    assert {h.source for h in restricted} == only


def test_each_passage_counts_with_the_wording_it_matches_best(seed_engine: Engine) -> None:
    index = seed_engine.index
    short, long = "CSTO communique", "Collective Security Treaty Organization communique"
    both = lexical_scores(index, [short, long])
    for wording in (short, long):
        alone = index.lexical.scores(wording)
        assert np.all(both >= alone / alone.max() - 1e-6)
    assert float(both.max()) == pytest.approx(1.0)
    assert lexical_scores(index, [short]).tolist() == index.lexical.scores(short).tolist()
