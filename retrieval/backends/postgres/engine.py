"""``PostgresEngine``: the Engine facade on a shared PostgreSQL database instead of files.

Questions are answered by the shared query code from per-question views
(``PostgresReading``), so every replica answers from the same committed data without a
restart. Writes go through ``Writer``: one transaction per batch, one writer at a time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Never

from retrieval.backends.postgres.cache import DatabaseCache
from retrieval.backends.postgres.connection import Database, redact
from retrieval.backends.postgres.feeds import DatabaseFeedStore
from retrieval.backends.postgres.prepare import Prepared, prepare_articles
from retrieval.backends.postgres.reading import PostgresReading
from retrieval.backends.postgres.search import ANN_THRESHOLD
from retrieval.backends.postgres.store import Writer, read_stubs
from retrieval.backends.protocol import Reading
from retrieval.embedding.protocol import MODEL_ID, Embedder
from retrieval.engine import REFRESH_SECONDS, Engine
from retrieval.errors import IndexMismatchError, IndexNotFoundError, RetrievalError
from retrieval.ingest.load import load_articles, require_inputs
from retrieval.query.followup import Turn
from retrieval.records import (
    Answer,
    Article,
    ArticleInfo,
    IndexStats,
    IngestReport,
    Inventory,
    RepairReport,
    SkippedFile,
)
from retrieval.sources import (
    Scope,
    list_articles,
    merge_additions,
    merge_articles,
    select_articles,
)
from retrieval.web.feed_records import FeedStorage

__all__ = ["PostgresEngine"]

_LOGGER = logging.getLogger(__name__)
TIDY_AFTER = 2_000
"""New passages from which a write is followed by VACUUM ANALYZE (see ``Writer.tidy``)."""


class PostgresEngine(Engine):
    """Question answering over newsbot's tables in PostgreSQL (see ``Engine``).

    ``index_dir`` still holds what is per process: the bot's saved answers and limits.
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        database_url: str,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        device: str = "auto",
        notify: Callable[[str], None] | None = None,
        ann_threshold: int = ANN_THRESHOLD,
        lock_timeout: float | None = None,
    ) -> None:
        """Connect to ``database_url`` and create or upgrade newsbot's tables.

        Raises:
            DatabaseUnavailableError: The database refused or did not answer.
        """
        super().__init__(
            index_dir,
            embedder=embedder,
            cache_dir=cache_dir,
            device=device,
            notify=notify,
            ann_threshold=ann_threshold,
            lock_timeout=lock_timeout,
        )
        self.database_url = database_url
        self.db = Database(database_url)
        self._aliases: tuple[tuple[str, str], ...] = ()
        self._vocabulary: Mapping[str, int] = MappingProxyType({})
        self._version = -1

    @classmethod
    def open(  # type: ignore[override]
        cls,
        index_dir: Path,
        *,
        database_url: str,
        seeds: Path | None = None,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        device: str = "auto",
        notify: Callable[[str], None] | None = None,
        progress: bool = False,
        ann_threshold: int = ANN_THRESHOLD,
    ) -> PostgresEngine:
        """Connect, checking the model; ingest ``seeds`` into a database never written to.

        Raises:
            DatabaseUnavailableError: The database refused or did not answer.
            IndexNotFoundError: Nothing was ever written and no ``seeds`` were given.
            IndexMismatchError: The vectors were made with another model.
        """
        engine = cls(
            index_dir,
            database_url=database_url,
            embedder=embedder,
            cache_dir=cache_dir,
            device=device,
            notify=notify,
            ann_threshold=ann_threshold,
        )
        try:
            engine.reload()
        except IndexNotFoundError:
            if seeds is None:
                engine.close()
                raise
            if notify is not None:
                notify(f"no articles in {redact(database_url)} yet; ingesting {seeds} first.")
            engine.ingest([seeds], progress=progress)
        return engine

    @property
    def backend(self) -> str:
        """``postgres``."""
        return "postgres"

    @property
    def location(self) -> str:
        """The database URL without its password."""
        return redact(self.database_url)

    def close(self) -> None:
        """Close the database connections."""
        self.db.close()

    def open_feed_store(self) -> FeedStorage:
        """The feed tables of the database."""
        return DatabaseFeedStore(self.db)

    # -- state -------------------------------------------------------------------------------

    @property
    def index(self) -> Never:
        """There is no in-memory index with PostgreSQL."""
        raise RetrievalError("A PostgreSQL-backed engine has no in-memory index.")

    def reload(self) -> None:
        """Check the database was written with this model, and read its aliases and vocabulary.

        Raises:
            IndexNotFoundError: Nothing was ever written to it.
            IndexMismatchError: Its vectors come from other model weights.
        """
        with self.db.connection() as conn:
            row = conn.execute("SELECT data_version, model_hash FROM corpus").fetchone()
            version, model_hash = (int(row[0]), row[1]) if row else (0, None)
            if version == 0:
                raise IndexNotFoundError(
                    f"No articles in {redact(self.database_url)} yet. Add some with `newsbot "
                    "ingest`, or copy an embedded index with `newsbot migrate`."
                )
            expected = self._embedder.model_hash if self._embedder else None
            if expected and model_hash and model_hash != expected:
                raise IndexMismatchError(
                    f"The articles in {redact(self.database_url)} were embedded with other model "
                    "weights; re-ingest them with this model."
                )
            self._aliases = tuple(
                (str(a), str(b))
                for a, b in conn.execute("SELECT name, alias FROM aliases ORDER BY name, alias")
            )
            # One mapping per data version: spelling correction builds its lookup structures
            # once for it (seconds at the BBC size), not for every question.
            self._vocabulary = MappingProxyType(
                {str(w): int(n) for w, n in conn.execute("SELECT word, count FROM vocabulary")}
            )
        self._version = version
        self._checked_at = time.monotonic()

    def refresh(self, *, max_age: float = 0.0) -> bool:
        """Re-read aliases and vocabulary when another replica changed the data.

        Returns:
            True when the data version changed.
        """
        if time.monotonic() - self._checked_at < max_age:
            return False
        self._checked_at = time.monotonic()
        with self.db.connection() as conn:
            row = conn.execute("SELECT data_version FROM corpus").fetchone()
        if row is None or int(row[0]) == self._version:
            return False
        try:
            self.reload()
        except IndexNotFoundError:
            return False
        return True

    def verify(self, *, checksums: bool = False) -> None:
        """Check the database answers now (``/healthz``).

        Raises:
            DatabaseUnavailableError: When it does not.
        """
        self.db.ping()

    # -- questions ---------------------------------------------------------------------------

    def answer(self, question: str, *, top_k: int = 5, previous: Sequence[Turn] = ()) -> Answer:
        """As ``Engine.answer``; a question that loses its connection is asked again, a few
        times over several seconds, so a database restart delays answers instead of failing.

        Raises:
            DatabaseUnavailableError: The database stayed unreachable.
        """
        return self.db.retrying(
            lambda: Engine.answer(self, question, top_k=top_k, previous=previous)
        )

    @contextmanager
    def _reading(self) -> Iterator[Reading]:
        self.refresh(max_age=REFRESH_SECONDS)
        with self.db.connection() as conn:
            yield PostgresReading(
                conn,
                aliases=self._aliases,
                vocabulary=self._vocabulary,
                ann_threshold=self.ann_threshold,
            )
            conn.rollback()  # read-only: nothing to commit

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first (undated last, then by title)."""
        with self.db.connection() as conn:
            stubs = read_stubs(conn)
            counts = dict(
                conn.execute(
                    "SELECT a.source, count(p.id) FROM articles a"
                    " LEFT JOIN passages p ON p.article_id = a.id GROUP BY a.source"
                ).fetchall()
            )
        return list_articles(stubs, counts)

    def stats(self) -> IndexStats:
        """Size and provenance of the articles in the database."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM articles), c.passages, c.data_version, c.model_id,"
                " c.updated_at, (SELECT max(published) FROM articles),"
                " (SELECT min(published) FROM articles) FROM corpus c"
            ).fetchone()
        if row is None:  # pragma: no cover - the migration inserts the row
            raise IndexNotFoundError(f"No corpus row in {redact(self.database_url)}.")
        return IndexStats(
            articles=int(row[0]),
            passages=int(row[1]),
            newest=row[5],
            oldest=row[6],
            generation=f"data version {row[2]}",
            model=row[3] or MODEL_ID,
            index_kind="exact" if int(row[1]) < self.ann_threshold else "hnsw",
            built_at=row[4] or datetime.now(UTC),
            index_dir=self.index_dir,
            backend="postgres",
            location=redact(self.database_url),
        )

    # -- writing -----------------------------------------------------------------------------

    def indexed_articles(self) -> Mapping[str, Article]:
        """The indexed articles, without their texts."""
        with self.db.connection() as conn:
            return read_stubs(conn)

    def ingest(
        self, paths: Sequence[Path], *, progress: bool = False, rebuild: bool = False
    ) -> IngestReport:
        """As ``Engine.ingest``, in one transaction."""
        require_inputs(paths, redact(self.database_url))
        started = time.perf_counter()
        loaded = load_articles(list(paths))
        with self._write_lock, Writer.locked(self.db, timeout=self.lock_timeout) as writer:
            stored = writer.stubs()
            scope = Scope(roots=loaded.roots, found=loaded.found, parsed=loaded.parsed)
            merged, report = merge_articles(
                {} if rebuild else stored, loaded.articles, scope=scope
            )
            report = replace(report, skipped=loaded.skipped)
            if rebuild:
                report = replace(report, removed=tuple(sorted(set(stored) - set(merged))))
            return self._write(
                writer, stored, merged, report, started, progress=progress, rebuild=rebuild
            )

    def add_articles(
        self,
        articles: Sequence[Article],
        *,
        skipped: Sequence[SkippedFile] = (),
        retire: Collection[str] = (),
        progress: bool = False,
    ) -> IngestReport:
        """As ``Engine.add_articles``, in one transaction."""
        started = time.perf_counter()
        if not articles and not retire:
            return IngestReport(skipped=tuple(skipped), seconds=time.perf_counter() - started)
        with self._write_lock, Writer.locked(self.db, timeout=self.lock_timeout) as writer:
            stored = writer.stubs()
            merged, report = merge_additions(stored, articles, skipped=skipped, retire=retire)
            return self._write(
                writer, stored, merged, report, started, progress=progress, rebuild=False
            )

    def remove(self, target: str) -> IngestReport:
        """As ``Engine.remove``, in one transaction."""
        started = time.perf_counter()
        with self._write_lock, Writer.locked(self.db, timeout=self.lock_timeout) as writer:
            stored = writer.stubs()
            names = select_articles(stored, target)
            if not names:
                raise KeyError(target)
            merged = {k: v for k, v in stored.items() if k not in names}
            report = IngestReport(removed=tuple(names))
            return self._write(
                writer, stored, merged, report, started, progress=False, rebuild=False
            )

    def _write(
        self,
        writer: Writer,
        stored: Mapping[str, Article],
        merged: Mapping[str, Article],
        report: IngestReport,
        started: float,
        *,
        progress: bool,
        rebuild: bool,
    ) -> IngestReport:
        """Write what differs between ``stored`` and ``merged`` in one transaction."""
        write = [
            a
            for name, a in merged.items()
            if rebuild or name not in stored or a.content_hash != stored[name].content_hash
        ]
        origins = {
            name: a.origin
            for name, a in merged.items()
            if name in stored and a not in write and a.origin != stored[name].origin
        }
        delete = [name for name in stored if name not in merged]
        prepared: list[Prepared] = []
        embedded = sentences_embedded = 0
        generation = ""
        if write or origins or delete:
            embedder = self.embedder
            cache = DatabaseCache(
                self.db, model_hash=embedder.model_hash, dimension=embedder.dimension
            )
            prepared, embedded, sentences_embedded = prepare_articles(
                write, embedder, cache, progress=progress
            )
            model = (getattr(embedder, "model_id", MODEL_ID), embedder.model_hash)
            version = writer.apply(write=prepared, delete=delete, origins=origins, model=model)
            generation = f"data version {version}"
            if sum(len(p.chunks) for p in prepared) >= TIDY_AFTER:
                writer.tidy()
            self.reload()
        row = writer.conn.execute("SELECT passages FROM corpus").fetchone()
        return replace(
            report,
            passages=int(row[0]) if row else 0,
            embedded=embedded,
            sentences_embedded=sentences_embedded,
            generation=generation,
            seconds=time.perf_counter() - started,
        )

    # -- what only an embedded index has -----------------------------------------------------

    def _embedded_only(self, what: str) -> RetrievalError:
        return RetrievalError(
            f"`newsbot {what}` is for the embedded index; with PostgreSQL every write is a "
            "transaction, so there is nothing to repair, and backups are the database's own "
            "(pg_dump, or your provider's snapshots)."
        )

    def repair(self, *, progress: bool = False) -> RepairReport:
        """Not for a database (see ``_embedded_only``)."""
        raise self._embedded_only("repair")

    def rebuild(self, *, progress: bool = False) -> RepairReport | None:
        """Not for a database: ``ingest --rebuild PATH`` re-reads files instead."""
        raise self._embedded_only("ingest --rebuild without paths")

    def backup(self, destination: Path) -> Never:
        """Not for a database: use pg_dump."""
        raise self._embedded_only("backup")

    def inventory(self, problem: str) -> Inventory:
        """Not for a database."""
        raise self._embedded_only("stats on a damaged index")
