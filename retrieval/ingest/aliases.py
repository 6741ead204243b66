"""Names written two ways, learned from the corpus: "Commonwealth of Independent States (CIS)".

The articles spell pairs out in a few ways: a full name followed by its acronym in brackets,
an acronym followed by its full name in brackets, and "X, known as Y" ("also known as",
"better known as", "also called", "nicknamed", "formerly", "(formerly Y)"). Only what the
articles themselves say is learned; there is no hand-written list of countries, people or
organisations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.records import Article

# "Full Name Of Something (FNOS)": capitalised words (with small joining words) then an
# acronym in brackets whose letters are the initials of the capitalised words.
_FULL_THEN_ACRONYM = re.compile(
    r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|the|de|on|in)\s+)*){1,8}[A-Z][\w'’-]*)\s+\(([A-Z]{2,8})\)"
)
# "the ICC (International Criminal Court)": an acronym, then its full name in brackets.
_ACRONYM_THEN_FULL = re.compile(r"\b([A-Z]{2,8})\s+\(([A-Z][^()]{3,80})\)")
# The words between a name and the other name it is known by.
_KNOWN_AS = re.compile(
    r"(?:,|\s\()\s*(?:also\s+|better\s+|now\s+|sometimes\s+|popularly\s+)?"
    r"(?:known\s+as|called|nicknamed|dubbed|formerly(?:\s+known\s+as)?|a\.?k\.?a\.?)\s+"
    r"(?:the\s+)?"
)
_SMALL_WORDS = frozenset({"of", "for", "and", "the", "de", "on", "in"})
_LEADING_WORDS = frozenset({"the", "a", "an"})
_NAME_WORD = re.compile(r"[\w'’.&-]+")
_QUOTES = "\"'“”‘’«»"
# Where a name stops: a clause break, or a sentence end.
_BREAK = re.compile(r"[,;:()!?\n\"“”«»]|\.\s")
MAX_NAME_WORDS = 6


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _SMALL_WORDS).upper()


def acronym_pairs(text: str) -> list[tuple[str, str]]:
    """``(full name, acronym)`` pairs spelt out in ``text``, either way round."""
    pairs = []
    for match in _FULL_THEN_ACRONYM.finditer(text):
        words = match.group(1).split()
        acronym = match.group(2)
        # The full name is the shortest tail of the capitalised run whose initials match.
        for first in range(len(words)):
            candidate = " ".join(words[first:])
            if candidate.split()[0].lower() in _SMALL_WORDS:
                continue
            if _initials(candidate) == acronym:
                pairs.append((candidate, acronym))
                break
    for match in _ACRONYM_THEN_FULL.finditer(text):
        acronym, full = match.group(1), " ".join(match.group(2).split())
        if _initials(full) == acronym:
            pairs.append((full, acronym))
    return pairs


def known_as_pairs(text: str) -> list[tuple[str, str]]:
    """``(name, other name)`` pairs such as "Mahmoud Abbas, also known as Abu Mazen"."""
    pairs = []
    for match in _KNOWN_AS.finditer(text):
        name = _name_before(text, match.start())
        alias = _name_after(text, match.end())
        if name and alias and name.lower() != alias.lower():
            pairs.append((name, alias))
    return pairs


def learn_aliases(articles: Iterable[Article]) -> list[tuple[str, str]]:
    """Every ``(name, alias)`` pair the articles spell out, in a stable order."""
    found: set[tuple[str, str]] = set()
    for article in articles:
        found.update(acronym_pairs(article.text))
        found.update(known_as_pairs(article.text))
    return sorted(found)


def _name_before(text: str, end: int) -> str:
    """The run of capitalised words that ends at ``end`` (small joining words inside)."""
    window = _BREAK.split(text[max(0, end - 200) : end])[-1]
    words = _NAME_WORD.findall(window)
    run: list[str] = []
    for word in reversed(words):
        if word[0].isupper() or (word in _SMALL_WORDS and run):
            run.insert(0, word)
        else:
            break
        if len(run) > MAX_NAME_WORDS + 2:
            return ""
    while run and (run[0].lower() in _SMALL_WORDS or run[0].lower() in _LEADING_WORDS):
        run.pop(0)
    return " ".join(run) if 0 < len(run) <= MAX_NAME_WORDS else ""


def _name_after(text: str, start: int) -> str:
    """The run of capitalised words (perhaps quoted) that starts at ``start``."""
    window = _BREAK.split(text[start : start + 200].lstrip(_QUOTES))[0]
    words = _NAME_WORD.findall(window)
    run: list[str] = []
    for word in words:
        if word[0].isupper() or (word in _SMALL_WORDS and run):
            run.append(word)
        else:
            break
    while run and run[-1] in _SMALL_WORDS:
        run.pop()
    cleaned = " ".join(run).rstrip(".")
    return cleaned if 0 < len(run) <= MAX_NAME_WORDS else ""
