"""Search tokens: lower-cased words without stopwords, stemmed (for BM25 and term matching)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

import Stemmer

_TOKEN = re.compile(r"\w\w+", re.UNICODE)
_HYPHENATED = re.compile(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)+(?![\w-])")

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "said",
        "says",
        "say",
        "tell",
        "told",
        "know",
        "get",
        "gets",
        "got",
        "getting",
        "gotten",
    ]
)


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-case, split into words of two or more characters, drop stopwords, stem.

    A hyphenated word also gives its parts joined ("e-mails" -> "mail", "email"), so that it
    matches the same word written solid.
    """
    lower = text.lower()
    words = [w for w in _TOKEN.findall(lower) if w not in STOPWORDS]
    if "-" in lower:
        words += [m.replace("-", "") for m in _HYPHENATED.findall(lower)]
    return stem_words(words)


def stem_words(words: Sequence[str]) -> list[str]:
    """The Snowball (English) stem of each word, in order."""
    return list(_stemmer().stemWords(list(words))) if words else []


@lru_cache(maxsize=65_536)
def token_set(text: str) -> frozenset[str]:
    """The distinct tokens of ``text``, remembered: answers look at the same sentences often."""
    return frozenset(tokenize(text))
