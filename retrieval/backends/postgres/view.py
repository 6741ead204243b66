"""One question's view of the PostgreSQL index: its candidates and records, as ``IndexView``.

Rows are local to the view: the dense and BM25 candidates of the question, in the order the
database returned them. Scores that need the whole corpus (IDF, the BM25 of each candidate)
were computed by the database with the corpus statistics of the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.embedding.protocol import Vectors
from retrieval.index.sqlite import ChunkTable, SentenceTable
from retrieval.records import Article

__all__ = ["CandidateVectors", "CorpusTerms", "PostgresView"]

Lookup = Callable[[Sequence[str]], dict[str, int]]


@dataclass(frozen=True, slots=True)
class CandidateVectors:
    """The dense candidates (best first) and the stored vector of every candidate row."""

    dense_ids: npt.NDArray[np.int64]
    dense_scores: npt.NDArray[np.float32]
    row_of: Mapping[int, int]
    matrix: Vectors

    def search(self, query: Vectors, k: int) -> tuple[npt.NDArray[np.float32], Any]:
        """The database's top-``k`` dense candidates (the question is the one it was built for)."""
        return self.dense_scores[:k], self.dense_ids[:k]

    def vectors(self, ids: Any) -> Vectors:
        """The stored vectors of candidate ``ids``."""
        rows = [self.row_of[int(i)] for i in np.asarray(ids).reshape(-1)]
        return self.matrix[rows] if rows else self.matrix[:0]


@dataclass(frozen=True, slots=True)
class CorpusTerms:
    """BM25 of the candidate rows, and IDF from the corpus's document frequencies.

    ``frequencies`` holds the document frequency of the terms looked up so far (0: unknown);
    others are looked up in the same transaction when first asked.
    """

    size: int
    texts: tuple[str, ...]
    bm25: npt.NDArray[np.float32]  # (candidate rows, texts)
    frequencies: dict[str, int]
    lookup: Lookup

    def _frequency(self, token: str) -> int:
        if token not in self.frequencies:
            self.frequencies.update(dict.fromkeys([token], 0) | self.lookup([token]))
        return self.frequencies[token]

    def idf(self, token: str) -> float:
        """As ``LexicalIndex.idf``: unknown tokens get the highest value."""
        frequency = self._frequency(token)
        return float(np.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5)))

    def known_tokens(self, tokens: Sequence[str]) -> list[str]:
        """Keep the tokens that occur in the corpus."""
        return [t for t in tokens if t != "" and self._frequency(t) > 0]

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 of every candidate row for one of the texts the view was built for.

        Raises:
            ValueError: When asked for another text.
        """
        if query not in self.texts:
            raise ValueError("this view holds BM25 scores for other texts")
        return np.ascontiguousarray(self.bm25[:, self.texts.index(query)])


@dataclass(frozen=True, slots=True)
class PostgresView:
    """The candidates of one question (and, after ``with_records``, their articles)."""

    articles: Mapping[str, Article]
    chunks: ChunkTable
    vectors: CandidateVectors
    lexical: CorpusTerms
    sentences: SentenceTable
    sentence_vectors: np.ndarray[Any, Any]
    vocabulary: Mapping[str, int]
    aliases: Sequence[tuple[str, str]]
    sentence_ranges: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def chunk_text(self, row: int) -> str:
        """The passage text of a chunk row (its article must be in the view)."""
        article = self.articles[self.chunks.sources[row]]
        return article.text[int(self.chunks.starts[row]) : int(self.chunks.ends[row])]

    def rows_for_ids(self, ids: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Map chunk ids to the view's rows."""
        row_of = self.vectors.row_of
        return np.array([row_of[int(i)] for i in ids], dtype=np.int64)
