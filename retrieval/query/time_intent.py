"""Time words in questions ("latest", "in 2023", "this year") turned into a date intent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True, slots=True)
class TimeIntent:
    """What a question says about time.

    Attributes:
        prefer_recent: Rank relevant articles newest first ("latest", "most recent").
        period: The publication period the question names, or None.
    """

    prefer_recent: bool = False
    period: Period | None = None

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
    """Read the time intent of a question; ``today`` resolves "this year" and "last year"."""
    prefer_recent = bool(_RECENT.search(question))
    if _THIS_YEAR.search(question):
        return TimeIntent(prefer_recent, _year(today.year))
    if _LAST_YEAR.search(question):
        return TimeIntent(False, _year(today.year - 1))
    if match := _SINCE_YEAR.search(question):
        return TimeIntent(prefer_recent, Period(date(int(match.group(1)), 1, 1), None))
    if match := _BEFORE_YEAR.search(question):
        return TimeIntent(prefer_recent, Period(None, date(int(match.group(1)) - 1, 12, 31)))
    match = _IN_YEAR.search(question) or _BARE_YEAR.search(question)
    if match:
        return TimeIntent(prefer_recent, _year(int(match.group(1))))
    return TimeIntent(prefer_recent=prefer_recent)
