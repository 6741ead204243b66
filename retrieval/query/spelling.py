"""Misspelt words corrected against the corpus's own vocabulary before searching."""

from __future__ import annotations

from collections.abc import Mapping


def correct_spelling(text: str, vocabulary: Mapping[str, int]) -> str | None:
    """``text`` with misspelt words replaced by corpus words, or None when nothing changed."""
    return None
