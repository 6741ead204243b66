"""FAISS vector search keyed by chunk id: exact for small corpora, HNSW above a threshold."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from retrieval.embedding.protocol import Vectors

ANN_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128

Ids = npt.NDArray[np.int64]


class VectorIndex:
    """Inner-product search over normalised vectors, returning chunk ids.

    Below ``ann_threshold`` vectors the index is exact (``IndexFlatIP``); above it, an HNSW
    graph (``IndexHNSWFlat``), whose recall against exact search is measured in the tests.
    Both are wrapped in ``IndexIDMap2`` so the FAISS ids are the chunk ids.
    """

    def __init__(self, index: Any) -> None:
        # faiss's SWIG classes are dynamically typed (downcasts, wrapped indexes): use Any.
        self._index: Any = index

    @property
    def kind(self) -> str:
        """``"exact"`` or ``"hnsw"``."""
        inner = faiss.downcast_index(self._index.index)
        return "hnsw" if isinstance(inner, faiss.IndexHNSW) else "exact"

    @property
    def size(self) -> int:
        """Number of vectors."""
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        """Vector dimension."""
        return int(self._index.d)

    @classmethod
    def build(
        cls,
        ids: Ids,
        vectors: Vectors,
        *,
        ann_threshold: int = ANN_THRESHOLD,
        dimension: int | None = None,
    ) -> VectorIndex:
        """Index ``vectors`` under ``ids`` (int64, unique)."""
        dim = dimension or int(vectors.shape[1])
        if len(ids) >= ann_threshold:
            inner: Any = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            inner = faiss.IndexFlatIP(dim)
        index = faiss.IndexIDMap2(inner)
        if len(ids):
            index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32),
                np.ascontiguousarray(ids, dtype=np.int64),
            )
        return cls(index)

    def save(self, path: Path) -> None:
        """Write the index to ``path``."""
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        """Read an index written by :meth:`save`."""
        index: Any = faiss.read_index(str(path))
        inner: Any = faiss.downcast_index(index.index)
        if isinstance(inner, faiss.IndexHNSW):
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index)

    def search(self, query: Vectors, k: int) -> tuple[npt.NDArray[np.float32], Ids]:
        """Return the top-``k`` (scores, ids) for one query vector; ids -1 pad short results."""
        k = max(1, min(k, self.size)) if self.size else 0
        if k == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        with _one_openmp_thread():
            scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def vectors(self, ids: Ids) -> Vectors:
        """Return the stored vectors of ``ids``."""
        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        with _one_openmp_thread():
            found = self._index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64))
        return np.asarray(found, dtype=np.float32)


@contextmanager
def _one_openmp_thread() -> Iterator[None]:
    """Run FAISS on the calling thread only, then restore its OpenMP thread count.

    One query, or a few hundred vectors to fetch, gains nothing from a second thread, and
    after each parallel region FAISS's OpenMP workers spin for a while, taking the cores that
    the next question's embedding needs: on two cores this halved a warm ``answer()`` (16 ms
    to 8-10 ms). The count is per calling thread in libgomp, so builds on other threads keep
    every core.
    """
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def stored_ids(index: VectorIndex) -> Ids:
    """Return every id stored in ``index`` (for consistency checks)."""
    return np.asarray(faiss.vector_to_array(index._index.id_map), dtype=np.int64)
