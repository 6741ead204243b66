"""What the query stage reads of an index: a loaded generation, or a per-question view of one.

``LoadedIndex`` satisfies these protocols as it is; the PostgreSQL backend builds a small view
of the candidates of one question that satisfies them too, so search, the gate, key sentences
and excerpts are one implementation for both backends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from retrieval.embedding.protocol import Vectors
from retrieval.index.sqlite import ChunkTable, SentenceTable
from retrieval.records import Article

__all__ = ["IndexView", "LexicalScores", "VectorSearch"]


class VectorSearch(Protocol):
    """Dense search by chunk id (``retrieval.index.dense.VectorIndex`` is one)."""

    def search(self, query: Vectors, k: int) -> tuple[npt.NDArray[np.float32], Any]:
        """The top-``k`` (scores, chunk ids) for one query vector."""
        ...

    def vectors(self, ids: Any) -> Vectors:
        """The stored vectors of chunk ``ids``."""
        ...


class LexicalScores(Protocol):
    """BM25 over the chunk rows (``retrieval.index.sparse.LexicalIndex`` is one)."""

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token in the whole corpus."""
        ...

    def known_tokens(self, tokens: Sequence[str]) -> list[str]:
        """The tokens that occur in the corpus."""
        ...

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk row for ``query``."""
        ...


class IndexView(Protocol):
    """The articles, chunks, sentences and scores the query stage reads; immutable."""

    @property
    def articles(self) -> Mapping[str, Article]: ...

    @property
    def chunks(self) -> ChunkTable: ...

    @property
    def vectors(self) -> VectorSearch: ...

    @property
    def lexical(self) -> LexicalScores: ...

    @property
    def sentences(self) -> SentenceTable: ...

    @property
    def sentence_vectors(self) -> np.ndarray[Any, Any]: ...

    @property
    def vocabulary(self) -> Mapping[str, int]: ...

    @property
    def aliases(self) -> Sequence[tuple[str, str]]: ...

    @property
    def sentence_ranges(self) -> Mapping[str, tuple[int, int]]: ...

    def chunk_text(self, row: int) -> str:
        """The passage text of a chunk row."""
        ...

    def rows_for_ids(self, ids: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Map chunk ids to chunk rows."""
        ...
