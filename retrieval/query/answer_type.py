"""What a question asks for (a number, a time, a person, a place, a reason), and who says it.

A "how many" question is answered by the sentence with the number, not by the one that repeats
the question's words; a "when" question by the one with the date. The cues are general English
(number words, month names, causal connectives), nothing learned from a particular corpus.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache


class Asks(StrEnum):
    """The kind of answer a question wants."""

    NUMBER = "number"
    TIME = "time"
    PERSON = "person"
    PLACE = "place"
    REASON = "reason"
    OTHER = "other"


_QUESTION_PATTERNS: tuple[tuple[Asks, re.Pattern[str]], ...] = (
    (
        Asks.NUMBER,
        re.compile(
            r"\b(how (many|much|old|long|far|big|large|tall|high|often)|what (age|percentage|"
            r"share|proportion|number|amount|sum|price|cost|size|figure|total|score)|"
            r"at what (age|price|cost|rate)|by how much)\b",
            re.IGNORECASE,
        ),
    ),
    (
        Asks.TIME,
        re.compile(
            r"\b(when|what (year|date|day|month|time)|which (year|date|day|month)|"
            r"since when|how soon|until when)\b",
            re.IGNORECASE,
        ),
    ),
    (
        Asks.REASON,
        re.compile(
            r"\b(why|what (caused|led to|prompted|triggered|is behind|was behind|made)|"
            r"for what reason|how come|what was the reason|what is the reason)\b",
            re.IGNORECASE,
        ),
    ),
    (
        Asks.PLACE,
        re.compile(
            r"\b(where|what (place|city|country|town|venue|room|hall|region|location|island|"
            r"street|stadium)|which (place|city|country|town|venue|room|hall|region|"
            r"location|island|street|stadium|museum|capital)|in which|at which)\b",
            re.IGNORECASE,
        ),
    ),
    (
        Asks.PERSON,
        re.compile(
            r"\b(who|whom|whose|which (person|man|woman|leader|president|minister|player|"
            r"company|firm|team|country|club|group|organisation|organization|party|bank))\b",
            re.IGNORECASE,
        ),
    ),
)


def asks(question: str) -> Asks:
    """The kind of answer ``question`` asks for (``OTHER`` when it does not say)."""
    for kind, pattern in _QUESTION_PATTERNS:
        if pattern.search(question):
            return kind
    return Asks.OTHER


_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|"
    r"double|twice|triple"
)
_NUMBER = re.compile(
    rf"(\d[\d,.]*(\s*(%|per ?cent)|(bn|m|k|tn)\b)?|[$£€¥]\s*\d|\b({_NUMBER_WORDS})\b|\baged\b|"
    r"-year-old\b)",
    re.IGNORECASE,
)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_TIME = re.compile(
    rf"(\b({_MONTHS})\b\.?\s*\d|\d\s*({_MONTHS})\b|\b(1[89]|20)\d\d\b|\b(monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|tonight|"
    r"last (week|month|year|night)|next (week|month|year)|this (week|month|year)|"
    r"earlier this|later this|ago|since|until|decades?|centur(y|ies)|weekend|morning|"
    r"evening|afternoon)\b)",
    re.IGNORECASE,
)
_CAPITALISED_RUN = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)+)")
_PERSON_WORDS = re.compile(
    r"\b(mr|mrs|ms|dr|sir|president|minister|chancellor|prime minister|secretary|chief|"
    r"director|chairman|chairwoman|spokesman|spokeswoman|spokesperson|king|queen|prince|"
    r"governor|mayor|senator|judge|officer|police|prisoners?|workers?|owner|founder|ceo|"
    r"coach|manager|captain|player|singer|actor|actress|author|leader|company|firm|group)\b",
    re.IGNORECASE,
)
_PLACE_WORDS = re.compile(
    r"\b(in|at|near|outside|inside|from|to)\s+(the\s+)?[A-Z][\w'’-]+|\b(city|capital|"
    r"country|town|village|venue|hall|room|stadium|arena|museum|island|street|square|"
    r"palace|building|hotel|airport|region|province|state|headquarters|centre|center)\b",
)
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|result of|caused by|led to|leading to|after|"
    r"following|since|so that|in order to|thanks to|amid|over concerns|reason|why|blamed|"
    r"outbreak|in response to|prompted|triggered)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=65_536)
def carries(sentence: str, kind: Asks) -> bool:
    """Whether ``sentence`` holds the kind of answer ``kind`` names."""
    if kind is Asks.NUMBER:
        return bool(_NUMBER.search(sentence))
    if kind is Asks.TIME:
        return bool(_TIME.search(sentence))
    if kind is Asks.PERSON:
        return bool(_CAPITALISED_RUN.search(sentence) or _PERSON_WORDS.search(sentence))
    if kind is Asks.PLACE:
        return bool(_PLACE_WORDS.search(sentence))
    if kind is Asks.REASON:
        return bool(_REASON.search(sentence))
    return False


class Detail(StrEnum):
    """A narrower kind of number: what a "how old", "how much" or "how long" question wants."""

    AGE = "age"
    MONEY = "money"
    SHARE = "share"
    DURATION = "duration"


_DETAIL_QUESTIONS: tuple[tuple[Detail, re.Pattern[str]], ...] = (
    (Detail.AGE, re.compile(r"\b(how old|what age|at what age)\b", re.IGNORECASE)),
    (
        Detail.SHARE,
        re.compile(
            r"\b(what (percentage|share|proportion|percent)|by how much|how much (of|more|"
            r"less|higher|lower))\b",
            re.IGNORECASE,
        ),
    ),
    (
        Detail.MONEY,
        re.compile(
            r"\b(how much (did|does|do|will|would|was|is|are|were|has|have|money)|what (price|"
            r"cost|sum|amount|fee|salary)|at what (price|cost))\b",
            re.IGNORECASE,
        ),
    ),
    (Detail.DURATION, re.compile(r"\bhow long\b", re.IGNORECASE)),
)
_AMOUNT = r"(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)"
_DETAILS: dict[Detail, re.Pattern[str]] = {
    Detail.AGE: re.compile(
        r"(\b\d+-year-old\b|\baged \d+|\b\d+ years? old\b|\bage of \d+|\b\d+(st|nd|rd|th) "
        r"birthday\b|\b(teen|twent|thirt|fort|fift|sixt|sevent|eight|ninet)\w*-year-old\b)",
        re.IGNORECASE,
    ),
    Detail.MONEY: re.compile(
        r"([$£€¥]\s*\d|\d\s*(bn|m|k)\b|\b\d[\d,.]*\s*(million|billion|trillion|dollars|"
        r"pounds|euros|pence|cents|rupees|yen|roubles|rubles)\b)",
        re.IGNORECASE,
    ),
    Detail.SHARE: re.compile(
        r"(\d\s*(%|per ?cent\b)|\bpercentage points?\b|\b(half|third|quarter|fifth)\b)",
        re.IGNORECASE,
    ),
    Detail.DURATION: re.compile(
        rf"\b{_AMOUNT}[- ](seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|"
        r"seasons?|terms?)\b",
        re.IGNORECASE,
    ),
}


def asked_detail(question: str) -> Detail | None:
    """The narrower kind of number ``question`` asks for, if it says."""
    for detail, pattern in _DETAIL_QUESTIONS:
        if pattern.search(question):
            return detail
    return None


def carries_detail(sentence: str, detail: Detail) -> bool:
    """Whether ``sentence`` holds the narrower kind of number ``detail`` names."""
    return bool(_DETAILS[detail].search(sentence))


_OVERVIEW = re.compile(
    r"\b(what happened|what('s| is| was| has been) (the )?(latest|new|news|going on)|"
    r"any (recent |new |latest )?(news|coverage|reports?|updates?)|latest|most recent|"
    r"news (about|on|from|of)|tell me about|what do (we|you) know about)\b",
    re.IGNORECASE,
)


def asks_overview(question: str) -> bool:
    """Whether ``question`` asks what happened in general, which an article's opening answers."""
    return bool(_OVERVIEW.search(question))


def carries_new(sentence: str, question: str, kind: Asks) -> bool:
    """Whether ``sentence`` carries the answer kind beyond what ``question`` already says.

    A year or number the question names does not count as the answer to it.
    """
    if not carries(sentence, kind):
        return False
    if kind in (Asks.NUMBER, Asks.TIME):
        mentioned = {m.group(0).lower().strip() for m in _NUMBER.finditer(question)}
        mentioned |= {m.group(0).lower().strip() for m in _TIME.finditer(question)}
        pattern = _NUMBER if kind is Asks.NUMBER else _TIME
        found = {m.group(0).lower().strip() for m in pattern.finditer(sentence)}
        return bool(found - mentioned)
    return True
