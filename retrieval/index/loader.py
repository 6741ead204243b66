"""Loading a generation into memory: verified files -> an immutable LoadedIndex."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.errors import IndexCorruptError
from retrieval.index.dense import VectorIndex
from retrieval.index.layout import (
    BM25_DIR,
    META,
    SENTENCE_VECTORS,
    VECTORS,
    current_generation,
    repair_advice,
)
from retrieval.index.manifest import Manifest
from retrieval.index.sparse import LexicalIndex
from retrieval.index.sqlite import ChunkTable, SentenceTable, read_metadata
from retrieval.index.verify import check_consistency, verify_generation
from retrieval.records import Article


@dataclass(frozen=True, slots=True)
class LoadedIndex:
    """One verified generation in memory; immutable, so searches can share it across threads."""

    directory: Path
    manifest: Manifest
    articles: dict[str, Article]
    chunks: ChunkTable
    vectors: VectorIndex
    lexical: LexicalIndex
    id_order: np.ndarray[Any, Any]  # rows sorted by FAISS id, for rows_for_ids
    sentences: SentenceTable
    sentence_vectors: np.ndarray[Any, Any]  # float16, one row per sentence
    vocabulary: dict[str, int]
    aliases: tuple[tuple[str, str], ...]
    sentence_ranges: dict[str, tuple[int, int]]  # article -> [first, last) sentence rows
    published_years: frozenset[int]  # years in which some article was published

    def chunk_text(self, row: int) -> str:
        """The passage text of a chunk row."""
        article = self.articles[self.chunks.sources[row]]
        return article.text[int(self.chunks.starts[row]) : int(self.chunks.ends[row])]

    def sentence_text(self, row: int) -> str:
        """The text of a sentence row."""
        article = self.articles[self.sentences.sources[row]]
        return article.text[int(self.sentences.starts[row]) : int(self.sentences.ends[row])]

    def rows_for_ids(self, ids: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Map FAISS ids to chunk rows."""
        order = self.id_order
        positions = np.searchsorted(self.chunks.ids, ids, sorter=order)
        return order[np.clip(positions, 0, len(order) - 1)]


def load_index(
    index_dir: Path, *, model_hash: str | None = None, checksums: bool = True
) -> LoadedIndex:
    """Load and verify the live generation.

    Args:
        index_dir: The index directory.
        model_hash: When given, the index must have been built with these model weights.
        checksums: Verify every file's SHA-256 (sizes are always checked).

    Raises:
        IndexNotFoundError: No index yet.
        IndexMismatchError: Built with another model or format version.
        IndexCorruptError: Anything missing, altered or inconsistent.
    """
    return load_generation(
        current_generation(index_dir), model_hash=model_hash, checksums=checksums
    )


def load_generation(
    directory: Path, *, model_hash: str | None = None, checksums: bool = True
) -> LoadedIndex:
    """Load and verify one generation folder, live or not (a repair tries older ones).

    Raises:
        IndexMismatchError: Built with another model or format version.
        IndexCorruptError: Anything missing, altered or inconsistent.
    """
    manifest = verify_generation(directory, model_hash=model_hash, checksums=checksums)
    try:
        metadata = read_metadata(directory / META)
        vectors = VectorIndex.load(directory / VECTORS)
        lexical = LexicalIndex.load(directory / BM25_DIR, size=len(metadata.chunks))
        sentence_vectors = np.load(directory / SENTENCE_VECTORS, mmap_mode="r")
    except (sqlite3.DatabaseError, RuntimeError, OSError, ValueError, KeyError) as exc:
        raise IndexCorruptError(
            f"The index in {directory} cannot be read ({exc}). "
            f"{repair_advice(directory.parent.parent)}"
        ) from exc
    loaded = LoadedIndex(
        directory,
        manifest,
        metadata.articles,
        metadata.chunks,
        vectors,
        lexical,
        id_order=np.argsort(metadata.chunks.ids, kind="stable"),
        sentences=metadata.sentences,
        sentence_vectors=sentence_vectors,
        vocabulary=metadata.vocabulary,
        aliases=metadata.aliases,
        sentence_ranges=_ranges(metadata.sentences.sources),
        published_years=frozenset(
            a.published.year for a in metadata.articles.values() if a.published
        ),
    )
    check_consistency(loaded)
    return loaded


def _ranges(sources: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Each article's contiguous run of sentence rows."""
    ranges: dict[str, tuple[int, int]] = {}
    for row, source in enumerate(sources):
        first, _ = ranges.get(source, (row, row))
        ranges[source] = (first, row + 1)
    return ranges
