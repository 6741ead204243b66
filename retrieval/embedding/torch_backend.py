"""Passages -> vectors with sentence-transformers on PyTorch: the ingest path, on any device."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.embedding.model import default_model_dir, verify_model_dir
from retrieval.embedding.protocol import DIMENSION, MODEL_ID, Vectors
from retrieval.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

PROGRESS_MIN_PASSAGES = 100


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded from a local path.

    Args:
        model_dir: The verified model folder.
        model_hash: SHA-256 of its weights.
        threads: torch's CPU threads (None: torch's default).
        device: ``"cpu"``, ``"cuda"`` or ``"auto"`` (a GPU when PyTorch sees one).
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        model_hash: str,
        threads: int | None = None,
        device: str = "cpu",
    ) -> None:
        quiet_transformers()
        import torch  # noqa: PLC0415
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - slow import

        if threads:
            torch.set_num_threads(threads)
        self.model_id = MODEL_ID
        self.model_hash = model_hash
        self.device = resolve_device(device)
        self._model: SentenceTransformer = SentenceTransformer(
            str(model_dir), device=self.device, local_files_only=True
        )
        self.dimension: int = self._model.get_embedding_dimension() or DIMENSION
        self.max_seq_length: int = self._model.max_seq_length or 256
        # torch modules are not safe to call from several threads at once.
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed questions (no batching needed: they are few and short)."""
        return self._encode(texts, batch_size=max(1, len(texts)))

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> Vectors:
        """Embed passages longest first, one batch at a time.

        The model lock is taken per batch, so questions embedded from other threads wait at
        most one batch (about a second) while a long ingest runs.
        """
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        bar = _progress_bar(len(texts), enabled=progress)
        try:
            for batch in batches:
                out[batch] = self._encode([texts[i] for i in batch], batch_size=len(batch))
                bar.update(len(batch))
        finally:
            bar.close()
        return out

    def _encode(self, texts: Sequence[str], *, batch_size: int) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def quiet_transformers() -> None:
    """Keep sentence-transformers offline and silent: no hub calls, no "Loading weights" bars."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging as transformers_logging  # noqa: PLC0415

    # Progress bars on every start are noise in a chat or a log.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


def resolve_device(device: str) -> str:
    """Map ``"auto"`` to ``"cuda"`` when PyTorch sees a GPU, else ``"cpu"``; check the others.

    Raises:
        ValueError: When ``device`` is not ``auto``, ``cpu`` or ``cuda``.
    """
    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {device!r}")
    if device == "cpu":
        return device
    import torch  # noqa: PLC0415

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise ModelError("NEWSBOT_DEVICE=cuda, but PyTorch sees no GPU: use auto or cpu.")
    return "cpu"


def _progress_bar(total: int, *, enabled: bool) -> Any:
    from tqdm import tqdm  # noqa: PLC0415

    # Only long ingests get a bar; a handful of passages finishes before it would be read.
    disabled = not enabled or total < PROGRESS_MIN_PASSAGES
    return tqdm(total=total, unit="passage", desc="Embedding", disable=disabled)


def load_torch_embedder(
    model_dir: Path | None = None, *, threads: int | None = None, device: str = "cpu"
) -> SentenceTransformerEmbedder:
    """Load the verified all-MiniLM-L6-v2 on PyTorch (about 5-10 s on two cores).

    The product embeds passages this way (see :func:`retrieval.embedding.loader.load_embedder`);
    call it directly only to compare backends.

    Raises:
        ModelError: When the weights are missing or fail the SHA-256 check.
    """
    directory = model_dir or default_model_dir()
    model_hash = verify_model_dir(directory)
    try:
        return SentenceTransformerEmbedder(
            directory, model_hash=model_hash, threads=threads, device=device
        )
    except (OSError, ValueError) as exc:
        raise ModelError(f"Could not load the model from {directory}: {exc}") from exc
