"""The search-backend interface: one consistent read of the index for one question.

A backend returns dense and lexical candidates and the records of the articles they belong
to; fusion, the relevance gate, key sentences, excerpts and grouping stay in
``retrieval.query`` and are shared. The embedded backend answers from the loaded generation,
the PostgreSQL backend from per-question views (``retrieval.backends.postgres``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Protocol

from retrieval.embedding.protocol import Vectors
from retrieval.index.view import IndexView
from retrieval.query.search import Hit
from retrieval.query.time_intent import TimeIntent

__all__ = ["Reading"]


class Reading(Protocol):
    """What ``Engine.answer`` reads for one question; every call sees the same data."""

    @property
    def vocabulary(self) -> Mapping[str, int]:
        """The corpus's words and counts (at least those of the question)."""
        ...

    @property
    def aliases(self) -> Sequence[tuple[str, str]]:
        """``(name, alias)`` pairs learned from the corpus."""
        ...

    def published_in(self, intent: TimeIntent) -> set[str]:
        """The articles whose publication date ``intent`` admits."""
        ...

    def candidates(
        self, vector: Vectors, wordings: Sequence[str], *, sources: Set[str] | None
    ) -> IndexView:
        """A view holding the dense and BM25 candidates of a question (see ``hybrid_search``).

        Args:
            vector: The question's embedding.
            wordings: What BM25 searches for: the question, then other forms of its names.
            sources: When given, only these articles' chunks may be lexical candidates.
        """
        ...

    def records(self, view: IndexView, hits: Sequence[Hit]) -> IndexView:
        """``view`` with the articles and sentences of ``hits`` (for ``compose_answer``)."""
        ...
