"""BM25 over the chunks with bm25s: tokenising, indexing, scoring, saving and loading."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer

_TOKEN = re.compile(r"\w\w+", re.UNICODE)
# bm25s logs its progress bars and warnings through these loggers.
logging.getLogger("bm25s").setLevel(logging.WARNING)

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "said",
        "says",
        "say",
        "tell",
        "told",
        "know",
    ]
)


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-case, split into words of two or more characters, drop stopwords, stem."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS]
    return list(_stemmer().stemWords(words)) if words else []


@lru_cache(maxsize=65_536)
def token_set(text: str) -> frozenset[str]:
    """The distinct tokens of ``text``, remembered: answers look at the same sentences often."""
    return frozenset(tokenize(text))


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
