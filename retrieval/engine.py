"""The Engine: one object that builds, loads, searches and hot-swaps the news index.

It is the only stateful piece of the public API. Searches read an immutable snapshot of the
live generation, so an ingest running in another thread never disturbs them: the new
generation replaces the snapshot in one assignment when it is complete.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np

from retrieval.answer import compose_answer
from retrieval.answer_types import Answer
from retrieval.article import Article
from retrieval.bounded_cache import BoundedCache
from retrieval.chunking import Chunk, split_article
from retrieval.dates import parse_time_intent
from retrieval.default_embedder import load_default_embedder
from retrieval.embed import MODEL_ID, MODEL_SHA256, Embedder, Vectors
from retrieval.embedding_cache import EmbeddingCache, embed_with_cache
from retrieval.errors import IndexNotFoundError, IngestError, RetrievalError
from retrieval.index import (
    LoadedIndex,
    current_generation,
    embedding_text,
    load_index,
    read_manifest,
    verify_files,
    verify_live,
    write_generation,
    write_lock,
)
from retrieval.ingest import SkippedFile, load_articles
from retrieval.questions import clean_question
from retrieval.search import hybrid_search
from retrieval.vectors import ANN_THRESHOLD

logger = logging.getLogger(__name__)

SENTENCE_CACHE_SIZE = 20_000
# How often answer() looks for a generation written by another process.
REFRESH_SECONDS = 2.0
DEFAULT_LOCK_TIMEOUT = 600.0


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article as listed by ``/sources`` and ``newsbot stats``."""

    source: str
    title: str
    url: str | None
    published: date | None
    publisher: str | None
    passages: int


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Size and provenance of the live index."""

    articles: int
    passages: int
    newest: date | None
    oldest: date | None
    generation: str
    model: str
    index_kind: str
    built_at: datetime
    index_dir: Path


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did.

    Attributes:
        added: Sources that are new in the index.
        replaced: Sources whose file changed and were re-indexed.
        unchanged: Sources whose file is identical to the indexed one.
        removed: Sources deleted from the index.
        skipped: Files that could not be ingested, each with a reason.
        notes: Remarks on ingested files (for example a non-UTF-8 decode).
        passages: Passages in the new index.
        embedded: Passages that had to be embedded (the rest came from the cache).
        seconds: Wall time of the ingest.
        generation: The live generation afterwards ("" when the index was left as it was).
    """

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    notes: tuple[str, ...] = ()
    passages: int = 0
    embedded: int = 0
    seconds: float = 0.0
    generation: str = ""

    @property
    def changed(self) -> bool:
        """Whether the index content changed."""
        return bool(self.added or self.replaced or self.removed)

    def summary(self) -> str:
        """One line for a chat reply or a log."""
        rate = f", {self.embedded / self.seconds:.0f} passages/s" if self.embedded else ""
        return (
            f"{len(self.added)} added, {len(self.replaced)} replaced, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.skipped)} skipped; {self.passages} passages, {self.embedded} embedded "
            f"in {self.seconds:.1f} s{rate}."
        )

    def lines(self) -> list[str]:
        """The full report: the summary, then one line per skipped file and per note."""
        lines = [self.summary()]
        lines += [f"skipped {s.path}: {s.reason}" for s in self.skipped]
        lines += [f"note {n}" for n in self.notes]
        return lines


class Engine:
    """Question answering over an on-disk news index.

    Create one with :meth:`open`. ``answer`` is thread-safe and may run while ``ingest`` or
    ``remove`` builds the next generation in another thread.
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        embedder: Embedder | None = None,
        ann_threshold: int = ANN_THRESHOLD,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self.index_dir = index_dir
        self.ann_threshold = ann_threshold
        self.lock_timeout = lock_timeout
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._snapshot: LoadedIndex | None = None
        self._checked_at = 0.0
        self._sentence_vectors: BoundedCache[str, Vectors] = BoundedCache(SENTENCE_CACHE_SIZE)

    @classmethod
    def open(
        cls,
        index_dir: Path,
        *,
        seeds: Path | None = None,
        embedder: Embedder | None = None,
        progress: bool = False,
        ann_threshold: int = ANN_THRESHOLD,
    ) -> Engine:
        """Load the index in ``index_dir``, building it from ``seeds`` when there is none.

        Raises:
            IndexNotFoundError: No index and no ``seeds`` to build one from.
            IndexCorruptError, IndexMismatchError: The index fails verification.
            ModelError: The embedding model is missing or fails its checksum.
        """
        engine = cls(index_dir, embedder=embedder, ann_threshold=ann_threshold)
        try:
            engine.reload()
        except IndexNotFoundError:
            if seeds is None:
                raise
            logger.info("No index in %s yet; building it from %s", index_dir, seeds)
            engine.ingest([seeds], progress=progress)
        return engine

    # -- state -------------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        """The embedder, loaded on first use."""
        with self._embedder_lock:
            if self._embedder is None:
                self._embedder = load_default_embedder(self.index_dir / "cache" / "onnx")
            return self._embedder

    @property
    def index(self) -> LoadedIndex:
        """The live snapshot.

        Raises:
            IndexNotFoundError: When nothing has been loaded.
        """
        snapshot = self._snapshot
        if snapshot is None:
            raise IndexNotFoundError(f"No index loaded from {self.index_dir}.")
        return snapshot

    def reload(self) -> None:
        """Load (and verify) the live generation from disk into memory."""
        model_hash = self._embedder.model_hash if self._embedder else MODEL_SHA256
        self._snapshot = load_index(self.index_dir, model_hash=model_hash)
        self._checked_at = time.monotonic()

    def refresh(self, *, max_age: float = 0.0) -> bool:
        """Switch to a newer generation written by another process (``newsbot ingest``).

        Args:
            max_age: Skip the check when the last one is younger than this many seconds.

        Returns:
            True when a newer generation was loaded.
        """
        if self._snapshot is None or time.monotonic() - self._checked_at < max_age:
            return False
        self._checked_at = time.monotonic()
        try:
            live = current_generation(self.index_dir)
        except RetrievalError:
            return False  # verify() reports it; answers keep using the loaded snapshot
        if live == self._snapshot.directory:
            return False
        with self._write_lock:
            if self._snapshot is None or live == self._snapshot.directory:
                return False
            logger.info("Loading the new index generation %s", live.name)
            try:
                self.reload()
            except RetrievalError as exc:
                # Keep answering from the loaded snapshot; verify() reports the problem.
                logger.error("The new index generation cannot be used: %s", exc)
                return False
            return True

    def warm_up(self) -> None:
        """Load the model and run one query, so the first real question is fast."""
        self.embedder.embed_queries(["warm up"])

    def verify(self, *, checksums: bool = False) -> None:
        """Check the loaded generation's files, and what a restart would load, against disk.

        Raises:
            IndexCorruptError: When files changed or vanished, or the live generation on disk
                is unreadable or inconsistent.
        """
        self.refresh()
        snapshot = self.index
        verify_files(snapshot.directory, read_manifest(snapshot.directory), checksums=checksums)
        verify_live(
            self.index_dir,
            model_hash=snapshot.manifest.model_hash,
            checksums=checksums,
            expected=snapshot.manifest,
        )

    # -- questions ---------------------------------------------------------------------------

    def answer(self, question: str, *, top_k: int = 5) -> Answer:
        """Answer a question with up to ``top_k`` cited excerpts, or a "not found" refusal."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        cleaned = clean_question(question)
        text = cleaned.text
        length_note = (
            f"Your question was long; I used its first {len(text)} characters."
            if cleaned.truncated
            else None
        )
        if not cleaned.usable:
            return Answer(
                text,
                answered=False,
                note="Please ask a question in words, for example: "
                "“What did Putin give the CIS leaders?”",
            )
        self.refresh(max_age=REFRESH_SECONDS)
        snapshot = self.index
        vector = self.embedder.embed_queries([text])[0]
        hits = hybrid_search(snapshot, vector, text, k=max(50, top_k * 10))
        answer = compose_answer(
            text,
            hits,
            snapshot,
            intent=parse_time_intent(text, today=date.today()),
            top_k=top_k,
            question_vector=vector,
            embed_sentences=self._embed_sentences,
        )
        if length_note:
            note = f"{length_note} {answer.note}" if answer.note else length_note
            answer = Answer(answer.question, answer.answered, answer.citations, note)
        return answer

    def _embed_sentences(self, sentences: Sequence[str]) -> Vectors:
        """Embed sentences for key-sentence choice, remembering recent ones."""
        missing = [s for s in dict.fromkeys(sentences) if s not in self._sentence_vectors]
        if missing:
            for sentence, vector in zip(
                missing, self.embedder.embed_queries(missing), strict=True
            ):
                self._sentence_vectors[sentence] = vector
        out = np.stack([self._sentence_vectors[s] for s in sentences])
        self._sentence_vectors.trim()
        return out

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first (undated last, then by title)."""
        snapshot = self.index
        counts: dict[str, int] = {}
        for source in snapshot.chunks.sources:
            counts[source] = counts.get(source, 0) + 1
        infos = [
            ArticleInfo(
                a.source, a.title, a.url, a.published, a.publisher, counts.get(a.source, 0)
            )
            for a in snapshot.articles.values()
        ]
        infos.sort(
            key=lambda i: (i.published is None, -(i.published or date.min).toordinal(), i.title)
        )
        return infos

    def stats(self) -> IndexStats:
        """Size and provenance of the live index."""
        snapshot = self.index
        dates = [a.published for a in snapshot.articles.values() if a.published]
        manifest = snapshot.manifest
        return IndexStats(
            articles=len(snapshot.articles),
            passages=len(snapshot.chunks),
            newest=max(dates, default=None),
            oldest=min(dates, default=None),
            generation=manifest.generation,
            model=manifest.model_id,
            index_kind=manifest.vector_index,
            built_at=manifest.created_at,
            index_dir=self.index_dir,
        )

    # -- writing -----------------------------------------------------------------------------

    def ingest(
        self, paths: Sequence[Path], *, progress: bool = False, rebuild: bool = False
    ) -> IngestReport:
        """Add new files, replace changed ones and keep the rest; then switch to the result.

        Args:
            paths: Files or folders to read.
            progress: Show a progress bar while embedding.
            rebuild: Start from an empty index instead of the live one.

        Raises:
            IngestError: When none of ``paths`` exists.
            IndexLockedError: When another process keeps the index locked.
        """
        missing = [str(p) for p in paths if not p.exists()]
        if paths and len(missing) == len(paths):
            raise IngestError(f"Nothing to ingest: {', '.join(missing)} does not exist.")
        started = time.perf_counter()
        loaded = load_articles(list(paths))
        with self._write_lock, write_lock(self.index_dir, timeout=self.lock_timeout):
            previous = {} if rebuild else self._articles_on_disk()
            merged = dict(previous)
            added, replaced, unchanged = [], [], []
            for article in loaded.articles:
                old = previous.get(article.source)
                if old is None:
                    added.append(article.source)
                elif old.content_hash == article.content_hash:
                    unchanged.append(article.source)
                    continue
                else:
                    replaced.append(article.source)
                merged[article.source] = article
            report = IngestReport(
                added=tuple(added),
                replaced=tuple(replaced),
                unchanged=tuple(unchanged),
                skipped=loaded.skipped,
                notes=tuple(f"{a.source}: {n}" for a in loaded.articles for n in a.notes),
            )
            return self._commit(merged, report, started, progress=progress, force=rebuild)

    def remove(self, source: str) -> IngestReport:
        """Delete an article (by its source name) from the index.

        Raises:
            KeyError: When no article has that source.
        """
        started = time.perf_counter()
        with self._write_lock, write_lock(self.index_dir, timeout=self.lock_timeout):
            merged = self._articles_on_disk()
            if source not in merged:
                raise KeyError(source)
            del merged[source]
            report = IngestReport(removed=(source,))
            return self._commit(merged, report, started, progress=False, force=True)

    def _articles_on_disk(self) -> dict[str, Article]:
        try:
            current_generation(self.index_dir)
        except IndexNotFoundError:
            return {}
        # A corrupt index raises: rebuilding from the new files alone would silently drop
        # every other article. The message names `newsbot ingest --rebuild`.
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
        has_index = self._has_index()
        if has_index and not report.changed and not force:
            if self._snapshot is None:
                self.reload()
            return _finish(report, started, passages=len(self.index.chunks), generation="")
        ordered = [articles[s] for s in sorted(articles)]
        chunks: list[Chunk] = [c for a in ordered for c in split_article(a)]
        titles = {a.source: a.title for a in ordered}
        texts = [embedding_text(titles[c.source], c.text) for c in chunks]
        embedder = self.embedder
        cache = EmbeddingCache(
            self.index_dir / "cache" / "embeddings.sqlite",
            model_hash=embedder.model_hash,
            dimension=embedder.dimension,
        )
        try:
            vectors, embedded = embed_with_cache(texts, embedder, cache, progress=progress)
        finally:
            cache.close()
        manifest = write_generation(
            self.index_dir,
            ordered,
            chunks,
            vectors,
            model_id=getattr(embedder, "model_id", MODEL_ID),
            model_hash=embedder.model_hash,
            ann_threshold=self.ann_threshold,
        )
        self.reload()
        return _finish(
            report,
            started,
            passages=len(chunks),
            generation=manifest.generation,
            embedded=embedded,
        )

    def _has_index(self) -> bool:
        try:
            current_generation(self.index_dir)
        except RetrievalError:
            return False
        return True


def _finish(
    report: IngestReport, started: float, *, passages: int, generation: str, embedded: int = 0
) -> IngestReport:
    return IngestReport(
        added=report.added,
        replaced=report.replaced,
        unchanged=report.unchanged,
        removed=report.removed,
        skipped=report.skipped,
        notes=report.notes,
        passages=passages,
        embedded=embedded,
        seconds=time.perf_counter() - started,
        generation=generation,
    )
