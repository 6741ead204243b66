"""The followed feeds and what was fetched from them, in PostgreSQL beside the index tables.

The same three tables and semantics as ``feeds.sqlite`` (``retrieval.web.feed_store``):
``feeds``, ``feed_items`` and ``pages``; a poll's outcome is saved in one transaction, after
the articles it found are committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg

from retrieval.backends.postgres.connection import Database
from retrieval.web.feed_records import (
    FeedLookups,
    FeedRecord,
    ItemRecord,
    PageRecord,
    PollUpdate,
)

__all__ = ["DatabaseFeedStore"]

_FEEDS = (
    "SELECT f.id, f.url, f.title, f.every_s, f.added_at, f.last_poll, f.failures,"
    " f.retry_after, f.etag, f.last_modified,"
    " (SELECT count(*) FROM feed_items i WHERE i.feed_id = f.id), f.last_error, f.disabled"
    " FROM feeds f WHERE (%(url)s::text IS NULL OR f.url = %(url)s)"
    " AND (%(id)s::bigint IS NULL OR f.id = %(id)s) ORDER BY f.id"
)


class DatabaseFeedStore(FeedLookups):
    """A ``FeedStorage`` in the database every replica shares."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def close(self) -> None:
        """Nothing to release: the engine owns the connections."""

    def add(self, url: str, *, every: timedelta, now: datetime) -> tuple[FeedRecord, bool]:
        """Follow ``url`` every ``every``; a feed already followed gets the new interval."""
        with self.db.connection() as conn:
            created = (
                conn.execute(
                    "INSERT INTO feeds (url, every_s, added_at) VALUES (%s, %s, %s)"
                    " ON CONFLICT (url) DO NOTHING",
                    (url, every.total_seconds(), now.timestamp()),
                ).rowcount
                == 1
            )
            if not created:
                conn.execute(
                    "UPDATE feeds SET every_s = %s, disabled = NULL WHERE url = %s",
                    (every.total_seconds(), url),
                )
        record = self.feed(url)
        if record is None:  # pragma: no cover - just written
            raise RuntimeError(f"{url} vanished from the database")
        return record, created

    def remove(self, url: str) -> bool:
        """Stop following ``url``; False when it was not followed."""
        with self.db.connection() as conn:
            return conn.execute("DELETE FROM feeds WHERE url = %s", (url,)).rowcount == 1

    def items(self, feed_id: int) -> dict[str, ItemRecord]:
        """The items a feed listed before, by link."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT link, fingerprint, source FROM feed_items WHERE feed_id = %s", (feed_id,)
            ).fetchall()
        return {row[0]: ItemRecord(row[0], row[1], row[2]) for row in rows}

    def page(self, url: str) -> PageRecord | None:
        """What was fetched from ``url`` before, or None."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT url, source, etag, last_modified, content_hash FROM pages WHERE url = %s",
                (url,),
            ).fetchone()
        return PageRecord(*row) if row else None

    def save(self, polls: Sequence[PollUpdate] = (), pages: Sequence[PageRecord] = ()) -> None:
        """Record polls and fetched pages in one transaction (after their articles are indexed)."""
        with self.db.connection() as conn:
            for page in pages:
                conn.execute(
                    "INSERT INTO pages VALUES (%s, %s, %s, %s, %s) ON CONFLICT (url) DO UPDATE"
                    " SET source = EXCLUDED.source, etag = EXCLUDED.etag,"
                    " last_modified = EXCLUDED.last_modified,"
                    " content_hash = EXCLUDED.content_hash",
                    (page.url, page.source, page.etag, page.last_modified, page.content_hash),
                )
            for poll in polls:
                _save_poll(conn, poll)

    def _feeds(self, *, url: str | None = None, feed_id: int | None = None) -> list[FeedRecord]:
        with self.db.connection() as conn:
            rows = conn.execute(_FEEDS, {"url": url, "id": feed_id}).fetchall()
        return [FeedRecord.from_row(row) for row in rows]


def _save_poll(conn: psycopg.Connection[Any], poll: PollUpdate) -> None:
    conn.execute(
        "UPDATE feeds SET last_poll = %s, failures = %s, retry_after = %s, last_error = %s,"
        " disabled = %s, title = COALESCE(%s, title),"
        " etag = CASE WHEN %s THEN etag ELSE %s END,"
        " last_modified = CASE WHEN %s THEN last_modified ELSE %s END WHERE id = %s",
        poll.feed_columns(),
    )
    row = conn.execute("SELECT url FROM feeds WHERE id = %s", (poll.feed_id,)).fetchone()
    if row is not None and poll.url != row[0]:
        taken = conn.execute("SELECT id FROM feeds WHERE url = %s", (poll.url,)).fetchone()
        if taken is None:
            conn.execute("UPDATE feeds SET url = %s WHERE id = %s", (poll.url, poll.feed_id))
        else:  # the feed moved to one already followed: keep that one
            conn.execute("DELETE FROM feeds WHERE id = %s", (poll.feed_id,))
            return
    if row is None:
        return
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO feed_items VALUES (%s, %s, %s, %s) ON CONFLICT (feed_id, link)"
            " DO UPDATE SET fingerprint = EXCLUDED.fingerprint, source = EXCLUDED.source",
            [(poll.feed_id, i.link, i.fingerprint, i.source) for i in poll.items],
        )
