"""The question's language: the model and the articles are English, so say so for others."""

from __future__ import annotations


def foreign_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language when it is confidently not English, else None."""
    return None
