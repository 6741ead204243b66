"""Article, passage and sentence metadata in SQLite: the rows behind every FAISS id and vector."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.chunking import Chunk
from retrieval.records import Article

_SCHEMA = """
CREATE TABLE articles (
    source TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, url TEXT,
    published TEXT, publisher TEXT, related_links TEXT NOT NULL, content_hash TEXT NOT NULL,
    notes TEXT NOT NULL, origin TEXT, byline TEXT
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY, id INTEGER NOT NULL UNIQUE, source TEXT NOT NULL
        REFERENCES articles(source), ordinal INTEGER NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, first_sentence INTEGER NOT NULL, last_sentence INTEGER NOT NULL
);
CREATE TABLE sentences (
    row INTEGER PRIMARY KEY, source TEXT NOT NULL REFERENCES articles(source),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, quotable INTEGER NOT NULL
);
CREATE TABLE vocabulary (word TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE aliases (
    name TEXT NOT NULL, alias TEXT NOT NULL, PRIMARY KEY (name, alias)
) WITHOUT ROWID;
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
        first_sentences: Row in the sentence table of each chunk's first sentence.
        last_sentences: Row just past each chunk's last sentence.
    """

    ids: npt.NDArray[np.int64]
    sources: tuple[str, ...]
    ordinals: npt.NDArray[np.int32]
    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]
    first_sentences: npt.NDArray[np.int64]
    last_sentences: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True)
class SentenceTable:
    """Every sentence of every article as columns; row ``i`` is sentence vector ``i``.

    Attributes:
        sources: Article source of each sentence.
        starts: Start offset in the article's text.
        ends: End offset in the article's text.
        quotable: False for captions, credits and headings, which never become key sentences.
    """

    sources: tuple[str, ...]
    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]
    quotable: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.starts)


@dataclass(frozen=True, slots=True)
class Metadata:
    """Everything in a generation's SQLite file."""

    articles: dict[str, Article]
    chunks: ChunkTable
    sentences: SentenceTable
    vocabulary: dict[str, int]
    aliases: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class SentenceRow:
    """One sentence to write: its article, offsets and whether it may be quoted."""

    source: str
    start: int
    end: int
    quotable: bool


def write_metadata(
    path: Path,
    articles: Sequence[Article],
    chunks: Sequence[Chunk],
    sentences: Sequence[SentenceRow],
    *,
    vocabulary: Iterable[tuple[str, int]] = (),
    aliases: Iterable[tuple[str, str]] = (),
) -> None:
    """Write a new metadata database at ``path`` (which must not exist).

    Chunks' sentence indices are per article; they are stored as rows of ``sentences``, which
    must list each article's sentences in order, articles in the order of ``articles``.
    """
    first_row: dict[str, int] = {}
    for row, sentence in enumerate(sentences):
        first_row.setdefault(sentence.source, row)
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    a.origin,
                    a.byline,
                )
                for a in articles
            ),
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    row,
                    c.id,
                    c.source,
                    c.ordinal,
                    c.start,
                    c.end,
                    first_row.get(c.source, 0) + c.first_sentence,
                    first_row.get(c.source, 0) + c.last_sentence,
                )
                for row, c in enumerate(chunks)
            ),
        )
        db.executemany(
            "INSERT INTO sentences VALUES (?, ?, ?, ?, ?)",
            ((row, s.source, s.start, s.end, int(s.quotable)) for row, s in enumerate(sentences)),
        )
        db.executemany("INSERT INTO vocabulary VALUES (?, ?)", vocabulary)
        db.executemany("INSERT OR IGNORE INTO aliases VALUES (?, ?)", aliases)
        db.commit()
    finally:
        db.close()


def read_metadata(path: Path) -> Metadata:
    """Read everything a generation's SQLite file holds.

    Raises:
        sqlite3.DatabaseError: When the file is not a valid metadata database.
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        articles = {
            row[0]: _article(row) for row in db.execute("SELECT * FROM articles ORDER BY source")
        }
        chunk_rows = db.execute(
            'SELECT id, source, ordinal, start, "end", first_sentence, last_sentence '
            "FROM chunks ORDER BY row"
        ).fetchall()
        sentence_rows = db.execute(
            'SELECT source, start, "end", quotable FROM sentences ORDER BY row'
        ).fetchall()
        vocabulary = dict(db.execute("SELECT word, count FROM vocabulary"))
        aliases = tuple(db.execute("SELECT name, alias FROM aliases ORDER BY name, alias"))
    finally:
        db.close()
    chunks = ChunkTable(
        ids=np.array([r[0] for r in chunk_rows], dtype=np.int64),
        sources=tuple(r[1] for r in chunk_rows),
        ordinals=np.array([r[2] for r in chunk_rows], dtype=np.int32),
        starts=np.array([r[3] for r in chunk_rows], dtype=np.int32),
        ends=np.array([r[4] for r in chunk_rows], dtype=np.int32),
        first_sentences=np.array([r[5] for r in chunk_rows], dtype=np.int64),
        last_sentences=np.array([r[6] for r in chunk_rows], dtype=np.int64),
    )
    sentences = SentenceTable(
        sources=tuple(r[0] for r in sentence_rows),
        starts=np.array([r[1] for r in sentence_rows], dtype=np.int32),
        ends=np.array([r[2] for r in sentence_rows], dtype=np.int32),
        quotable=np.array([bool(r[3]) for r in sentence_rows], dtype=np.bool_),
    )
    return Metadata(
        articles=articles,
        chunks=chunks,
        sentences=sentences,
        vocabulary=vocabulary,
        aliases=tuple((str(a), str(b)) for a, b in aliases),
    )


def read_articles(path: Path) -> tuple[dict[str, Article], dict[str, int]]:
    """Read only the articles (and passages per article) of a possibly damaged database.

    A repair uses it on generations that fail verification, so the file is integrity-checked
    first: a page that SQLite cannot vouch for must not become an article.

    Raises:
        sqlite3.DatabaseError: When the file is not an intact metadata database.
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = db.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise sqlite3.DatabaseError(f"integrity check failed: {check[0][0]}")
        articles = {
            row[0]: _article(row) for row in db.execute("SELECT * FROM articles ORDER BY source")
        }
        passages = dict(db.execute("SELECT source, COUNT(*) FROM chunks GROUP BY source"))
    except (ValueError, TypeError, IndexError) as exc:
        raise sqlite3.DatabaseError(f"unreadable article row: {exc}") from exc
    finally:
        db.close()
    return articles, {str(k): int(v) for k, v in passages.items()}


def _article(row: Sequence[Any]) -> Article:
    return Article(
        source=row[0],
        title=row[1],
        text=row[2],
        url=row[3],
        published=date.fromisoformat(row[4]) if row[4] else None,
        publisher=row[5],
        related_links=tuple(json.loads(row[6])),
        content_hash=row[7],
        notes=tuple(json.loads(row[8])),
        origin=row[9],
        byline=row[10],
    )
