"""The engine's writing side: ingest, remove, repair, rebuild and backup, under the write lock.

``Engine`` inherits these methods; they build a new generation beside the live one and load it
when it is complete, so answers keep coming from the old snapshot meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from retrieval.build import build_generation
from retrieval.embedding.protocol import MODEL_SHA256, Embedder
from retrieval.errors import IndexNotFoundError, RetrievalError
from retrieval.index.backup import Backup, backup_index
from retrieval.index.layout import current_generation
from retrieval.index.loader import LoadedIndex, load_index
from retrieval.index.lock import write_lock
from retrieval.ingest.load import load_articles, require_inputs
from retrieval.records import Article, IngestReport, Inventory, RepairReport, SkippedFile
from retrieval.repair import inventory, rebuild_index, repair_index
from retrieval.sources import Scope, merge_additions, merge_articles, select_articles

__all__ = ["Maintenance"]


class Maintenance:
    """Methods that change the index on disk; mixed into ``Engine``, which provides the state."""

    index_dir: Path
    ann_threshold: int
    lock_timeout: float
    _embedder: Embedder | None
    _write_lock: threading.Lock
    _snapshot: LoadedIndex | None

    @property
    def embedder(self) -> Embedder:
        """The embedder, loaded on first use (``Engine`` implements it)."""
        raise NotImplementedError

    @property
    def index(self) -> LoadedIndex:
        """The live snapshot (``Engine`` implements it)."""
        raise NotImplementedError

    def reload(self) -> None:
        """Load the live generation (``Engine`` implements it)."""
        raise NotImplementedError

    def ingest(
        self, paths: Sequence[Path], *, progress: bool = False, rebuild: bool = False
    ) -> IngestReport:
        """Add new files, replace changed ones, drop deleted ones; then switch to the result.

        Articles are told apart by the absolute path of their file, so files of the same name
        in two folders are two articles. Indexed articles from files under ``paths`` that no
        longer exist are removed (the report says so); the rest of the index is kept.

        Args:
            paths: Files or folders to read.
            progress: Show a progress bar while embedding.
            rebuild: Start from an empty index instead of the live one.

        Raises:
            IngestError: When none of ``paths`` exists.
            IndexLockedError: When another process keeps the index locked.
        """
        require_inputs(paths, str(self.index_dir))
        started = time.perf_counter()
        loaded = load_articles(list(paths))
        with self._write_lock, write_lock(self.index_dir, timeout=self.lock_timeout):
            previous = {} if rebuild else self._articles_on_disk()
            scope = Scope(roots=loaded.roots, found=loaded.found, parsed=loaded.parsed)
            merged, report = merge_articles(previous, loaded.articles, scope=scope)
            report = replace(report, skipped=loaded.skipped)
            force = rebuild or merged != previous  # an origin recorded for an old article
            return self._commit(merged, report, started, progress=progress, force=force)

    def add_articles(
        self,
        articles: Sequence[Article],
        *,
        skipped: Sequence[SkippedFile] = (),
        retire: Collection[str] = (),
        progress: bool = False,
    ) -> IngestReport:
        """Add articles built elsewhere (web pages, feed items), replacing those with their key.

        An article whose content hash equals the indexed one's is unchanged and costs nothing;
        when nothing changed no generation is written.

        Args:
            articles: The articles, keyed by ``Article.source`` (the first of a key wins).
            skipped: Inputs that gave no article, passed through to the report.
            retire: Keys to delete in the same generation (an article that moved to a new key).
            progress: Show a progress bar while embedding.

        Raises:
            IndexLockedError: When another process keeps the index locked.
            IndexCorruptError: When the index on disk fails verification.
        """
        started = time.perf_counter()
        if not articles and not retire:
            return IngestReport(skipped=tuple(skipped), seconds=time.perf_counter() - started)
        with self._write_lock, write_lock(self.index_dir, timeout=self.lock_timeout):
            merged, report = merge_additions(
                self._articles_on_disk(), articles, skipped=skipped, retire=retire
            )
            return self._commit(merged, report, started, progress=progress, force=False)

    def indexed_articles(self) -> Mapping[str, Article]:
        """The indexed articles, by source: the loaded snapshot's, else those on disk.

        Raises:
            IndexCorruptError: When the live generation on disk fails verification.
        """
        if self._snapshot is not None:  # cheap: a bot's event loop may ask
            return self._snapshot.articles
        return self._articles_on_disk()

    def remove(self, target: str) -> IngestReport:
        """Delete articles from the index: by source name, file, folder, or URL.

        Args:
            target: A source name as ``stats`` lists it, a JSON or JSON Lines file's name (all
                its records), an article's URL, or a file or folder path holding articles.

        Raises:
            KeyError: When nothing in the index matches ``target``.
        """
        started = time.perf_counter()
        with self._write_lock, write_lock(self.index_dir, timeout=self.lock_timeout):
            merged = self._articles_on_disk()
            names = select_articles(merged, target)
            if not names:
                raise KeyError(target)
            for name in names:
                del merged[name]
            report = IngestReport(removed=tuple(names))
            return self._commit(merged, report, started, progress=False, force=True)

    def repair(self, *, progress: bool = False) -> RepairReport:
        """Make a damaged index load again, keeping every article that can still be found.

        The newest generation that verifies becomes live; when it lacks articles the index
        recorded, they are rebuilt from intact copies or re-read from their files. An intact
        index is left as it is (the report's ``problem`` is then empty).

        Raises:
            IndexNotFoundError: There is no index to repair.
            IndexCorruptError: Nothing verifies and no record of the articles survived.
            IndexLockedError: When another process keeps the index locked.
        """
        with self._write_lock, write_lock(self.index_dir, timeout=self.lock_timeout):
            report = repair_index(
                self.index_dir,
                lambda: self.embedder,
                model_hash=self._embedder.model_hash if self._embedder else MODEL_SHA256,
                ann_threshold=self.ann_threshold,
                progress=progress,
            )
            self.reload()
        return report

    def rebuild(self, *, progress: bool = False) -> RepairReport | None:
        """Rebuild the index from scratch by reading every article's recorded file again.

        Articles whose file is gone keep the index's own copy. This is what
        ``newsbot ingest --rebuild`` without paths does; it needs no working generation.

        Returns:
            What was done, or None when the index records no articles.
        """
        with self._write_lock, write_lock(self.index_dir, timeout=self.lock_timeout):
            report = rebuild_index(
                self.index_dir, self.embedder, ann_threshold=self.ann_threshold, progress=progress
            )
            if report is not None:
                self.reload()
        return report

    def inventory(self, problem: str) -> Inventory:
        """What the index on disk still says it holds, for an index that fails to load."""
        return inventory(self.index_dir, problem)

    def backup(self, destination: Path) -> Backup:
        """Copy the live index to a new folder while it keeps serving (see ``backup_index``)."""
        return backup_index(self.index_dir, destination, timeout=self.lock_timeout)

    def _articles_on_disk(self) -> dict[str, Article]:
        try:
            current_generation(self.index_dir)
        except IndexNotFoundError:
            return {}
        # A corrupt index raises: rebuilding from the new files alone would silently drop
        # every other article. The message names `newsbot repair`.
        return dict(load_index(self.index_dir, model_hash=None).articles)

    def _commit(
        self,
        articles: dict[str, Article],
        report: IngestReport,
        started: float,
        *,
        progress: bool,
        force: bool,
    ) -> IngestReport:
        """Write a generation for ``articles`` if anything changed, then load it."""
        if self._has_index() and not report.changed and not force:
            if self._snapshot is None:
                self.reload()
            return replace(
                report, passages=len(self.index.chunks), seconds=time.perf_counter() - started
            )
        built = build_generation(
            self.index_dir,
            articles,
            self.embedder,
            ann_threshold=self.ann_threshold,
            progress=progress,
        )
        self.reload()
        return replace(
            report,
            passages=built.passages,
            embedded=built.embedded,
            sentences_embedded=built.sentences_embedded,
            generation=built.manifest.generation,
            seconds=time.perf_counter() - started,
        )

    def _has_index(self) -> bool:
        try:
            current_generation(self.index_dir)
        except RetrievalError:
            return False
        return True
