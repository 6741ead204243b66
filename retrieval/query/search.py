"""Hybrid retrieval: dense (FAISS) and BM25 candidates, fused into one ranking of chunks."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.embedding.protocol import Vectors
from retrieval.index.loader import LoadedIndex

DENSE_WEIGHT = 0.65
CANDIDATES = 100


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


def hybrid_search(
    index: LoadedIndex,
    query_vector: Vectors,
    query_text: str,
    *,
    k: int = 20,
    candidates: int = CANDIDATES,
    dense_weight: float = DENSE_WEIGHT,
    sources: Set[str] | None = None,
    lexical_text: str | None = None,
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
        lexical_text: What BM25 searches for, when not ``query_text`` (e.g. with the other
            forms of the names it contains).
    """
    size = len(index.chunks)
    if size == 0:
        return []
    oversample = candidates if sources is None else min(size, candidates * 4)
    _, dense_ids = index.vectors.search(query_vector, oversample)
    dense_rows = index.rows_for_ids(dense_ids)

    bm25 = index.lexical.scores(lexical_text or query_text)
    if sources is not None:
        allowed = np.fromiter((s in sources for s in index.chunks.sources), bool, size)
        bm25 = np.where(allowed, bm25, 0.0)
        dense_rows = dense_rows[allowed[dense_rows]]
    top_bm25 = float(bm25.max()) if len(bm25) else 0.0
    lexical_rows = _top_rows(bm25, candidates) if top_bm25 > 0 else np.zeros(0, np.int64)
    rows = np.unique(np.concatenate([dense_rows, lexical_rows]).astype(np.int64))
    if not len(rows):
        return []
    ids = index.chunks.ids[rows]
    cosine = index.vectors.vectors(ids) @ query_vector.reshape(-1)
    lexical = bm25[rows] / top_bm25 if top_bm25 > 0 else np.zeros(len(rows), np.float32)
    fused = dense_weight * cosine + (1.0 - dense_weight) * lexical
    order = np.argsort(-fused, kind="stable")[:k]
    return [
        Hit(
            row=int(rows[i]),
            chunk_id=int(ids[i]),
            source=index.chunks.sources[int(rows[i])],
            score=float(fused[i]),
            dense=float(cosine[i]),
            lexical=float(lexical[i]),
        )
        for i in order
    ]


def _top_rows(scores: npt.NDArray[np.float32], count: int) -> npt.NDArray[np.int64]:
    count = min(count, int(np.count_nonzero(scores)))
    if count <= 0:
        return np.zeros(0, np.int64)
    part = np.argpartition(-scores, count - 1)[:count]
    return part[np.argsort(-scores[part], kind="stable")]
