"""Time words in questions ("latest", "in 2023", "this year") turned into a date intent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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
        start: Earliest publication date allowed (inclusive), or None.
        end: Latest publication date allowed (inclusive), or None.
        label: How the period reads in a reply ("in 2023"), empty when there is none.
    """

    prefer_recent: bool = False
    start: date | None = None
    end: date | None = None
    label: str = ""

    @property
    def has_range(self) -> bool:
        """Whether the question limits publication dates."""
        return self.start is not None or self.end is not None

    def admits(self, published: date | None) -> bool:
        """Whether an article published on ``published`` fits (unknown dates never fit)."""
        if not self.has_range:
            return True
        if published is None:
            return False
        return (self.start is None or published >= self.start) and (
            self.end is None or published <= self.end
        )


def parse_time_intent(question: str, *, today: date) -> TimeIntent:
    """Read the time intent of a question; ``today`` resolves "this year" and "last year"."""
    prefer_recent = bool(_RECENT.search(question))
    if match := _THIS_YEAR.search(question):
        year = today.year
        return TimeIntent(
            prefer_recent, date(year, 1, 1), date(year, 12, 31), f"this year ({year})"
        )
    if match := _LAST_YEAR.search(question):
        year = today.year - 1
        return TimeIntent(False, date(year, 1, 1), date(year, 12, 31), f"last year ({year})")
    if match := _SINCE_YEAR.search(question):
        year = int(match.group(1))
        return TimeIntent(prefer_recent, date(year, 1, 1), None, f"since {year}")
    if match := _BEFORE_YEAR.search(question):
        year = int(match.group(1))
        return TimeIntent(prefer_recent, None, date(year - 1, 12, 31), f"before {year}")
    match = _IN_YEAR.search(question) or _BARE_YEAR.search(question)
    if match:
        year = int(match.group(1))
        return TimeIntent(prefer_recent, date(year, 1, 1), date(year, 12, 31), f"in {year}")
    return TimeIntent(prefer_recent=prefer_recent)
