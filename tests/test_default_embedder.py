"""The product's embedder: ONNX questions give the same answers as torch; each side is lazy."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from retrieval import Embedder, Engine
from retrieval.default_embedder import SplitEmbedder

QUESTIONS = [
    "Who put Putin's ring on his finger?",
    "Why did Aliyev skip the St. Petersburg meeting?",
    "What did Putin say about Gaza?",
    "How do I bake sourdough bread?",
]


def test_onnx_questions_answer_like_torch(
    seed_index_copy: Path, seed_engine: Engine, embedder: Embedder
) -> None:
    split = SplitEmbedder(seed_index_copy / "cache" / "onnx")
    engine = Engine.open(seed_index_copy, embedder=split)
    for question in QUESTIONS:
        fast, reference = engine.answer(question), seed_engine.answer(question)
        assert fast.answered == reference.answered
        assert [c.source for c in fast.citations] == [c.source for c in reference.citations]
        assert [c.key_sentence for c in fast.citations] == [
            c.key_sentence for c in reference.citations
        ]
    vectors = split.embed_queries(QUESTIONS)
    assert np.min(np.sum(vectors * embedder.embed_queries(QUESTIONS), axis=1)) >= 0.999
    assert split._passages is None  # answering never loaded the passage embedder


def test_passages_use_sentence_transformers_without_exporting(tmp_path: Path) -> None:
    split = SplitEmbedder(tmp_path / "onnx")
    vectors = split.embed_passages(["One passage about trade.", "Another about rings."])
    assert vectors.shape == (2, 384)
    assert not (tmp_path / "onnx").exists()
    assert split._queries is None
    assert "sentence_transformers" in sys.modules
