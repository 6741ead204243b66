"""Names written two ways, learned from the corpus: "Commonwealth of Independent States (CIS)".

Only what the articles themselves say is learned; there is no hand-written list of countries,
people or organisations.
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
_SMALL_WORDS = frozenset({"of", "for", "and", "the", "de", "on", "in"})


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _SMALL_WORDS).upper()


def acronym_pairs(text: str) -> list[tuple[str, str]]:
    """``(full name, acronym)`` pairs spelt out in ``text``."""
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
    return pairs


def learn_aliases(articles: Iterable[Article]) -> list[tuple[str, str]]:
    """Every ``(name, alias)`` pair the articles spell out, in a stable order."""
    found: set[tuple[str, str]] = set()
    for article in articles:
        found.update(acronym_pairs(article.text))
    return sorted(found)
