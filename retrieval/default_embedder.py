"""The embedder the product uses: questions on ONNX Runtime, passages on torch, each when needed.

Questions are short and latency-bound: ONNX Runtime embeds one in a few milliseconds, about a
third of the time torch takes, with the same vectors (cosine >= 0.999, checked on every load).
Passages are compute-bound and embedded only by ingests. Each side loads on first use, so a
bot that only answers never imports torch, and an ingest never exports the ONNX model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from retrieval.embed import (
    DIMENSION,
    MODEL_ID,
    Embedder,
    Vectors,
    default_model_dir,
    load_embedder,
    verify_model_dir,
)
from retrieval.errors import ModelError
from retrieval.onnx_embed import load_onnx_embedder

logger = logging.getLogger(__name__)


class SplitEmbedder:
    """Questions through ONNX Runtime, passages through sentence-transformers; both lazy."""

    def __init__(self, onnx_cache_dir: Path, *, model_dir: Path | None = None) -> None:
        self.model_dir = model_dir or default_model_dir()
        self.model_hash = verify_model_dir(self.model_dir)
        self.model_id = MODEL_ID
        self.dimension = DIMENSION
        self.onnx_cache_dir = onnx_cache_dir
        self._queries: Embedder | None = None
        self._passages: Embedder | None = None
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed questions (and key-sentence candidates) on the fast path."""
        return self._query_embedder().embed_queries(texts)

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> Vectors:
        """Embed passages with sentence-transformers, loading it the first time."""
        return self._passage_embedder().embed_passages(
            texts, batch_size=batch_size, progress=progress
        )

    def _query_embedder(self) -> Embedder:
        with self._lock:
            if self._queries is None:
                try:
                    self._queries = load_onnx_embedder(
                        self.onnx_cache_dir, model_dir=self.model_dir
                    )
                except (ModelError, OSError, RuntimeError, ImportError) as exc:
                    logger.warning("Embedding questions with torch instead of ONNX: %s", exc)
                    self._queries = self._load_passage_embedder()
            return self._queries

    def _passage_embedder(self) -> Embedder:
        with self._lock:
            return self._load_passage_embedder()

    def _load_passage_embedder(self) -> Embedder:
        if self._passages is None:
            self._passages = load_embedder(self.model_dir)
        return self._passages


def load_default_embedder(onnx_cache_dir: Path) -> Embedder:
    """The product's embedder; the ONNX export is kept in ``onnx_cache_dir``.

    Raises:
        ModelError: When the model weights are missing or fail their checksum.
    """
    return SplitEmbedder(onnx_cache_dir)
