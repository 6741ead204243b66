"""Rankings from score matrices: dense, BM25, RRF and the product's convex fusion.

``convex_rankings`` runs the product's own fusion (``retrieval.query.search.candidate_rows``
and ``fuse``, which ``hybrid_search`` calls) over precomputed score matrices, with the dense
top-``candidates`` of the cosine matrix standing in for the FAISS search. RRF is a peer, not
product code.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from retrieval.query.search import candidate_rows, fuse

FloatMatrix = npt.NDArray[np.float32]
Ranking = list[int]


def top_rows(scores: npt.NDArray[np.float32], count: int, *, positive: bool = False) -> Ranking:
    """Indices of the ``count`` highest scores, best first (only scores > 0 if ``positive``)."""
    if positive:
        count = min(count, int(np.count_nonzero(scores > 0)))
    count = min(count, len(scores))
    if count <= 0:
        return []
    part = np.argpartition(-scores, count - 1)[:count]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]


def single_rankings(scores: FloatMatrix, k: int, *, positive: bool = False) -> list[Ranking]:
    """Top-``k`` per query row of a score matrix."""
    return [top_rows(row, k, positive=positive) for row in scores]


def convex_rankings(
    cosine: FloatMatrix,
    bm25: FloatMatrix,
    *,
    dense_weight: float,
    candidates: int,
    k: int,
) -> list[Ranking]:
    """The product's fusion for every query row (see the module docstring)."""
    out = []
    for cos_row, bm_row in zip(cosine, bm25, strict=True):
        dense_rows = np.asarray(top_rows(cos_row, candidates), dtype=np.int64)
        rows = candidate_rows(dense_rows, bm_row, candidates)
        fused = fuse(rows, cos_row[rows], bm_row, dense_weight=dense_weight, k=k)
        out.append([int(row) for row in fused.rows])
    return out


def rrf_rankings(
    dense: Sequence[Ranking], lexical: Sequence[Ranking], *, k: int, rrf_k: int = 60
) -> list[Ranking]:
    """Reciprocal rank fusion, ``sum 1 / (rrf_k + rank)`` over the two rankings (rank from 1)."""
    out = []
    for dense_rank, lexical_rank in zip(dense, lexical, strict=True):
        scores: dict[int, float] = {}
        for ranking in (dense_rank, lexical_rank):
            for rank, doc in enumerate(ranking, start=1):
                scores[doc] = scores.get(doc, 0.0) + 1.0 / (rrf_k + rank)
        out.append(sorted(scores, key=lambda d: (-scores[d], d))[:k])
    return out
