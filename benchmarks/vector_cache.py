"""Corpus embeddings cached in ``benchmarks/cache/`` by model hash and text, so reruns are fast."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.results import CACHE_DIR
from retrieval.embedding.protocol import Vectors


def texts_key(texts: Sequence[str]) -> str:
    """A digest of an ordered list of texts."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()[:16]


def cached_vectors(
    name: str,
    texts: Sequence[str],
    embed: Callable[[Sequence[str]], Vectors],
    *,
    model_hash: str,
    variant: str = "st",
    cache_dir: Path = CACHE_DIR,
) -> Vectors:
    """Return ``embed(texts)``, read from or written to a ``.npy`` keyed by model and texts."""
    path = cache_dir / f"{name}-{variant}-{model_hash[:12]}-{texts_key(texts)}.npy"
    if path.is_file():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return np.ascontiguousarray(vectors, dtype=np.float32)
    vectors = np.ascontiguousarray(embed(texts), dtype=np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npy")
    np.save(temporary, vectors)
    temporary.replace(path)
    return vectors
