"""Which words are ordinary English: the whole words of the embedding model's WordPiece vocabulary.

all-MiniLM-L6-v2 reads English; its 30,522 WordPiece entries hold about 22,000 whole words
(common words, many names and places), often in one inflection only ("baking" but not
"bake", "sue" but not "suing"): a regular inflection of one of them is English too. A word
that is neither English nor in the corpus is likely misspelt.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from retrieval.embedding.model import default_model_dir
from retrieval.errors import ModelError

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "vocab.txt"

# Regular endings, and what the word they were added to may have ended with before:
# "suing" = "sue" - "e" + "ing", "cities" = "city" - "y" + "ies", "worsen" = "worse" - "e" + "en".
_ENDINGS = ("s", "es", "ed", "d", "ing", "er", "ers", "est", "ly", "en", "ies", "ied", "y")
# Endings a word in the list may carry that the word asked about lacks ("bake" <- "baker").
_EXTRA = ("s", "d", "ed", "r", "er", "ing")


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


def is_english(word: str, english: frozenset[str]) -> bool:
    """Whether lower-case ``word`` is in ``english`` or a regular inflection of a word in it."""
    if word in english:
        return True
    for ending in _ENDINGS:
        stem = word[: -len(ending)]
        if (
            word.endswith(ending)
            and len(stem) > 1
            and any(b in english for b in _bases(stem, ending))
        ):
            return True
    if any(word + extra in english for extra in _EXTRA):
        return True
    return word.endswith("e") and word[:-1] + "ing" in english


def _bases(stem: str, ending: str) -> tuple[str, ...]:
    """The words ``stem + ending`` may come from (an "e" dropped, a consonant doubled)."""
    if ending in ("ies", "ied"):
        return (stem + "y",)
    doubled = (stem[:-1],) if len(stem) > 2 and stem[-1] == stem[-2] else ()
    return (stem, stem + "e", *doubled)
