"""A persistent embedding cache keyed by model and passage-text hash, so nothing is re-embedded."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from retrieval.embedding.protocol import Embedder, Vectors


def text_hash(text: str) -> str:
    """Return the cache key of a passage text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """SQLite table of ``(model_hash, text_hash) -> float32 vector``.

    The cache lives beside the index generations and survives them: a re-ingest of an
    unchanged corpus finds every passage here and embeds nothing.
    """

    def __init__(self, path: Path, *, model_hash: str, dimension: int) -> None:
        self.path = path
        self.model_hash = model_hash
        self.dimension = dimension
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model_hash TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model_hash, text_hash)) WITHOUT ROWID"
        )
        self._db.commit()

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def get_many(self, hashes: Iterable[str]) -> dict[str, Vectors]:
        """Return the cached vectors for the given text hashes (missing ones are absent)."""
        found: dict[str, Vectors] = {}
        wanted = list(dict.fromkeys(hashes))
        for offset in range(0, len(wanted), 500):
            batch = wanted[offset : offset + 500]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model_hash = ? "  # noqa: S608
                f"AND text_hash IN ({marks})",
                [self.model_hash, *batch],
            )
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self.dimension,):
                    found[key] = vector
        return found

    def put_many(self, items: Iterable[tuple[str, Vectors]]) -> None:
        """Store vectors by text hash."""
        self._db.executemany(
            "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
            (
                (self.model_hash, key, np.asarray(vec, dtype=np.float32).tobytes())
                for key, vec in items
            ),
        )
        self._db.commit()


def embed_with_cache(
    texts: Sequence[str],
    embedder: Embedder,
    cache: EmbeddingCache | None,
    *,
    batch_size: int = 32,
    progress: bool = False,
) -> tuple[Vectors, int]:
    """Embed ``texts``, reusing cached vectors and embedding each distinct new text once.

    Returns:
        The vectors in input order, and how many texts had to be embedded.
    """
    hashes = [text_hash(t) for t in texts]
    known = cache.get_many(hashes) if cache is not None else {}
    missing: dict[str, str] = {}
    for key, text in zip(hashes, texts, strict=True):
        if key not in known and key not in missing:
            missing[key] = text
    if missing:
        fresh = embedder.embed_passages(
            list(missing.values()), batch_size=batch_size, progress=progress
        )
        new_items = list(zip(missing.keys(), fresh, strict=True))
        if cache is not None:
            cache.put_many(new_items)
        known.update(new_items)
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    for row, key in enumerate(hashes):
        out[row] = known[key]
    return out, len(missing)
