"""The product's embedder: ONNX questions give the same answers as torch; each side is lazy."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval import Embedder, Engine
from retrieval.embedding.loader import SplitEmbedder, load_embedder
from retrieval.embedding.onnx_export import export_paths

QUESTIONS = [
    "Who put Putin's ring on his finger?",
    "Why did Aliyev skip the St. Petersburg meeting?",
    "What did Putin say about Gaza?",
    "How do I bake sourdough bread?",
]


def test_onnx_questions_answer_like_torch(
    seed_index_copy: Path, embedder: Embedder, torch_embedder: Embedder
) -> None:
    fast_engine = Engine.open(seed_index_copy, embedder=embedder)
    torch_engine = Engine.open(seed_index_copy, embedder=torch_embedder)
    for question in QUESTIONS:
        fast, reference = fast_engine.answer(question), torch_engine.answer(question)
        assert fast.answered == reference.answered
        assert [c.source for c in fast.citations] == [c.source for c in reference.citations]
        assert [c.key_sentence for c in fast.citations] == [
            c.key_sentence for c in reference.citations
        ]
    vectors = embedder.embed_queries(QUESTIONS)
    assert np.min(np.sum(vectors * torch_embedder.embed_queries(QUESTIONS), axis=1)) >= 0.999


def test_answering_never_loads_the_passage_embedder(seed_index_copy: Path) -> None:
    split = load_embedder()
    engine = Engine.open(seed_index_copy, embedder=split)
    assert engine.answer(QUESTIONS[0]).answered
    assert split._passages is None


def test_passages_use_sentence_transformers_without_exporting(tmp_path: Path) -> None:
    split = SplitEmbedder(cache_dir=tmp_path, device="cpu")
    vectors = split.embed_passages(["One passage about trade.", "Another about rings."])
    assert vectors.shape == (2, 384)
    assert not (tmp_path / "onnx").exists()
    assert split._queries is None
    assert "sentence_transformers" in sys.modules


def test_the_export_is_shared_by_every_index_and_announced_once(tmp_path: Path) -> None:
    lines: list[str] = []
    first = load_embedder(cache_dir=tmp_path, notify=lines.append)
    first.embed_queries(["warm up"])
    onnx_path, _ = export_paths(tmp_path / "onnx", first.model_hash)
    assert onnx_path.is_file()
    assert len(lines) == 1 and "once" in lines[0]
    second = load_embedder(cache_dir=tmp_path, notify=lines.append)
    second.embed_queries(["warm up again"])
    assert len(lines) == 1  # reused, not exported again


def test_an_unknown_device_is_refused() -> None:
    with pytest.raises(ValueError, match="device"):
        load_embedder(device="tpu")
