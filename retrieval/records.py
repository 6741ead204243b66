"""The record types: articles going in, answers coming out (frozen dataclasses, no behaviour)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article, ready to be chunked.

    Attributes:
        source: The article's file name relative to the ingested root (``000_x.txt``); unique
            key of the article in the index.
        title: Headline; never empty (falls back to the first sentence, then the file name).
        text: The cleaned story text: page furniture removed, every story sentence kept.
        url: Canonical URL of the article itself, or None when unknown.
        published: Publication date, or None when the source does not say.
        publisher: Outlet or publisher name, or None when unknown.
        related_links: Other URLs found in the file (related articles, social posts).
        content_hash: SHA-256 of the raw file bytes; a changed file gets a new hash.
        notes: Remarks for the ingest report (for example a non-UTF-8 fallback decode).
        origin: Where it was read from (a file's absolute path, ``#N`` for a record, or the
            URL it was fetched from), so that the index can be rebuilt from its sources.
        byline: The author(s), when the source names them.
    """

    source: str
    title: str
    text: str
    url: str | None = None
    published: date | None = None
    publisher: str | None = None
    related_links: tuple[str, ...] = ()
    content_hash: str = ""
    notes: tuple[str, ...] = field(default=())
    origin: str | None = None
    byline: str | None = None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """An input that produced no article.

    Attributes:
        path: The path as given, or a folder's path joined with the file's relative path;
            ``#N`` marks a record of a JSON list (position) or JSON Lines file (line).
        reason: One friendly line: what is wrong and what to do about it.
    """

    path: str
    reason: str


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


class Refusal(StrEnum):
    """Why a question got no citations; each front end says it in its own words."""

    NO_WORDS = "no_words"
    """The question has no letter or digit to search for."""
    NOT_COVERED = "not_covered"
    """No article is relevant enough to quote."""
    PERIOD_NOT_COVERED = "period_not_covered"
    """The question is about a year the articles do not report on."""
    OTHER_LANGUAGE = "other_language"
    """The question is not in English, the only language the articles and model cover."""


@dataclass(frozen=True, slots=True)
class Period:
    """A span of publication dates; either end may be open.

    Attributes:
        start: Earliest date (inclusive), or None.
        end: Latest date (inclusive), or None.
    """

    start: date | None = None
    end: date | None = None

    def admits(self, published: date | None) -> bool:
        """Whether ``published`` falls inside (an unknown date never does)."""
        if published is None:
            return False
        return (self.start is None or published >= self.start) and (
            self.end is None or published <= self.end
        )

    def to_dict(self) -> dict[str, str | None]:
        """Return the JSON shape: ISO dates or null."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply to one question: facts about what was found, never prose.

    Attributes:
        question: The question the engine searched for (cleaned; cut when too long).
        citations: Numbered citations, best first; empty when refused.
        refusal: Why nothing is cited, or None when the question is answered.
        period: The publication period the question named ("in 2023"), or None.
        period_matched: True when only articles published in ``period`` are cited; False
            with a ``period`` means none of them was relevant and other dates are shown.
        newest_first: Citations are ordered by publication date, newest first ("latest").
        newest: The newest cited article's date, with ``newest_first``.
        truncated: The question was longer than the engine reads and was cut.
        understood_as: The question as rewritten from the conversation (a follow-up), or None.
        corrected: The words searched for after correcting misspellings, or None.
        language: The question's language code when it is not English, else None.
        unknown_year: With ``PERIOD_NOT_COVERED``, the year the articles do not cover.
    """

    question: str
    citations: tuple[Citation, ...] = ()
    refusal: Refusal | None = None
    period: Period | None = None
    period_matched: bool = False
    newest_first: bool = False
    newest: date | None = None
    truncated: bool = False
    understood_as: str | None = None
    corrected: str | None = None
    language: str | None = None
    unknown_year: int | None = None

    @property
    def answered(self) -> bool:
        """Whether the answer cites anything."""
        return self.refusal is None and bool(self.citations)

    def to_dict(self) -> dict[str, Any]:
        """Return the facts as JSON-ready data (front ends add their own wording)."""
        return {
            "question": self.question,
            "answered": self.answered,
            "refusal": self.refusal.value if self.refusal else None,
            "period": self.period.to_dict() if self.period else None,
            "period_matched": self.period_matched,
            "newest_first": self.newest_first,
            "truncated": self.truncated,
            "understood_as": self.understood_as,
            "corrected": self.corrected,
            "language": self.language,
            "unknown_year": self.unknown_year,
            "citations": [citation.to_dict() for citation in self.citations],
        }


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
    """Size and provenance of the live index.

    ``backend`` is ``embedded`` (files in ``index_dir``) or ``postgres``; ``location`` is the
    database URL without its password for the latter, else empty.
    """

    articles: int
    passages: int
    newest: date | None
    oldest: date | None
    generation: str
    model: str
    index_kind: str
    built_at: datetime
    index_dir: Path
    backend: str = "embedded"
    location: str = ""


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
        sentences_embedded: Sentences embedded for key-sentence choice (the rest were cached).
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
    sentences_embedded: int = 0
    seconds: float = 0.0
    generation: str = ""

    @property
    def changed(self) -> bool:
        """Whether the index content changed."""
        return bool(self.added or self.replaced or self.removed)


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What a repair found and did.

    Attributes:
        problem: Why the live generation failed verification; empty when it was intact (and
            nothing was changed).
        fallback: The older generation that verified and was made live, or "".
        generation: The live generation afterwards.
        articles: Articles in it.
        recorded: Articles the index recorded before the damage (0: no record survived).
        reread: Sources read again from their files.
        kept: Sources whose file is gone or unreadable, kept from the index's own copy.
        lost: Recorded sources with neither a file nor an intact copy.
        set_aside: Damaged generation folders moved aside (hidden, under generations/).
        embedded: Passages and sentences that had to be embedded (the rest were cached).
        seconds: Wall time.
    """

    problem: str = ""
    fallback: str = ""
    generation: str = ""
    articles: int = 0
    recorded: int = 0
    reread: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()
    set_aside: tuple[str, ...] = ()
    embedded: int = 0
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Inventory:
    """What an index that fails verification still says it holds (``newsbot stats``).

    Attributes:
        problem: Why it cannot be loaded.
        generation: The generation the list was read from ("" when nothing was readable).
        articles: Its articles, newest first; ``passages`` is 0 when only the ledger survived.
        from_ledger: The list comes from the ledger (``sources.json``), not a generation.
    """

    problem: str
    generation: str = ""
    articles: tuple[ArticleInfo, ...] = ()
    from_ledger: bool = False
