"""Hybrid retrieval: dense (FAISS) and BM25 candidates, fused into one ranking of chunks."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.embedding.protocol import Vectors
from retrieval.index.view import IndexView

DENSE_WEIGHT = 0.65
CANDIDATES = 100

Rows = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Hit:
    """A chunk found for a query.

    Attributes:
        row: The chunk's row in the index (BM25 document number).
        chunk_id: The chunk's FAISS id.
        source: The article the chunk belongs to.
        score: Fused relevance (higher is better).
        dense: Cosine similarity between the question and the passage.
        lexical: BM25 score divided by the best BM25 score for the question (0-1).
    """

    row: int
    chunk_id: int
    source: str
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True, slots=True)
class Fused:
    """Candidate rows ranked by the fused score, best first, with both sides of the score.

    Attributes:
        rows: The rows, best first.
        score: Their fused scores.
        dense: Their cosine similarities.
        lexical: Their BM25 scores divided by the best BM25 score (0-1).
    """

    rows: Rows
    score: Scores
    dense: Scores
    lexical: Scores


def hybrid_search(
    index: IndexView,
    query_vector: Vectors,
    query_text: str,
    *,
    k: int = 20,
    candidates: int = CANDIDATES,
    dense_weight: float = DENSE_WEIGHT,
    sources: Set[str] | None = None,
    lexical_text: str | Sequence[str] | None = None,
) -> list[Hit]:
    """Rank chunks by ``dense_weight * cosine + (1 - dense_weight) * normalised BM25``.

    Candidates are the union of the dense top-``candidates`` and the BM25 top-``candidates``;
    each gets both scores, so a passage strong on one side only still competes.

    Args:
        index: The loaded index.
        query_vector: The normalised question embedding.
        query_text: The question, for BM25.
        k: How many hits to return.
        candidates: How many candidates each side contributes.
        dense_weight: Weight of the dense score in the fusion (0-1).
        sources: When given, only chunks of these articles are returned.
        lexical_text: What BM25 searches for, when not ``query_text``; several wordings
            (a name's other forms) count for each passage with the one it matches best.
    """
    size = len(index.chunks)
    if size == 0:
        return []
    oversample = candidates if sources is None else min(size, candidates * 4)
    _, dense_ids = index.vectors.search(query_vector, oversample)
    dense_rows = index.rows_for_ids(dense_ids)

    bm25 = lexical_scores(index, lexical_text or query_text)
    if sources is not None:
        allowed = np.fromiter((s in sources for s in index.chunks.sources), bool, size)
        bm25 = np.where(allowed, bm25, 0.0)
        dense_rows = dense_rows[allowed[dense_rows]]
    rows = candidate_rows(dense_rows, bm25, candidates)
    if not len(rows):
        return []
    cosine = index.vectors.vectors(index.chunks.ids[rows]) @ query_vector.reshape(-1)
    fused = fuse(rows, cosine, bm25, dense_weight=dense_weight, k=k)
    return [
        Hit(
            row=int(row),
            chunk_id=int(index.chunks.ids[row]),
            source=index.chunks.sources[int(row)],
            score=float(score),
            dense=float(dense),
            lexical=float(lexical),
        )
        for row, score, dense, lexical in zip(
            fused.rows, fused.score, fused.dense, fused.lexical, strict=True
        )
    ]


def lexical_scores(index: IndexView, wordings: str | Sequence[str]) -> Scores:
    """BM25 scores of every row; with several wordings, each row's best share of a wording's top.

    Each wording is scaled by its own best score first, so a long form of a name (three
    words) does not outweigh its acronym (one word) by its length alone.
    """
    if isinstance(wordings, str) or len(wordings) == 1:
        return index.lexical.scores(wordings if isinstance(wordings, str) else wordings[0])
    best = np.zeros(len(index.chunks), np.float32)
    for wording in wordings:
        scores = index.lexical.scores(wording)
        top = float(scores.max()) if len(scores) else 0.0
        if top > 0:
            best = np.maximum(best, scores / top)
    return best


def candidate_rows(dense_rows: Rows, bm25: Scores, candidates: int) -> Rows:
    """The union of the dense candidates and the BM25 top-``candidates``, in ascending order.

    Args:
        dense_rows: Rows the dense search found (any order).
        bm25: The BM25 score of every row; only rows with a positive score are candidates.
        candidates: How many BM25 candidates to take.
    """
    lexical_rows = _top_rows(bm25, candidates)
    return np.unique(np.concatenate([dense_rows, lexical_rows]).astype(np.int64))


def fuse(rows: Rows, cosine: Scores, bm25: Scores, *, dense_weight: float, k: int) -> Fused:
    """Rank ``rows`` by ``dense_weight * cosine + (1 - dense_weight) * bm25 / max(bm25)``.

    This is the product's fusion; the benchmarks call it too, so there is one implementation.

    Args:
        rows: The candidate rows (from :func:`candidate_rows`).
        cosine: The cosine similarity of each candidate, aligned with ``rows``.
        bm25: The BM25 score of every row (the maximum normalises the lexical side).
        dense_weight: Weight of the dense score (0-1).
        k: How many rows to keep.
    """
    top = float(bm25.max()) if len(bm25) else 0.0
    lexical = bm25[rows] / top if top > 0 else np.zeros(len(rows), np.float32)
    fused = dense_weight * cosine + (1.0 - dense_weight) * lexical
    order = np.argsort(-fused, kind="stable")[:k]
    return Fused(rows[order], fused[order], cosine[order], lexical[order])


def _top_rows(scores: Scores, count: int) -> Rows:
    count = min(count, int(np.count_nonzero(scores > 0)))
    if count <= 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-scores, count - 1)[:count]
    return part[np.argsort(-scores[part], kind="stable")]
