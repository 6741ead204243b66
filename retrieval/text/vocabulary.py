"""The corpus's own words and how often they occur: what misspelt questions are corrected to."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from retrieval.records import Article

_WORD = re.compile(r"[^\W\d_]{2,}(?:['’-][^\W\d_]+)*")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased (letters only; hyphenated and possessive kept whole)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def count_words(articles: Iterable[Article]) -> Counter[str]:
    """How often each word occurs in the articles' titles and texts."""
    counts: Counter[str] = Counter()
    for article in articles:
        counts.update(words(article.title))
        counts.update(words(article.text))
    return counts
