"""Question cleaning: control and invisible characters out, whitespace collapsed, length capped."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["MAX_QUESTION_CHARS", "Question", "clean_question"]

MAX_QUESTION_CHARS = 1000
"""Longer questions are cut to this many characters, and the reply says so."""

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Question:
    """A question ready for the engine.

    Attributes:
        text: The cleaned question; empty when nothing usable was sent.
        truncated: True when the question was cut to ``MAX_QUESTION_CHARS``.
    """

    text: str
    truncated: bool = False

    @property
    def usable(self) -> bool:
        """True when the question has at least one letter or digit to search for."""
        return any(char.isalnum() for char in self.text)


def _keep(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cc":  # control characters: tabs and newlines become spaces, others vanish
        return " " if char.isspace() else ""
    if category in ("Cf", "Cs", "Co", "Cn"):
        # Format (zero-width, bidi overrides), surrogates, private use and unassigned: invisible
        # or meaningless to the search, and bidi overrides can disguise text in the reply.
        return ""
    return char


def clean_question(raw: str, *, max_chars: int = MAX_QUESTION_CHARS) -> Question:
    """Strip control and invisible format characters, collapse whitespace, cap the length.

    Args:
        raw: The text the user sent (without the command or mention).
        max_chars: Longest question answered; longer ones are cut at a word boundary.

    Returns:
        The cleaned question, marked ``truncated`` when it was cut.
    """
    text = _WHITESPACE.sub(" ", "".join(_keep(char) for char in raw)).strip()
    if len(text) <= max_chars:
        return Question(text)
    cut = text[:max_chars]
    space = cut.rfind(" ")
    if space > max_chars * 3 // 4:
        cut = cut[:space]
    return Question(cut.rstrip(), truncated=True)
