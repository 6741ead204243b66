"""The embedder: verified weights, normalised vectors, and the embedding cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval import Embedder, ModelError
from retrieval.embedding.cache import EmbeddingCache, embed_with_cache, text_hash
from retrieval.embedding.model import default_model_dir, verify_model_dir
from retrieval.files import file_sha256


def test_installed_weights_match_the_published_hash() -> None:
    directory = default_model_dir()
    assert file_sha256(directory / "model.safetensors") == verify_model_dir(directory)


def test_altered_or_missing_weights_are_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(default_model_dir(), copy)
    with (copy / "model.safetensors").open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01")
    with pytest.raises(ModelError, match="SHA-256"):
        verify_model_dir(copy)
    (copy / "model.safetensors").unlink()
    with pytest.raises(ModelError, match="No model weights"):
        verify_model_dir(copy)


def test_vectors_are_normalised_and_batch_independent(torch_embedder: Embedder) -> None:
    texts = ["Short.", "A much longer passage about rings and summits " * 5, "Middle one here."]
    together = torch_embedder.embed_passages(texts, batch_size=2)
    assert together.shape == (3, 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    alone = np.stack([torch_embedder.embed_queries([t])[0] for t in texts])
    assert np.min(np.sum(together * alone, axis=1)) > 0.9999


def test_cache_embeds_each_distinct_text_once(tmp_path: Path, embedder: Embedder) -> None:
    cache = EmbeddingCache(tmp_path / "e.sqlite", model_hash=embedder.model_hash, dimension=384)
    texts = ["alpha passage", "beta passage", "alpha passage"]
    vectors, embedded = embed_with_cache(texts, embedder, cache)
    assert embedded == 2
    assert np.allclose(vectors[0], vectors[2])
    again, embedded_again = embed_with_cache(texts, embedder, cache)
    assert embedded_again == 0
    assert np.allclose(again, vectors)
    other_model = EmbeddingCache(tmp_path / "e.sqlite", model_hash="other", dimension=384)
    assert other_model.get_many([text_hash("alpha passage")]) == {}
    cache.close()
    other_model.close()
