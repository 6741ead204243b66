"""A persistent embedding cache keyed by model and passage-text hash, so nothing is re-embedded.

The cache is disposable: a damaged one is renamed aside with a warning and started afresh,
never a reason for an ingest or a repair to fail.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from retrieval.embedding.protocol import Embedder, Vectors


def text_hash(text: str) -> str:
    """Return the cache key of a passage text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_LOGGER = logging.getLogger(__name__)


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is damaged (not merely locked, full or unwritable)."""
    name = getattr(error, "sqlite_errorname", "")
    return name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB"


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
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise
            self._db = self._start_afresh(exc)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings ("
                " model_hash TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL,"
                " PRIMARY KEY (model_hash, text_hash)) WITHOUT ROWID"
            )
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _start_afresh(self, error: sqlite3.DatabaseError) -> sqlite3.Connection:
        """Rename a damaged cache (and its journal files) aside and open a new, empty one."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.replace(Path(f"{aside}{suffix}"))
        _LOGGER.warning(
            "The embedding cache %s is damaged (%s); it was moved to %s and a new one started. "
            "Passages are embedded again; the index itself is not affected.",
            self.path,
            error,
            aside.name,
        )
        return self._connect()

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def get_many(self, hashes: Iterable[str]) -> dict[str, Vectors]:
        """Return the cached vectors for the given text hashes (missing ones are absent)."""
        wanted = list(dict.fromkeys(hashes))
        try:
            return self._get_many(wanted)
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise
            self._db.close()
            self._db = self._start_afresh(exc)
            return {}

    def _get_many(self, wanted: list[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
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
        """Store vectors by text hash (a cache damaged meanwhile is started afresh first)."""
        rows = [
            (self.model_hash, key, np.asarray(vec, dtype=np.float32).tobytes())
            for key, vec in items
        ]
        try:
            self._put(rows)
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise
            self._db.close()
            self._db = self._start_afresh(exc)
            self._put(rows)

    def _put(self, rows: list[tuple[str, str, bytes]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)", rows)
        self._db.commit()


class VectorCache(Protocol):
    """Where embeddings are kept by text hash: ``EmbeddingCache``, or a database table."""

    def get_many(self, hashes: Iterable[str]) -> dict[str, Vectors]:
        """The cached vectors of these text hashes (missing ones are absent)."""
        ...

    def put_many(self, items: Iterable[tuple[str, Vectors]]) -> None:
        """Store vectors by text hash."""
        ...


def embed_with_cache(
    texts: Sequence[str],
    embedder: Embedder,
    cache: VectorCache | None,
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
