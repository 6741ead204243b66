"""The followed feeds and what was fetched from them: ``feeds.sqlite`` beside the index.

Three tables: ``feeds`` (URL, title, interval, polling state, validators, last error, disabled),
``items`` (every link each feed listed, with a fingerprint of the item and the article key it
became) and ``pages`` (per fetched page URL: the article key, ETag, Last-Modified and content
hash, for conditional GETs). A poll's outcome is saved in one transaction, and only after the
articles it found are in the index, so a crash never marks anything seen that was not indexed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self

from retrieval.web.feed_records import FeedLookups, FeedRecord, ItemRecord, PageRecord, PollUpdate

__all__ = ["FEEDS_FILE", "FeedRecord", "FeedStore", "ItemRecord", "PageRecord", "PollUpdate"]

FEEDS_FILE = "feeds.sqlite"
_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    every_s REAL NOT NULL,
    added_at REAL NOT NULL,
    last_poll REAL,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_after REAL,
    etag TEXT,
    last_modified TEXT,
    last_error TEXT,
    disabled TEXT
);
CREATE TABLE IF NOT EXISTS items (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    link TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    source TEXT,
    PRIMARY KEY (feed_id, link)
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT NOT NULL
);
"""


class FeedStore(FeedLookups):
    """The feed list and fetch validators in one SQLite file; thread-safe."""

    def __init__(self, path: Path) -> None:
        """Open (creating when missing) the store at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30.0, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA synchronous=FULL")
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    @classmethod
    def beside(cls, index_dir: Path) -> FeedStore:
        """The store of the index in ``index_dir``."""
        return cls(index_dir / FEEDS_FILE)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- feeds -------------------------------------------------------------------------------

    def add(self, url: str, *, every: timedelta, now: datetime) -> tuple[FeedRecord, bool]:
        """Follow ``url`` every ``every``; a feed already followed gets the new interval.

        Returns:
            The feed, and True when it is new.
        """
        with self._transaction() as db:
            created = (
                db.execute(
                    "INSERT OR IGNORE INTO feeds (url, every_s, added_at) VALUES (?, ?, ?)",
                    (url, every.total_seconds(), now.timestamp()),
                ).rowcount
                == 1
            )
            if not created:
                db.execute(
                    "UPDATE feeds SET every_s = ?, disabled = NULL WHERE url = ?",
                    (every.total_seconds(), url),
                )
        record = self.feed(url)
        if record is None:  # pragma: no cover - just written
            raise RuntimeError(f"{url} vanished from {self.path}")
        return record, created

    def remove(self, url: str) -> bool:
        """Stop following ``url``; False when it was not followed."""
        with self._transaction() as db:
            return db.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount == 1

    def items(self, feed_id: int) -> dict[str, ItemRecord]:
        """The items a feed listed before, by link."""
        with self._lock:
            rows = self._db.execute(
                "SELECT link, fingerprint, source FROM items WHERE feed_id = ?", (feed_id,)
            ).fetchall()
        return {row[0]: ItemRecord(row[0], row[1], row[2]) for row in rows}

    # -- pages -------------------------------------------------------------------------------

    def page(self, url: str) -> PageRecord | None:
        """What was fetched from ``url`` before, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT url, source, etag, last_modified, content_hash FROM pages WHERE url = ?",
                (url,),
            ).fetchone()
        return PageRecord(*row) if row else None

    # -- saving ------------------------------------------------------------------------------

    def save(self, polls: Sequence[PollUpdate] = (), pages: Sequence[PageRecord] = ()) -> None:
        """Record polls and fetched pages in one transaction (after their articles are indexed)."""
        with self._transaction() as db:
            for page in pages:
                db.execute(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                    (page.url, page.source, page.etag, page.last_modified, page.content_hash),
                )
            for poll in polls:
                self._save_poll(db, poll)

    def _save_poll(self, db: sqlite3.Connection, poll: PollUpdate) -> None:
        db.execute(
            "UPDATE feeds SET last_poll = ?, failures = ?, retry_after = ?, last_error = ?, "
            "disabled = ?, title = COALESCE(?, title), "
            "etag = CASE WHEN ? THEN etag ELSE ? END, "
            "last_modified = CASE WHEN ? THEN last_modified ELSE ? END WHERE id = ?",
            poll.feed_columns(),
        )
        if poll.url != self._url_of(db, poll.feed_id):
            taken = db.execute("SELECT id FROM feeds WHERE url = ?", (poll.url,)).fetchone()
            if taken is None:
                db.execute("UPDATE feeds SET url = ? WHERE id = ?", (poll.url, poll.feed_id))
            else:  # the feed moved to one already followed: keep that one
                db.execute("DELETE FROM feeds WHERE id = ?", (poll.feed_id,))
                return
        db.executemany(
            "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?)",
            [(poll.feed_id, i.link, i.fingerprint, i.source) for i in poll.items],
        )

    @staticmethod
    def _url_of(db: sqlite3.Connection, feed_id: int) -> str | None:
        row = db.execute("SELECT url FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return str(row[0]) if row else None

    def _feeds(self, *, url: str | None = None, feed_id: int | None = None) -> list[FeedRecord]:
        query = (
            "SELECT f.id, f.url, f.title, f.every_s, f.added_at, f.last_poll, f.failures, "
            "f.retry_after, f.etag, f.last_modified, "
            "(SELECT COUNT(*) FROM items i WHERE i.feed_id = f.id), f.last_error, f.disabled "
            "FROM feeds f WHERE (?1 IS NULL OR f.url = ?1) AND (?2 IS NULL OR f.id = ?2) "
            "ORDER BY f.id"
        )
        args = (url, feed_id)
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [FeedRecord.from_row(row) for row in rows]

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db
