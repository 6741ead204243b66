"""The model's own vocabulary: which lower-case words all-MiniLM-L6-v2 knows as whole words.

A word the model knows whole is ordinary English (or a well-known name); an unknown one is a
rarer name or a misspelling. Spelling correction and the relevance gate both ask.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from retrieval.embedding.model import default_model_dir


@cache
def model_words(model_dir: Path | None = None) -> frozenset[str]:
    """The whole words (not ``##`` pieces, not ``[special]`` tokens) of the model's vocabulary."""
    directory = model_dir or default_model_dir()
    path = directory / "vocab.txt"
    if not path.is_file():
        return frozenset()
    words = path.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if w.isalpha() and not w.startswith("["))
