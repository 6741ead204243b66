"""Answer records: what a question gets back, independent of how it is displayed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Another article that reports the same passage ("also reported by")."""

    title: str
    url: str | None
    source: str
    publisher: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """One numbered, cited excerpt.

    ``excerpt`` is plain text (never HTML); ``highlight`` is the ``(start, end)`` character span
    of the key sentence inside ``excerpt``. Leading/trailing "…" mark a cut in the article.
    """

    rank: int
    excerpt: str
    highlight: tuple[int, int]
    score: float
    title: str
    publisher: str | None
    published: date | None
    url: str | None
    source: str
    also_reported_by: tuple[SourceRef, ...] = ()

    @property
    def key_sentence(self) -> str:
        """The sentence that best answers the question."""
        start, end = self.highlight
        return self.excerpt[start:end]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used by ``newsbot ask --json``."""
        return {
            "rank": self.rank,
            "excerpt": self.excerpt,
            "key_sentence": self.key_sentence,
            "score": round(self.score, 4),
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "source": self.source,
            "also_reported_by": [
                {"title": ref.title, "url": ref.url, "source": ref.source}
                for ref in self.also_reported_by
            ],
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply to one question: cited excerpts, or a refusal when nothing is relevant.

    Attributes:
        question: The question as asked (after whitespace normalisation).
        answered: False when the articles do not cover the question.
        citations: Numbered citations, best first; empty when not answered.
        note: A remark for the reader, e.g. why nothing was found or how dates were used.
    """

    question: str
    answered: bool
    citations: tuple[Citation, ...] = ()
    note: str | None = None

    @property
    def text(self) -> str:
        """A plain-text rendering: the key sentences with their citation numbers."""
        if not self.answered:
            return self.note or "Not found in the articles."
        lines = [f"[{c.rank}] {c.key_sentence}" for c in self.citations]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used by ``newsbot ask --json``."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.text,
            "note": self.note,
            "citations": [citation.to_dict() for citation in self.citations],
        }
