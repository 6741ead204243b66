"""Which words are ordinary English: the whole words of the embedding model's WordPiece vocabulary.

all-MiniLM-L6-v2 reads English; its 30,522 WordPiece entries hold about 22,000 whole words
(common words, many names and places). A word that is neither among them nor in the corpus
is likely misspelt.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from retrieval.embedding.model import default_model_dir
from retrieval.errors import ModelError

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "vocab.txt"


@cache
def english_words(model_dir: Path | None = None) -> frozenset[str]:
    """The lower-cased whole words (letters only) the model's WordPiece vocabulary holds.

    Args:
        model_dir: The model folder; defaults to the installed all-MiniLM-L6-v2.

    Returns:
        The words; empty (and logged) when the model's vocabulary cannot be read, so that
        spelling correction then trusts the corpus alone.
    """
    try:
        path = (model_dir or default_model_dir()) / VOCABULARY_FILE
        lines = path.read_text("utf-8").splitlines()
    except (ModelError, OSError) as exc:
        logger.warning("No English word list (%s); spelling uses the corpus alone", exc)
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.isascii() and w == w.lower())
