"""Time words in questions ("latest", "in 2023", "news from 2023") turned into a date intent.

A year usually says when something happened, and articles report it later: "Which country left
the talks in 2022?" is answered by a 2025 article that says so. Such a year is evidence (it
favours passages that mention it and articles published in it) and never hides an answer.
Only a question about the reporting itself ("news from 2023", "articles published last year",
"what was reported this year") restricts the answer to articles published in the period.

Relative periods ("today", "yesterday", "this week", "in the last 24 hours", "this month")
resolve against today's date and restrict the answer to articles published in them; a day
is the finest grain, since articles record their publication date, not the hour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from retrieval.records import Period

_RECENT = re.compile(
    r"\b(latest|newest|most recent(ly)?|recent(ly)?|last|current(ly)?|now|nowadays|"
    r"up[- ]to[- ]date|new)\b",
    re.IGNORECASE,
)
_YEAR = r"((?:19|20)\d\d)"
_IN_YEAR = re.compile(rf"\b(?:in|during|of|from|for)\s+(?:the\s+year\s+)?{_YEAR}\b", re.I)
_SINCE_YEAR = re.compile(rf"\b(?:since|after)\s+{_YEAR}\b", re.IGNORECASE)
_BEFORE_YEAR = re.compile(rf"\b(?:before|until|prior to)\s+{_YEAR}\b", re.IGNORECASE)
_BARE_YEAR = re.compile(rf"(?<![\d/.-]){_YEAR}(?![\d/.-])")
_THIS_YEAR = re.compile(r"\bthis year\b", re.IGNORECASE)
_LAST_YEAR = re.compile(r"\blast year\b", re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(news|articles?|reports?|reporting|stories|story|coverage|headlines?|press)\s+"
    r"(from|in|of|during|since|before|published|dated|this|last)\b|"
    r"\b(published|reported|written|posted|dated|covered)\s+(in|during|since|before|this|last|"
    r"from)\b|\bwhat (was|were) (reported|written|published|said)\b",
    re.IGNORECASE,
)
_ANY_YEAR = re.compile(rf"(?<![\d/.$£€-]){_YEAR}(?![\d/.-]|\s*(?:%|per ?cent|bn|m\b))")
_YEAR_RANGE = re.compile(rf"(?<![\d/.$£€-]){_YEAR}\s*[-–]\s*{_YEAR}(?![\d/.-])")
_LAST_HOURS = re.compile(r"\b(?:last|past|previous)\s+(\d{1,4})\s*(?:hours?|hrs?|h)\b", re.I)
_LAST_DAYS = re.compile(r"\b(?:last|past|previous)\s+(\d{1,3})\s+days?\b", re.IGNORECASE)


def _week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _month_before(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


_RELATIVE: tuple[tuple[re.Pattern[str], Callable[[date], tuple[date, date]]], ...] = (
    (re.compile(r"\byesterday\b", re.I), lambda t: (t - timedelta(days=1),) * 2),
    (
        re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I),
        lambda t: (t, t),
    ),
    (
        re.compile(r"\b(?:last|past|previous)\s+(?:day|twenty[- ]four hours)\b", re.I),
        lambda t: (t - timedelta(days=1), t),
    ),
    (re.compile(r"\bthis week\b", re.I), lambda t: (_week_start(t), t)),
    (
        re.compile(r"\b(?:last|previous) week\b", re.I),
        lambda t: (_week_start(t) - timedelta(days=7), _week_start(t) - timedelta(days=1)),
    ),
    (re.compile(r"\bpast week\b", re.I), lambda t: (t - timedelta(days=7), t)),
    (re.compile(r"\bthis month\b", re.I), lambda t: (t.replace(day=1), t)),
    (re.compile(r"\b(?:last|previous) month\b", re.I), _month_before),
    (re.compile(r"\bpast month\b", re.I), lambda t: (t - timedelta(days=30), t)),
)


@dataclass(frozen=True, slots=True)
class TimeIntent:
    """What a question says about time.

    Attributes:
        prefer_recent: Rank relevant articles newest first ("latest", "most recent").
        period: The period the question names, or None.
        restrict: Only articles published in ``period`` may be cited (the question asks about
            reporting from it); otherwise the period is evidence.
        years: Every year the question names.
        relative: ``period`` is relative to today ("yesterday", "this week"): only articles
            published in it may answer, with no fallback to other dates.
    """

    prefer_recent: bool = False
    period: Period | None = None
    restrict: bool = False
    years: tuple[int, ...] = ()
    relative: bool = False

    @property
    def start(self) -> date | None:
        """Earliest publication date allowed, or None."""
        return self.period.start if self.period else None

    @property
    def end(self) -> date | None:
        """Latest publication date allowed, or None."""
        return self.period.end if self.period else None

    @property
    def has_range(self) -> bool:
        """Whether the question limits publication dates."""
        return self.period is not None

    def admits(self, published: date | None) -> bool:
        """Whether an article published on ``published`` fits (unknown dates never fit)."""
        return self.period is None or self.period.admits(published)


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def parse_time_intent(question: str, *, today: date) -> TimeIntent:
    """Read the time intent of a question; ``today`` resolves "yesterday", "this year"..."""
    prefer_recent = bool(_RECENT.search(question))
    years = tuple(int(m.group(1)) for m in _ANY_YEAR.finditer(question))
    years += tuple(int(y) for m in _YEAR_RANGE.finditer(question) for y in m.groups())
    reporting = bool(_REPORTING.search(question))
    relative = _relative_period(question, today)
    if relative is not None:
        return TimeIntent(prefer_recent, relative, True, years, relative=True)
    if _THIS_YEAR.search(question):
        return TimeIntent(prefer_recent, _year(today.year), True, years)
    if _LAST_YEAR.search(question):
        return TimeIntent(False, _year(today.year - 1), True, years)
    if match := _SINCE_YEAR.search(question):
        since = Period(date(int(match.group(1)), 1, 1), None)
        return TimeIntent(prefer_recent, since, True, years)
    if match := _BEFORE_YEAR.search(question):
        before = Period(None, date(int(match.group(1)) - 1, 12, 31))
        return TimeIntent(prefer_recent, before, True, years)
    match = _IN_YEAR.search(question) or _BARE_YEAR.search(question)
    if match:
        return TimeIntent(prefer_recent, _year(int(match.group(1))), reporting, years)
    return TimeIntent(prefer_recent=prefer_recent, years=years)


def _relative_period(question: str, today: date) -> Period | None:
    """The period a relative time phrase names, or None."""
    if match := _LAST_HOURS.search(question):
        days = max(1, -(-int(match.group(1)) // 24))
        return Period(today - timedelta(days=days), today)
    if match := _LAST_DAYS.search(question):
        return Period(today - timedelta(days=int(match.group(1))), today)
    for pattern, span in _RELATIVE:
        if any(not _in_a_name(question, m) for m in pattern.finditer(question)):
            start, end = span(today)
            return Period(start, end)
    return None


def _in_a_name(question: str, match: re.Match[str]) -> bool:
    """Whether a time word is part of a name: "the Tonight Show", "the Today programme".

    Capitalised inside the question (not as its first word), it names a show, not a day.
    """
    return match.group(0)[:1].isupper() and bool(question[: match.start()].strip())
