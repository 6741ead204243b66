"""FAISS: exact search is exact, and HNSW recall@10 against it is measured on real embeddings."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from benchmarks import data_dir
from retrieval import Embedder
from retrieval.index.dense import VectorIndex, stored_ids
from tests.support.paths import BBC_DIR, needs_data


def _bbc_sentences(limit: int) -> list[str]:
    sentences: list[str] = []
    for path in sorted(BBC_DIR.rglob("*.txt")):
        if path.name == "README.TXT":
            continue
        lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
        body = [line.strip() for line in lines[1:] if len(line.split()) >= 8]
        sentences.extend(body[:2])
        if len(sentences) >= limit:
            break
    return sentences[:limit]


def test_exact_search_returns_the_vector_itself() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(500, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(500, dtype=np.int64) * 1_000_003 + 7
    index = VectorIndex.build(ids, vectors)
    assert index.kind == "exact"
    scores, found = index.search(vectors[42], 3)
    assert found[0] == ids[42]
    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(index.vectors(found[:1])[0], vectors[42])
    assert set(stored_ids(index)) == set(ids)


def test_searching_leaves_this_threads_openmp_setting_as_it_was() -> None:
    # Searches run FAISS on one thread; a build afterwards on the same thread must still
    # get every core it had before.
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(200, 16)).astype(np.float32)
    index = VectorIndex.build(np.arange(200, dtype=np.int64), vectors, ann_threshold=100)
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(3)
    try:
        index.search(vectors[0], 5)
        index.vectors(np.arange(10, dtype=np.int64))
        assert faiss.omp_get_max_threads() == 3
    finally:
        faiss.omp_set_num_threads(before)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    ids = np.arange(300, dtype=np.int64)
    for threshold in (10_000, 100):
        index = VectorIndex.build(ids, vectors, ann_threshold=threshold)
        index.save(tmp_path / "v.faiss")
        loaded = VectorIndex.load(tmp_path / "v.faiss")
        assert loaded.kind == index.kind
        assert loaded.size == 300
        assert list(loaded.search(vectors[5], 5)[1]) == list(index.search(vectors[5], 5)[1])


@pytest.mark.slow
@needs_data(data_dir.BBC)
def test_hnsw_recall_against_exact_on_real_embeddings(embedder: Embedder) -> None:
    texts = _bbc_sentences(1000)
    vectors = embedder.embed_passages(texts, batch_size=64)
    ids = np.arange(len(texts), dtype=np.int64) * 97 + 13
    exact = VectorIndex.build(ids, vectors, ann_threshold=10**9)
    approximate = VectorIndex.build(ids, vectors, ann_threshold=100)
    assert (exact.kind, approximate.kind) == ("exact", "hnsw")
    queries = vectors[::10]
    recalls = []
    for query in queries:
        truth = set(exact.search(query, 10)[1].tolist())
        found = set(approximate.search(query, 10)[1].tolist())
        recalls.append(len(truth & found) / 10)
    recall = float(np.mean(recalls))
    print(f"HNSW recall@10 vs exact over {len(texts)} BBC passages: {recall:.4f}")
    assert recall >= 0.99
