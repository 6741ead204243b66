"""An Answer as a platform-neutral view: what to show and in which words; front ends draw it.

The engine returns facts (refused and why, which period applied, newest first). This module
is the one place that turns them into sentences, so the terminal, Telegram and Discord say
the same thing; each front end only decides how it looks (bold, links, buttons, limits).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from retrieval import (
    MAX_QUESTION_CHARS,
    Answer,
    ArticleInfo,
    Citation,
    IngestReport,
    Period,
    Refusal,
    SourceRef,
)

__all__ = [
    "GENERIC_EXAMPLE",
    "NOT_FOUND",
    "PAGE_SIZE",
    "AnswerView",
    "Byline",
    "CitationView",
    "View",
    "answer_view",
    "describe_ingest",
    "describe_period",
    "example_question",
    "format_date",
    "ingest_report_lines",
    "page_count",
    "plural",
    "refusal_text",
    "truncation_note",
]

NOT_FOUND = "Not found in the articles."
"""The headline of a refusal because nothing relevant was found, in every front end."""

_REFUSALS = {
    Refusal.NOT_COVERED: (
        NOT_FOUND,
        "None of the articles covers this question. Try other words, or ask about a topic "
        "the articles report on.",
    ),
    Refusal.PERIOD_NOT_COVERED: (
        NOT_FOUND,
        "The articles that cover this question say nothing about {year}. Ask about what they "
        "cover, or leave the year out.",
    ),
    Refusal.OTHER_LANGUAGE: (
        "I can only search English-language articles.",
        "Please ask your question in English.",
    ),
    Refusal.NO_WORDS: ("Please ask a question in words.", ""),
}
PAGE_SIZE = 3
"""Citations shown per answer page; "More sources" shows the next page."""


class View(Enum):
    """How an answer is displayed; the value travels in button data (one character)."""

    EXCERPTS = "x"
    """Each citation's excerpt, with the key sentence in bold."""
    SHORT = "k"
    """Only the key sentences: the shortest answer."""
    SOURCES = "s"
    """Only the list of cited articles and who else reported them."""


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Byline:
    """The title (to be linked when there is a URL), outlet and date of one article.

    ``source`` is the article's source name, shown where there is no URL.
    """

    title: str
    url: str | None
    publisher: str | None
    published: date | None
    source: str = ""

    @property
    def details(self) -> str:
        """Outlet and date, e.g. "The Moscow Times, 27 Dec 2022" (empty when unknown)."""
        parts = [self.publisher or "", format_date(self.published) if self.published else ""]
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class CitationView:
    """One numbered citation: the excerpt split around its key sentence, and its sources."""

    rank: int
    before: str
    key: str
    after: str
    byline: Byline
    also: tuple[Byline, ...]

    @property
    def excerpt(self) -> str:
        """The whole excerpt as plain text."""
        return self.before + self.key + self.after


@dataclass(frozen=True, slots=True)
class AnswerView:
    """What a front end shows for one answer.

    Attributes:
        answered: False for a refusal.
        headline: A refusal's first line, usually :data:`NOT_FOUND` (empty when answered).
        refusal: The refusal's explanation after its headline (empty when answered).
        citations: The citations, best first.
        notices: Remarks on how the question was read (period, ordering, truncation).
    """

    answered: bool
    headline: str
    refusal: str
    citations: tuple[CitationView, ...]
    notices: tuple[str, ...]


def page_count(answer: Answer, *, page_size: int = PAGE_SIZE) -> int:
    """Return how many pages of citations ``answer`` has (at least 1)."""
    return max(1, -(-len(answer.citations) // page_size))


def format_date(value: date) -> str:
    """Format a date as "27 Dec 2022", independent of the locale."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def describe_period(period: Period) -> str:
    """Say a publication period the way a question would: "in 2023", "since 2022", ..."""
    start, end = period.start, period.end
    if start and end:
        if start == end:
            return f"on {format_date(start)}"
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
            start.year == end.year
        ):
            return f"in {start.year}"
        last_day = calendar.monthrange(end.year, end.month)[1]
        if (
            start.day == 1
            and end.day == last_day
            and (start.year, start.month)
            == (
                end.year,
                end.month,
            )
        ):
            return f"in {calendar.month_name[start.month]} {start.year}"
        return f"between {format_date(start)} and {format_date(end)}"
    if start:
        return (
            f"since {start.year}"
            if (start.month, start.day) == (1, 1)
            else (f"since {format_date(start)}")
        )
    if end:
        return (
            f"before {end.year + 1}"
            if (end.month, end.day) == (12, 31)
            else (f"until {format_date(end)}")
        )
    return "at any time"


def refusal_text(refusal: Refusal, *, year: int | None = None) -> tuple[str, str]:
    """The headline and the explanation of a refusal, e.g. ("Not found in the articles.", ...)."""
    headline, detail = _REFUSALS[refusal]
    return headline, detail.format(year=year if year is not None else "that year")


def _notices(answer: Answer) -> list[str]:
    notices = []
    if answer.understood_as:
        notices.append(f"Following up on: {answer.understood_as}")
    if answer.corrected:
        notices.append(f"Showing results for: {answer.corrected}")
    if answer.period is not None and answer.answered:
        period = describe_period(answer.period)
        if answer.period_matched:
            notices.append(f"Showing articles published {period}.")
        else:
            notices.append(f"No relevant article was published {period}; showing other dates.")
    if answer.newest_first and answer.newest is not None:
        notices.append(f"Newest first (latest: {format_date(answer.newest)}).")
    if answer.truncated:
        notices.append(truncation_note(answer.question))
    return notices


def truncation_note(question: str) -> str:
    """Say which part of a message too long to read whole was answered."""
    shown = question if len(question) <= 300 else "…" + question[-299:]
    return (
        f"Your message was longer than {MAX_QUESTION_CHARS:,} characters, so I answered only"
        f" its question: “{shown}”"
    )


def _byline(item: Citation | SourceRef) -> Byline:
    return Byline(item.title, item.url, item.publisher, item.published, item.source)


def _citation_view(citation: Citation) -> CitationView:
    start, end = citation.highlight
    excerpt = citation.excerpt
    if not 0 <= start < end <= len(excerpt):
        start = end = 0
    return CitationView(
        rank=citation.rank,
        before=excerpt[:start],
        key=excerpt[start:end],
        after=excerpt[end:],
        byline=_byline(citation),
        also=tuple(_byline(ref) for ref in citation.also_reported_by),
    )


def answer_view(answer: Answer) -> AnswerView:
    """Turn the engine's facts into what a front end shows."""
    headline = refusal = ""
    if not answer.answered:
        headline, refusal = refusal_text(
            answer.refusal or Refusal.NOT_COVERED, year=answer.unknown_year
        )
    return AnswerView(
        answered=answer.answered,
        headline=headline,
        refusal=refusal,
        citations=tuple(_citation_view(c) for c in answer.citations),
        notices=tuple(_notices(answer)),
    )


GENERIC_EXAMPLE = "What happened this week?"
"""The example question when the corpus offers none (no articles yet)."""


def example_question(articles: Sequence[ArticleInfo]) -> str:
    """An example question about the newest article of the corpus being served.

    Args:
        articles: The corpus, newest first (``Engine.articles()``).
    """
    title = next((a.title for a in articles if a.title and a.title != a.source), "")
    words = title.strip().rstrip(".!?:;,").split()
    if not words:
        return GENERIC_EXAMPLE
    topic = " ".join(words[:9]) + ("…" if len(words) > 9 else "")
    return f"What do the articles say about {topic}?"


def plural(count: int, noun: str) -> str:
    """Say a count with its noun, plural unless it is 1: "1 passage", "2 passages"."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def describe_ingest(report: IngestReport) -> str:
    """One line for a chat reply or a log: what an ingest added, replaced, removed, skipped."""
    rate = ""
    if report.embedded >= 100 and report.seconds > 0:
        rate = f", {report.embedded / report.seconds:,.0f} passages/s"
    return (
        f"{len(report.added)} added, {len(report.replaced)} replaced, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
        f"{len(report.skipped)} skipped; {plural(report.passages, 'passage')}, "
        f"{report.embedded:,} embedded in {report.seconds:.1f} s{rate}."
    )


def ingest_report_lines(report: IngestReport) -> Sequence[str]:
    """The full report: the summary, then one line per skipped file and per note."""
    lines = [describe_ingest(report)]
    lines += [f"skipped {s.path}: {s.reason}" for s in report.skipped]
    lines += [f"note {n}" for n in report.notes]
    return lines
