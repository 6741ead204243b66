"""Writing a generation: SQLite, FAISS and BM25 in a temporary folder, fsynced, then switched in.

Call it under :func:`retrieval.index.lock.write_lock`; a crash at any point leaves the previous
generation live.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.chunking import Chunk, embedding_text
from retrieval.embedding.protocol import DIMENSION, Vectors
from retrieval.files import file_sha256, fsync_dir, fsync_tree, write_durably
from retrieval.index.dense import ANN_THRESHOLD, VectorIndex
from retrieval.index.layout import (
    BM25_DIR,
    CURRENT,
    GENERATIONS,
    KEEP_GENERATIONS,
    MANIFEST,
    META,
    SENTENCE_VECTORS,
    VECTORS,
)
from retrieval.index.ledger import write_ledger
from retrieval.index.manifest import Manifest
from retrieval.index.sparse import LexicalIndex
from retrieval.index.sqlite import SentenceRow, write_metadata
from retrieval.records import Article


def write_generation(
    index_dir: Path,
    articles: Sequence[Article],
    chunks: Sequence[Chunk],
    vectors: Vectors,
    *,
    model_id: str,
    model_hash: str,
    ann_threshold: int = ANN_THRESHOLD,
    sentences: Sequence[SentenceRow] = (),
    sentence_vectors: Vectors | None = None,
    vocabulary: Iterable[tuple[str, int]] = (),
    aliases: Iterable[tuple[str, str]] = (),
) -> Manifest:
    """Write a complete generation and make it the live one. Call under :func:`write_lock`.

    Args:
        index_dir: The index directory.
        articles: Every article of the generation.
        chunks: Their passages, in row order.
        vectors: One embedding per passage.
        model_id: The embedding model's name.
        model_hash: SHA-256 of its weights.
        ann_threshold: Passages from which the dense index is HNSW instead of exact.
        sentences: Every article's sentences, in article order (for key sentences).
        sentence_vectors: One embedding per sentence (stored as float16).
        vocabulary: ``(word, count)`` of the corpus, for spelling correction.
        aliases: ``(name, alias)`` pairs learned from the corpus.
    """
    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    dimension = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else DIMENSION
    if sentence_vectors is None:
        sentence_vectors = np.zeros((0, dimension), dtype=np.float32)
    if len(sentences) != len(sentence_vectors):
        raise ValueError(f"{len(sentences)} sentences but {len(sentence_vectors)} vectors")
    generations = index_dir / GENERATIONS
    generations.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(generations)
    name = datetime.now(UTC).strftime("gen-%Y%m%dT%H%M%S%f")
    temporary = generations / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    temporary.mkdir()

    write_metadata(
        temporary / META, articles, chunks, sentences, vocabulary=vocabulary, aliases=aliases
    )
    np.save(
        temporary / SENTENCE_VECTORS,
        np.ascontiguousarray(sentence_vectors, dtype=np.float16).reshape(-1, dimension),
    )
    ids = np.array([c.id for c in chunks], dtype=np.int64)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("duplicate chunk ids")
    vector_index = VectorIndex.build(
        ids, vectors, ann_threshold=ann_threshold, dimension=dimension
    )
    vector_index.save(temporary / VECTORS)
    titles = {a.source: a.title for a in articles}
    LexicalIndex.build([embedding_text(titles[c.source], c.text) for c in chunks]).save(
        temporary / BM25_DIR
    )
    manifest = Manifest(
        generation=name,
        created_at=datetime.now(UTC),
        model_id=model_id,
        model_hash=model_hash,
        dimension=dimension,
        articles=len(articles),
        chunks=len(chunks),
        sentences=len(sentences),
        vector_index=vector_index.kind,
        files=_checksums(temporary),
    )
    write_durably(temporary / MANIFEST, manifest.to_json())
    fsync_tree(temporary)
    final = generations / name
    temporary.rename(final)
    fsync_dir(generations)
    switch_current(index_dir, name)
    write_ledger(index_dir, name, articles)
    _prune(generations, keep=name)
    return manifest


def _checksums(directory: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory).as_posix()
        files[relative] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
    return files


def switch_current(index_dir: Path, name: str) -> None:
    """Make generation ``name`` the live one, atomically. Call under the write lock."""
    pointer = index_dir / CURRENT
    if pointer.is_dir() and not pointer.is_symlink():
        shutil.rmtree(pointer)  # a damaged pointer; replace() cannot overwrite a folder
    for stale in index_dir.glob(f".{CURRENT}.*.tmp"):  # left by writers killed mid-switch
        stale.unlink(missing_ok=True)
    temporary = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    write_durably(temporary, name + "\n")
    temporary.replace(pointer)
    fsync_dir(index_dir)


def _remove_stale_temporaries(generations: Path) -> None:
    # Only called under the write lock, so no temporary folder belongs to a live writer.
    for path in generations.glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def _prune(generations: Path, *, keep: str) -> None:
    names = sorted(p.name for p in generations.iterdir() if p.name.startswith("gen-"))
    for name in names[:-KEEP_GENERATIONS]:
        if name != keep:
            shutil.rmtree(generations / name, ignore_errors=True)
