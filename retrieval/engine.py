"""The Engine: one object that builds, loads, searches and hot-swaps the news index.

It is the only stateful piece of the public API. Searches read an immutable snapshot of the
live generation, so an ingest running in another thread never disturbs them: the new
generation replaces the snapshot in one assignment when it is complete.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from retrieval.backends.embedded import EmbeddedReading
from retrieval.backends.protocol import Reading
from retrieval.embedding.loader import load_embedder
from retrieval.embedding.protocol import MODEL_SHA256, Embedder
from retrieval.errors import IndexNotFoundError, RetrievalError
from retrieval.index.dense import ANN_THRESHOLD
from retrieval.index.layout import current_generation
from retrieval.index.loader import LoadedIndex, load_index
from retrieval.index.manifest import read_manifest
from retrieval.index.verify import verify_files, verify_live
from retrieval.maintenance import Maintenance
from retrieval.query.answer import compose_answer
from retrieval.query.followup import Turn, own_words, rewrite_followup
from retrieval.query.language import foreign_language, load_detector
from retrieval.query.names import name_variants
from retrieval.query.question import clean_question
from retrieval.query.search import hybrid_search
from retrieval.query.spelling import correct_spelling, wordlist
from retrieval.query.time_intent import parse_time_intent
from retrieval.records import (
    Answer,
    ArticleInfo,
    IndexStats,
    Refusal,
)
from retrieval.sources import list_articles
from retrieval.web.feed_records import FeedStorage
from retrieval.web.feed_store import FeedStore

logger = logging.getLogger(__name__)

# How often answer() looks for a generation written by another process.
REFRESH_SECONDS = 2.0
DEFAULT_LOCK_TIMEOUT = 600.0


class Engine(Maintenance):
    """Question answering over an on-disk news index: the facade, and the whole of its job.

    Create one with :meth:`open`. ``answer`` is thread-safe and may run while ``ingest`` or
    ``remove`` builds the next generation in another thread. The writing side (ingest,
    remove, repair, rebuild, backup) lives in :class:`retrieval.maintenance.Maintenance`.
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        device: str = "auto",
        notify: Callable[[str], None] | None = None,
        ann_threshold: int = ANN_THRESHOLD,
        lock_timeout: float | None = None,
    ) -> None:
        """Create an engine; nothing is loaded until :meth:`reload` or :meth:`open`.

        Args:
            index_dir: The index directory.
            embedder: The embedder to use; by default the product's, loaded on first use.
            cache_dir: Where the default embedder keeps its one-time ONNX export.
            device: Where the default embedder embeds passages (``auto``, ``cpu``, ``cuda``).
            notify: Called with one line before slow first-time work.
            ann_threshold: Passages from which the dense index is HNSW instead of exact.
            lock_timeout: Seconds an ingest waits for another writer (default 600).
        """
        self.index_dir = index_dir
        self.ann_threshold = ann_threshold
        self.lock_timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self._embedder = embedder
        self._cache_dir = cache_dir
        self._device = device
        self._notify = notify
        self._embedder_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._snapshot: LoadedIndex | None = None
        self._checked_at = 0.0

    @classmethod
    def open(
        cls,
        index_dir: Path,
        *,
        seeds: Path | None = None,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        device: str = "auto",
        notify: Callable[[str], None] | None = None,
        progress: bool = False,
        ann_threshold: int = ANN_THRESHOLD,
    ) -> Engine:
        """Load the index in ``index_dir``, building it from ``seeds`` when there is none.

        Raises:
            IndexNotFoundError: No index and no ``seeds`` to build one from.
            IndexCorruptError, IndexMismatchError: The index fails verification.
            ModelError: The embedding model is missing or fails its checksum.
        """
        engine = cls(
            index_dir,
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
                raise
            logger.info("No index in %s yet; building it from %s", index_dir, seeds)
            if notify is not None:
                notify(f"no index in {index_dir} yet; building it from {seeds} first.")
            engine.ingest([seeds], progress=progress)
        return engine

    # -- state -------------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        """The embedder, loaded on first use."""
        with self._embedder_lock:
            if self._embedder is None:
                self._embedder = load_embedder(
                    cache_dir=self._cache_dir, device=self._device, notify=self._notify
                )
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
        """Load the models and run one query, so the first real question is fast."""
        self.embedder.embed_queries(["warm up"])
        load_detector()
        if self._snapshot is not None:
            wordlist(self._snapshot.vocabulary)

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

    def answer(self, question: str, *, top_k: int = 5, previous: Sequence[Turn] = ()) -> Answer:
        """Answer a question with up to ``top_k`` cited excerpts, or a refusal saying why.

        Args:
            question: What the user asked.
            top_k: Citations at most.
            previous: Earlier turns of the conversation, oldest first: a follow-up ("and in
                2023?") is rewritten from them, and ``Answer.understood_as`` says how.
        """
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        cleaned = clean_question(question)
        text = cleaned.text
        if not cleaned.usable:
            return Answer(text, refusal=Refusal.NO_WORDS, truncated=cleaned.truncated)
        with self._reading() as reading:
            understood = rewrite_followup(text, previous) if previous else None
            asked = understood or text
            corrected = correct_spelling(asked, reading.vocabulary, similarity=self._similarity)
            query = corrected or asked
            vector = self.embedder.embed_queries([query])[0]
            variants = name_variants(query, reading.aliases)
            intent = parse_time_intent(query, today=date.today())
            # "yesterday", "this week": only articles published then
            sources = reading.published_in(intent) if intent.relative else None
            view = reading.candidates(vector, variants, sources=sources)
            hits = hybrid_search(
                view,
                vector,
                query,
                k=max(50, top_k * 10),
                lexical_text=variants,
                sources=sources,
            )
            answer = compose_answer(
                query,
                hits,
                reading.records(view, hits),
                intent=intent,
                top_k=top_k,
                question_vector=vector,
                key_text=own_words(query) if understood else None,
            )
        language = foreign_language(text)
        if language is not None and not answer.answered:
            answer = replace(answer, refusal=Refusal.OTHER_LANGUAGE)
        return replace(
            answer,
            question=text,
            truncated=cleaned.truncated,
            understood_as=understood,
            corrected=corrected,
            language=language,
        )

    def _similarity(self, first: str, second: str) -> float:
        """How alike two words are in meaning: the cosine of their embeddings."""
        vectors = self.embedder.embed_queries([first, second])
        return float(vectors[0] @ vectors[1])

    @contextmanager
    def _reading(self) -> Iterator[Reading]:
        """One consistent read for one question: the live snapshot, refreshed when stale."""
        self.refresh(max_age=REFRESH_SECONDS)
        yield EmbeddedReading(self.index)

    def open_feed_store(self) -> FeedStorage:
        """The store of the followed feeds: ``feeds.sqlite`` beside the index."""
        return FeedStore.beside(self.index_dir)

    @property
    def backend(self) -> str:
        """Which search backend answers: ``embedded`` (FAISS + BM25 files) or ``postgres``."""
        return "embedded"

    @property
    def location(self) -> str:
        """Where the index is, for messages: its directory."""
        return str(self.index_dir)

    def close(self) -> None:
        """Release what the engine holds open (nothing for the embedded index)."""

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first (undated last, then by title)."""
        snapshot = self.index
        return list_articles(snapshot.articles, Counter(snapshot.chunks.sources))

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
