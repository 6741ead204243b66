"""The one embedder loader: questions on ONNX Runtime, passages on torch, each loaded when needed.

Questions are short and latency-bound: ONNX Runtime embeds one in a few milliseconds, about a
third of the time torch takes, with the same vectors (cosine >= 0.999, checked on every load).
Passages are compute-bound and embedded only by ingests. Each side loads on first use, so a
bot that only answers never imports torch, and an ingest never exports the ONNX model. The
product, the tests and the benchmarks all load their embedder here.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from retrieval.embedding.model import default_model_dir, verify_model_dir
from retrieval.embedding.onnx_export import load_onnx_embedder
from retrieval.embedding.protocol import DIMENSION, MODEL_ID, Embedder, Vectors
from retrieval.embedding.torch_backend import load_torch_embedder, resolve_device
from retrieval.errors import ModelError

__all__ = ["SplitEmbedder", "default_cache_dir", "load_embedder"]

logger = logging.getLogger(__name__)

Notify = Callable[[str], None]


def default_cache_dir() -> Path:
    """The per-user cache folder (``$XDG_CACHE_HOME/newsbot``, else ``~/.cache/newsbot``).

    newsbot's own setting, ``NEWSBOT_CACHE_DIR``, is read by ``bot.settings`` and passed in.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsbot"


class SplitEmbedder:
    """Questions through ONNX Runtime, passages through sentence-transformers; both lazy.

    Args:
        cache_dir: Where the ONNX export is kept (``<cache_dir>/onnx``), once per model.
        model_dir: The model folder; defaults to the installed all-MiniLM-L6-v2.
        device: Where passages are embedded: ``"auto"`` (a GPU when PyTorch sees one),
            ``"cpu"`` or ``"cuda"``. Questions always run on the CPU.
        notify: Called with one line before slow first-time work (the ONNX export).
    """

    def __init__(
        self,
        *,
        cache_dir: Path,
        model_dir: Path | None = None,
        device: str = "auto",
        notify: Notify | None = None,
    ) -> None:
        if device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {device!r}")
        self.model_dir = model_dir or default_model_dir()
        self.model_hash = verify_model_dir(self.model_dir)
        self.model_id = MODEL_ID
        self.dimension = DIMENSION
        self.cache_dir = cache_dir
        self.device = device
        self._notify = notify or logger.info
        self._queries: Embedder | None = None
        self._passages: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def passage_device(self) -> str:
        """The device passages are embedded on (``"cpu"`` or ``"cuda"``)."""
        return resolve_device(self.device)

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
                        self.cache_dir / "onnx", model_dir=self.model_dir, notify=self._notify
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
            self._passages = load_torch_embedder(self.model_dir, device=self.device)
        return self._passages


def load_embedder(
    *,
    cache_dir: Path | None = None,
    model_dir: Path | None = None,
    device: str = "auto",
    notify: Notify | None = None,
) -> SplitEmbedder:
    """Load the product's embedder (the weights are verified now; the models load on first use).

    Args:
        cache_dir: Folder for the one-time ONNX export; default :func:`default_cache_dir`.
        model_dir: The model folder; defaults to the installed all-MiniLM-L6-v2.
        device: Where passages are embedded (``auto``, ``cpu``, ``cuda``).
        notify: Called with one line before slow first-time work.

    Raises:
        ModelError: When the model weights are missing or fail their checksum.
    """
    return SplitEmbedder(
        cache_dir=cache_dir or default_cache_dir(),
        model_dir=model_dir,
        device=device,
        notify=notify,
    )
