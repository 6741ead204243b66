"""Writing to PostgreSQL: one transaction per batch of articles, one writer at a time.

A writer holds a session advisory lock (released by the server if the process dies), reads
the indexed articles, embeds outside any transaction, then replaces, adds and deletes
articles in one transaction that also keeps the BM25 statistics, vocabulary and aliases
counts and bumps the data version. A reader sees the batch whole or not at all; a killed
writer leaves the last committed state. ``articles.source`` is unique, so two writers can
never index the same article twice.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from retrieval.backends.postgres.connection import Database
from retrieval.backends.postgres.prepare import Prepared
from retrieval.backends.postgres.schema import WRITE_LOCK
from retrieval.errors import IndexLockedError
from retrieval.ingest.aliases import acronym_pairs
from retrieval.records import Article
from retrieval.text.vocabulary import count_words

__all__ = ["Writer", "read_stubs"]

_STUB_COLUMNS = "source, title, url, published, publisher, content_hash, origin, byline"


def read_stubs(conn: psycopg.Connection[Any]) -> dict[str, Article]:
    """Every indexed article without its text (enough to merge, select and list them)."""
    rows = conn.execute(f"SELECT {_STUB_COLUMNS} FROM articles ORDER BY source").fetchall()  # noqa: S608
    return {
        row[0]: Article(
            source=row[0],
            title=row[1],
            text="",
            url=row[2],
            published=row[3],
            publisher=row[4],
            content_hash=row[5],
            origin=row[6],
            byline=row[7],
        )
        for row in rows
    }


class Writer:
    """The single writer of one database, while its lock is held (see :meth:`locked`)."""

    def __init__(self, conn: psycopg.Connection[Any], vector_oid: int) -> None:
        self.conn = conn
        self._vector_oid = vector_oid

    @classmethod
    @contextmanager
    def locked(cls, db: Database, *, timeout: float) -> Iterator[Writer]:
        """Wait up to ``timeout`` seconds for the write lock; hold it for the block.

        Raises:
            IndexLockedError: Another writer kept it longer.
        """
        with db.connection() as conn:
            conn.commit()
            conn.autocommit = True
            try:
                deadline = time.monotonic() + timeout
                while not conn.execute(
                    "SELECT pg_try_advisory_lock(%s)", (WRITE_LOCK,)
                ).fetchone()[0]:  # type: ignore[index]
                    if time.monotonic() >= deadline:
                        raise IndexLockedError(
                            "Another newsbot process is writing to the database (an ingest, "
                            "add or refresh); try again when it has finished."
                        )
                    time.sleep(0.2)
                try:
                    yield cls(conn, db.vector_oid)
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
            finally:
                conn.autocommit = False

    def tidy(self) -> None:
        """VACUUM and ANALYZE the index tables after a large write.

        BM25 reads ``postings`` by index-only scans, which need the visibility map that only
        VACUUM sets, and the planner needs fresh statistics: after 100,000 new passages a
        question took 63 ms before and 24 ms after. Autovacuum gets there too, later.
        """
        self.conn.execute("VACUUM (ANALYZE) articles, passages, postings, terms, vocabulary")

    def stubs(self) -> dict[str, Article]:
        """The indexed articles, without their texts."""
        return read_stubs(self.conn)

    def apply(
        self,
        *,
        write: Sequence[Prepared] = (),
        delete: Sequence[str] = (),
        origins: Mapping[str, str | None] | None = None,
        model: tuple[str, str] | None = None,
    ) -> int:
        """Delete, (re)write and re-origin articles in one transaction; returns the data version.

        Args:
            write: Articles to add; one with an indexed source replaces it.
            delete: Sources to delete.
            origins: New origins of unchanged articles, by source.
            model: ``(model_id, model_hash)`` the vectors were made with.
        """
        conn = self.conn
        with conn.transaction():
            gone = [*delete, *(p.article.source for p in write)]
            if gone:
                self._delete(gone)
            for prepared in write:
                self._insert(prepared)
            for source, origin in (origins or {}).items():
                conn.execute("UPDATE articles SET origin = %s WHERE source = %s", (origin, source))
            if model is not None:
                conn.execute("UPDATE corpus SET model_id = %s, model_hash = %s", model)
            row = conn.execute(
                "UPDATE corpus SET data_version = data_version + 1, updated_at = now()"
                " RETURNING data_version"
            ).fetchone()
        return int(row[0]) if row else 0

    def _delete(self, sources: Sequence[str]) -> None:
        conn = self.conn
        rows = conn.execute(
            "SELECT id, title, text FROM articles WHERE source = ANY(%s)", (list(sources),)
        ).fetchall()
        if not rows:
            return
        ids = [r[0] for r in rows]
        conn.execute(
            "UPDATE corpus SET passages = passages - s.n, total_length = total_length - s.total"
            " FROM (SELECT count(*) AS n, coalesce(sum(length), 0) AS total FROM passages"
            " WHERE article_id = ANY(%s)) AS s",
            (ids,),
        )
        terms = conn.execute(
            "SELECT term, count(*) FROM postings WHERE passage_id IN"
            " (SELECT id FROM passages WHERE article_id = ANY(%s)) GROUP BY term ORDER BY term",
            (ids,),
        ).fetchall()
        self._count("terms", "term", "df", {t: -n for t, n in terms})
        conn.execute(
            "DELETE FROM postings WHERE passage_id IN"
            " (SELECT id FROM passages WHERE article_id = ANY(%s))",
            (ids,),
        )
        conn.execute("DELETE FROM articles WHERE id = ANY(%s)", (ids,))
        stubs = [Article(source="", title=r[1], text=r[2]) for r in rows]
        self._count("vocabulary", "word", "count", {w: -n for w, n in count_words(stubs).items()})
        pairs: Counter[tuple[str, str]] = Counter()
        for stub in stubs:
            pairs.update(set(acronym_pairs(stub.text)))
        self._count_aliases({p: -n for p, n in pairs.items()})

    def _insert(self, prepared: Prepared) -> None:
        conn = self.conn
        a = prepared.article
        row = conn.execute(
            "INSERT INTO articles (source, title, text, url, published, publisher,"
            " related_links, content_hash, notes, origin, byline, sentence_starts,"
            " sentence_ends, sentence_quotable, sentence_vectors)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (
                a.source,
                a.title,
                a.text,
                a.url,
                a.published,
                a.publisher,
                list(a.related_links),
                a.content_hash,
                list(a.notes),
                a.origin,
                a.byline,
                [s for s, _ in prepared.spans],
                [e for _, e in prepared.spans],
                list(prepared.quotable),
                prepared.sentence_vectors.astype("<f2").tobytes(),
            ),
        ).fetchone()
        article_id = int(row[0]) if row else 0
        with conn.cursor().copy(
            "COPY passages (id, article_id, ordinal, start_offset, end_offset, first_sentence,"
            " last_sentence, length, embedding) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int8", "int8", "int4", "int4", "int4", "int4", "int4", "int4",
                            self._vector_oid])  # fmt: skip
            for chunk, vector, length in zip(
                prepared.chunks, prepared.vectors, prepared.lengths, strict=True
            ):
                copy.write_row(
                    (chunk.id, article_id, chunk.ordinal, chunk.start, chunk.end,
                     chunk.first_sentence, chunk.last_sentence, length, vector)
                )  # fmt: skip
        with conn.cursor().copy(
            "COPY postings (term, passage_id, tf, length) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["text", "int8", "int4", "int4"])
            for chunk, counts, length in zip(
                prepared.chunks, prepared.postings, prepared.lengths, strict=True
            ):
                for term, tf in counts.items():
                    copy.write_row((term, chunk.id, tf, length))
        df: Counter[str] = Counter()
        for counts in prepared.postings:
            df.update(counts.keys())
        self._count("terms", "term", "df", dict(df))
        conn.execute(
            "UPDATE corpus SET passages = passages + %s, total_length = total_length + %s",
            (len(prepared.chunks), sum(prepared.lengths)),
        )
        self._count("vocabulary", "word", "count", dict(count_words([a])))
        self._count_aliases(dict.fromkeys(set(acronym_pairs(a.text)), 1))

    def _count(self, table: str, key: str, column: str, changes: Mapping[str, int]) -> None:
        """Add ``changes`` to the counts in ``table``; counts that reach 0 are deleted."""
        if not changes:
            return
        keys = sorted(changes)  # one order for every writer
        self.conn.execute(
            f"INSERT INTO {table} ({key}, {column}) SELECT * FROM unnest(%s::text[], %s::bigint[])"  # noqa: S608
            f" ON CONFLICT ({key}) DO UPDATE SET {column} = {table}.{column} + EXCLUDED.{column}",
            (keys, [changes[k] for k in keys]),
        )
        lowered = [k for k in keys if changes[k] < 0]
        if lowered:
            self.conn.execute(
                f"DELETE FROM {table} WHERE {key} = ANY(%s) AND {column} <= 0",  # noqa: S608
                (lowered,),
            )

    def _count_aliases(self, changes: Mapping[tuple[str, str], int]) -> None:
        if not changes:
            return
        keys = sorted(changes)
        self.conn.execute(
            "INSERT INTO aliases (name, alias, articles)"
            " SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[])"
            " ON CONFLICT (name, alias)"
            " DO UPDATE SET articles = aliases.articles + EXCLUDED.articles",
            ([k[0] for k in keys], [k[1] for k in keys], [changes[k] for k in keys]),
        )
        self.conn.execute("DELETE FROM aliases WHERE articles <= 0")
