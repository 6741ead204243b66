"""Rankings from score matrices: dense, BM25, RRF and the product's convex fusion.

``convex_rankings`` reproduces ``retrieval.query.search.hybrid_search`` without a ``LoadedIndex``:
candidates are the union of the dense top-``candidates`` and the BM25 top-``candidates``
(documents with a positive BM25 score), each scored ``w * cosine + (1 - w) * bm25 / max bm25``.
The SciFact benchmark checks it against the real ``hybrid_search`` over a real index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

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
    """The product's fusion for every query (see the module docstring)."""
    out = []
    for cos_row, bm_row in zip(cosine, bm25, strict=True):
        rows = set(top_rows(cos_row, candidates))
        top = float(bm_row.max())
        if top > 0:
            rows.update(top_rows(bm_row, candidates, positive=True))
        ids = np.fromiter(sorted(rows), np.int64)
        lexical = bm_row[ids] / top if top > 0 else np.zeros(len(ids), np.float32)
        fused = dense_weight * cos_row[ids] + (1.0 - dense_weight) * lexical
        order = np.argsort(-fused, kind="stable")[:k]
        out.append([int(ids[i]) for i in order])
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
