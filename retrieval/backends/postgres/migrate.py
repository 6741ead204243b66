"""``newsbot migrate``: copy an embedded index into PostgreSQL without embedding anything.

Passage vectors come from the generation's FAISS index, sentence vectors from its
``sentences.npy``, and the embedding cache is copied too, so later ingests of the same texts
embed nothing either. Articles already in the database with the same content are left as
they are; each batch of articles is one transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.backends.postgres.cache import DatabaseCache
from retrieval.backends.postgres.engine import PostgresEngine
from retrieval.backends.postgres.prepare import Prepared, from_generation
from retrieval.backends.postgres.store import Writer
from retrieval.index.layout import EMBEDDING_CACHE
from retrieval.index.loader import load_index

__all__ = ["Migrated", "migrate_index"]

BATCH = 200


@dataclass(frozen=True, slots=True)
class Migrated:
    """What a migration copied.

    Attributes:
        generation: The embedded generation copied.
        copied: Articles written to the database.
        unchanged: Articles the database already held with the same content.
        passages: Passages written.
        cached: Embedding-cache entries copied.
    """

    generation: str
    copied: int
    unchanged: int
    passages: int
    cached: int


def migrate_index(index_dir: Path, engine: PostgresEngine) -> Migrated:
    """Copy the live generation in ``index_dir`` and its embedding cache to the database.

    Raises:
        IndexNotFoundError, IndexCorruptError: The embedded index cannot be loaded.
        IndexLockedError: Another writer holds the database.
    """
    snapshot = load_index(index_dir, model_hash=None)
    manifest = snapshot.manifest
    copied = unchanged = passages = 0
    with Writer.locked(engine.db, timeout=engine.lock_timeout) as writer:
        stored = writer.stubs()
        batch: list[Prepared] = []
        for prepared in from_generation(snapshot):
            old = stored.get(prepared.article.source)
            if old is not None and old.content_hash == prepared.article.content_hash:
                unchanged += 1
                continue
            batch.append(prepared)
            copied += 1
            passages += len(prepared.chunks)
            if len(batch) >= BATCH:
                writer.apply(write=batch, model=(manifest.model_id, manifest.model_hash))
                batch = []
        if batch or not stored:
            writer.apply(write=batch, model=(manifest.model_id, manifest.model_hash))
        if copied:
            writer.tidy()
    cached = _copy_cache(index_dir / EMBEDDING_CACHE, engine, manifest.model_hash)
    engine.reload()
    return Migrated(manifest.generation, copied, unchanged, passages, cached)


def _copy_cache(path: Path, engine: PostgresEngine, model_hash: str) -> int:
    if not path.exists():
        return 0
    cache = DatabaseCache(engine.db, model_hash=model_hash, dimension=0)
    copied = 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT text_hash, vector FROM embeddings WHERE model_hash = ?", (model_hash,)
        )
        while chunk := rows.fetchmany(1000):
            cache.put_many((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in chunk)
            copied += len(chunk)
    except sqlite3.DatabaseError:
        return copied  # a damaged cache is not worth failing a migration for
    finally:
        db.close()
    return copied
