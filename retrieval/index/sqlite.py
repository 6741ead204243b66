"""Article and chunk metadata in SQLite: the rows behind every FAISS id."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retrieval.chunking import Chunk
from retrieval.records import Article

_SCHEMA = """
CREATE TABLE articles (
    source TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, url TEXT,
    published TEXT, publisher TEXT, related_links TEXT NOT NULL, content_hash TEXT NOT NULL,
    notes TEXT NOT NULL
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY, id INTEGER NOT NULL UNIQUE, source TEXT NOT NULL
        REFERENCES articles(source), ordinal INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class ChunkTable:
    """Chunk metadata as columns; row ``i`` is BM25 document ``i``.

    Attributes:
        ids: FAISS id of each row.
        sources: Article source of each row.
        ordinals: Position of each chunk in its article.
        starts: Start offset of each chunk in its article's text.
        ends: End offset of each chunk in its article's text.
    """

    ids: npt.NDArray[np.int64]
    sources: tuple[str, ...]
    ordinals: npt.NDArray[np.int32]
    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> ChunkTable:
        """Build the columns from chunk records."""
        return cls(
            ids=np.array([c.id for c in chunks], dtype=np.int64),
            sources=tuple(c.source for c in chunks),
            ordinals=np.array([c.ordinal for c in chunks], dtype=np.int32),
            starts=np.array([c.start for c in chunks], dtype=np.int32),
            ends=np.array([c.end for c in chunks], dtype=np.int32),
        )


def write_metadata(path: Path, articles: Sequence[Article], chunks: Sequence[Chunk]) -> None:
    """Write a new metadata database at ``path`` (which must not exist)."""
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    a.source,
                    a.title,
                    a.text,
                    a.url,
                    a.published.isoformat() if a.published else None,
                    a.publisher,
                    json.dumps(list(a.related_links)),
                    a.content_hash,
                    json.dumps(list(a.notes)),
                )
                for a in articles
            ),
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
            ((row, c.id, c.source, c.ordinal, c.start, c.end) for row, c in enumerate(chunks)),
        )
        db.commit()
    finally:
        db.close()


def read_metadata(path: Path) -> tuple[dict[str, Article], ChunkTable]:
    """Read the articles (by source) and the chunk table.

    Raises:
        sqlite3.DatabaseError: When the file is not a valid metadata database.
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        articles = {
            row[0]: Article(
                source=row[0],
                title=row[1],
                text=row[2],
                url=row[3],
                published=date.fromisoformat(row[4]) if row[4] else None,
                publisher=row[5],
                related_links=tuple(json.loads(row[6])),
                content_hash=row[7],
                notes=tuple(json.loads(row[8])),
            )
            for row in db.execute("SELECT * FROM articles ORDER BY source")
        }
        rows = db.execute(
            'SELECT id, source, ordinal, start, "end" FROM chunks ORDER BY row'
        ).fetchall()
    finally:
        db.close()
    table = ChunkTable(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        sources=tuple(r[1] for r in rows),
        ordinals=np.array([r[2] for r in rows], dtype=np.int32),
        starts=np.array([r[3] for r in rows], dtype=np.int32),
        ends=np.array([r[4] for r in rows], dtype=np.int32),
    )
    return articles, table
