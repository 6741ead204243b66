"""The PostgreSQL backend's reading: one question, one read-only snapshot transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import replace
from typing import Any

import numpy as np
import psycopg

from retrieval.backends.postgres import search
from retrieval.backends.postgres.view import (
    CandidateVectors,
    CorpusTerms,
    PostgresView,
)
from retrieval.embedding.protocol import DIMENSION, Vectors
from retrieval.index.sqlite import ChunkTable, SentenceTable
from retrieval.index.view import IndexView
from retrieval.query.search import CANDIDATES, Hit
from retrieval.query.time_intent import TimeIntent
from retrieval.text.tokens import tokenize

__all__ = ["PostgresReading"]


class PostgresReading:
    """A ``Reading`` in one ``REPEATABLE READ READ ONLY`` transaction of ``conn``.

    Every query of one question sees the same committed state: an article written meanwhile
    is in all of them or in none.
    """

    def __init__(
        self,
        conn: psycopg.Connection[Any],
        *,
        aliases: Sequence[tuple[str, str]] = (),
        vocabulary: Mapping[str, int] | None = None,
        ann_threshold: int,
        dimension: int = DIMENSION,
    ) -> None:
        """Start the transaction on ``conn`` (which must not be in one)."""
        self.conn = conn
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self.stats = search.corpus(conn)
        self._aliases = tuple(aliases)
        self._exact = self.stats.passages < ann_threshold
        self._dimension = dimension
        self._frequencies: dict[str, int] = {}
        self._vocabulary: Mapping[str, int] = {} if vocabulary is None else vocabulary

    @property
    def vocabulary(self) -> Mapping[str, int]:
        """The corpus's words and counts, as the engine read them at this data version."""
        return self._vocabulary

    @property
    def aliases(self) -> Sequence[tuple[str, str]]:
        """The aliases the engine cached at this data version."""
        return self._aliases

    def _lookup(self, terms: Sequence[str]) -> dict[str, int]:
        return search.frequencies(self.conn, terms)

    def published_in(self, intent: TimeIntent) -> set[str]:
        """The articles published in the intent's period."""
        period = intent.period
        start = period.start if period else None
        end = period.end if period else None
        rows = self.conn.execute(
            "SELECT source FROM articles WHERE (%(all)s OR published IS NOT NULL)"
            " AND (%(start)s::date IS NULL OR published >= %(start)s)"
            " AND (%(end)s::date IS NULL OR published <= %(end)s)",
            {"all": period is None, "start": start, "end": end},
        )
        return {str(r[0]) for r in rows}

    def candidates(
        self, vector: Vectors, wordings: Sequence[str], *, sources: Set[str] | None
    ) -> IndexView:
        """The dense and BM25 candidates of the question, as ``hybrid_search`` reads them."""
        size = self.stats.passages
        tokens = [tokenize(wording) for wording in wordings]
        every = [t for wording in tokens for t in wording]
        self._frequencies.update(dict.fromkeys(every, 0) | self._lookup(every))
        terms = CorpusTerms(
            size, tuple(wordings), np.zeros((0, 0), np.float32), self._frequencies, self._lookup
        )
        weights = []
        for wording in tokens:
            counts = Counter(terms.known_tokens(wording))
            weights.append({t: terms.idf(t) * n for t, n in counts.items()})
        found = (
            search.candidates(
                self.conn,
                vector,
                weights,
                self.stats,
                dense=CANDIDATES if sources is None else min(size, CANDIDATES * 4),
                lexical=CANDIDATES,
                exact=self._exact,
                sources=sources,
            )
            if size
            else []
        )
        dense = [c for c in found if c.cosine is not None]
        chunks = ChunkTable(
            ids=np.array([c.id for c in found], dtype=np.int64),
            sources=tuple(c.source for c in found),
            ordinals=np.array([c.ordinal for c in found], dtype=np.int32),
            starts=np.array([c.start for c in found], dtype=np.int32),
            ends=np.array([c.end for c in found], dtype=np.int32),
            first_sentences=np.array([c.first_sentence for c in found], dtype=np.int64),
            last_sentences=np.array([c.last_sentence for c in found], dtype=np.int64),
        )
        matrix = (
            np.stack([c.vector for c in found]).astype(np.float32)
            if found
            else np.zeros((0, self._dimension), np.float32)
        )
        return PostgresView(
            articles={},
            chunks=chunks,
            vectors=CandidateVectors(
                dense_ids=np.array([c.id for c in dense], dtype=np.int64),
                dense_scores=np.array([c.cosine for c in dense], dtype=np.float32),
                row_of={c.id: row for row, c in enumerate(found)},
                matrix=matrix,
            ),
            lexical=replace(
                terms,
                bm25=np.array([c.bm25 for c in found], dtype=np.float32).reshape(
                    len(found), len(wordings)
                ),
            ),
            sentences=_sentences([], [], [], ()),
            sentence_vectors=np.zeros((0, self._dimension), np.float16),
            vocabulary=self._vocabulary,
            aliases=self._aliases,
        )

    def records(self, view: IndexView, hits: Sequence[Hit]) -> IndexView:
        """``view`` with the articles of ``hits``, their sentences and sentence vectors."""
        if not isinstance(view, PostgresView):
            raise TypeError("records() takes a view made by candidates()")
        found = search.records(
            self.conn, list(dict.fromkeys(h.source for h in hits)), self._dimension
        )
        ranges: dict[str, tuple[int, int]] = {}
        sources: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        quotable: list[bool] = []
        for record in found:
            first = len(starts)
            sources += [record.article.source] * len(record.starts)
            starts += record.starts
            ends += record.ends
            quotable += record.quotable
            ranges[record.article.source] = (first, len(starts))
        chunks = view.chunks
        offsets = np.array([ranges.get(s, (0, 0))[0] for s in chunks.sources], dtype=np.int64)
        return replace(
            view,
            articles={r.article.source: r.article for r in found},
            chunks=replace(
                chunks,
                first_sentences=chunks.first_sentences + offsets,
                last_sentences=chunks.last_sentences + offsets,
            ),
            sentences=_sentences(sources, starts, ends, quotable),
            sentence_vectors=(
                np.concatenate([r.vectors for r in found])
                if found
                else np.zeros((0, self._dimension), np.float16)
            ),
            sentence_ranges=ranges,
        )


def _sentences(
    sources: Sequence[str], starts: Sequence[int], ends: Sequence[int], quotable: Sequence[bool]
) -> SentenceTable:
    return SentenceTable(
        sources=tuple(sources),
        starts=np.array(starts, dtype=np.int32),
        ends=np.array(ends, dtype=np.int32),
        quotable=np.array(quotable, dtype=np.bool_),
    )
