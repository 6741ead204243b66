"""The embedded backend's reading: the loaded generation (FAISS + bm25s + SQLite) as it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from retrieval.embedding.protocol import Vectors
from retrieval.index.loader import LoadedIndex
from retrieval.index.view import IndexView
from retrieval.query.search import Hit
from retrieval.query.time_intent import TimeIntent

__all__ = ["EmbeddedReading"]


@dataclass(frozen=True, slots=True)
class EmbeddedReading:
    """A ``Reading`` of one loaded generation: every view is the whole snapshot."""

    snapshot: LoadedIndex

    @property
    def vocabulary(self) -> Mapping[str, int]:
        """The generation's vocabulary."""
        return self.snapshot.vocabulary

    @property
    def aliases(self) -> Sequence[tuple[str, str]]:
        """The generation's aliases."""
        return self.snapshot.aliases

    def published_in(self, intent: TimeIntent) -> set[str]:
        """The articles whose date ``intent`` admits."""
        return {s for s, a in self.snapshot.articles.items() if intent.admits(a.published)}

    def candidates(
        self, vector: Vectors, wordings: Sequence[str], *, sources: Set[str] | None
    ) -> IndexView:
        """The whole snapshot: FAISS and bm25s find the candidates themselves."""
        return self.snapshot

    def records(self, view: IndexView, hits: Sequence[Hit]) -> IndexView:
        """The whole snapshot: every record is in memory."""
        return self.snapshot
