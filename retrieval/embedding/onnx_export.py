"""Exporting the verified weights to ONNX once per model, checked against torch on probe texts.

The export is cached (``model-<sha256[:12]>.onnx`` with a probe record beside it) and reused
by every index and process; an export whose embeddings drift from torch's is deleted.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.embedding.model import default_model_dir, verify_model_dir
from retrieval.embedding.onnx_backend import MAX_SEQ_LENGTH, OnnxEmbedder
from retrieval.embedding.protocol import Vectors
from retrieval.embedding.torch_backend import quiet_transformers
from retrieval.errors import ModelError
from retrieval.files import fsync_file, replace_atomically

OPSET = 17
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
    quiet_transformers()
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
        fsync_file(Path(temporary))
        Path(temporary).replace(onnx_path)
    except Exception as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ModelError(f"Exporting the model to ONNX failed: {exc}") from exc
    return np.asarray(reference, dtype=np.float32).tolist(), max_seq_length


def probe_cosines(embedder: OnnxEmbedder, reference: Sequence[Sequence[float]]) -> Vectors:
    """Cosine between the ONNX and the recorded torch embedding of each probe."""
    expected = np.asarray(reference, dtype=np.float32)
    got = embedder.embed_queries(list(PROBES))
    if expected.shape != got.shape:
        return np.zeros(len(PROBES), dtype=np.float32)
    return np.asarray((expected * got).sum(axis=1), dtype=np.float32)


def load_onnx_embedder(
    cache_dir: Path,
    *,
    model_dir: Path | None = None,
    intra_op_num_threads: int = 0,
    notify: Callable[[str], None] | None = None,
) -> OnnxEmbedder:
    """Load the ONNX embedder from ``cache_dir``, exporting it there first if needed.

    The weights are verified (SHA-256) first. A fresh export is compared with the torch
    embeddings of a few probe sentences, which are recorded beside it; a reused export is
    compared with that record, so reuse needs no torch. An existing export that fails the check
    is deleted and exported again once.

    Args:
        cache_dir: Folder for ``model-<sha256[:12]>.onnx``, shared by every index.
        model_dir: The model folder; defaults to the installed all-MiniLM-L6-v2.
        intra_op_num_threads: Threads per inference (0: ONNX Runtime's default, all cores).
        notify: Called with one line before an export, which takes about a minute.

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
    if notify is not None:
        notify(
            f"Preparing the fast question embedder in {cache_dir} (an ONNX export of the "
            "model; once per model, about a minute)..."
        )
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
    replace_atomically(probes_path, json.dumps(record))
    return embedder


def _passes(embedder: OnnxEmbedder, record: dict[str, Any]) -> bool:
    if tuple(record.get("probes", ())) != PROBES:
        return False
    return float(probe_cosines(embedder, record["reference"]).min()) >= MIN_PROBE_COSINE


def _delete(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
