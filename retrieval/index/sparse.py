"""BM25 over the chunks with bm25s: tokenising, indexing, scoring, saving and loading."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt

from retrieval.text.tokens import tokenize

# bm25s logs its progress bars and warnings through these loggers.
logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    """A BM25 index whose document numbers are the chunk rows of the index generation."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size
        # An index of no documents has no vocabulary attribute at all.
        self._vocab: dict[str, int] = dict(getattr(model, "vocab_dict", None) or {})

    @classmethod
    def build(cls, texts: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        """Index ``texts`` (row i is document i)."""
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        corpus = [tokenize(t) or [""] for t in texts]
        if corpus:
            model.index(corpus, show_progress=False)
        return cls(model, len(corpus))

    def save(self, directory: Path) -> None:
        """Write the index files into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        if self.size:
            self._model.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        """Load an index written by :meth:`save`."""
        if size == 0:
            return cls(bm25s.BM25(), 0)
        model = bm25s.BM25.load(str(directory), mmap=False, show_progress=False)
        return cls(model, size)

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token; unknown tokens get the highest value."""
        token_id = self._vocab.get(token)
        frequency = 0 if token_id is None else self._document_frequency(token_id)
        return float(np.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5)))

    def _document_frequency(self, token_id: int) -> int:
        indptr = self._model.scores["indptr"]
        return int(indptr[token_id + 1] - indptr[token_id])

    def known_tokens(self, tokens: Sequence[str]) -> list[str]:
        """Keep the tokens that occur in the corpus."""
        return [t for t in tokens if t in self._vocab and t != ""]

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 score of every document for ``query`` (all zeros when no term is known)."""
        tokens = self.known_tokens(tokenize(query))
        if not tokens or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(tokens), dtype=np.float32)
