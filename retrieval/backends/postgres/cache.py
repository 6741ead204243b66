"""The embedding cache as a PostgreSQL table, shared by every writer: nothing is embedded twice."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from retrieval.backends.postgres.connection import Database
from retrieval.embedding.protocol import Vectors

__all__ = ["DatabaseCache"]

_BATCH = 1000


class DatabaseCache:
    """``(model_hash, text_hash) -> float32 vector`` in ``embedding_cache``.

    Vectors are committed as soon as they are computed, so an ingest killed later still
    leaves them for the next one.
    """

    def __init__(self, db: Database, *, model_hash: str, dimension: int) -> None:
        self.db = db
        self.model_hash = model_hash
        self.dimension = dimension

    def get_many(self, hashes: Iterable[str]) -> dict[str, Vectors]:
        """The cached vectors of these text hashes (missing ones are absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, Vectors] = {}
        with self.db.connection() as conn:
            for offset in range(0, len(wanted), _BATCH):
                rows = conn.execute(
                    "SELECT text_hash, vector FROM embedding_cache"
                    " WHERE model_hash = %s AND text_hash = ANY(%s)",
                    (self.model_hash, wanted[offset : offset + _BATCH]),
                )
                for key, blob in rows:
                    vector = np.frombuffer(bytes(blob), dtype=np.float32)
                    if vector.shape == (self.dimension,):
                        found[str(key)] = vector
        return found

    def put_many(self, items: Iterable[tuple[str, Vectors]]) -> None:
        """Store vectors by text hash (a text already cached keeps its vector)."""
        rows = [
            (self.model_hash, key, np.asarray(vec, dtype=np.float32).tobytes())
            for key, vec in items
        ]
        with self.db.connection() as conn, conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO embedding_cache VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", rows
            )
