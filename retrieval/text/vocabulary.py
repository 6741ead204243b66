"""The corpus's own words and how often they occur: what misspelt questions are corrected to.

Besides each lower-cased word, the vocabulary counts how often the word is written with a
capital letter, under its capitalised form ("Kiev"): a word that is nearly always capitalised
is a name, which spelling may fold a transliteration into ("Kyiv" -> "Kiev").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from retrieval.records import Article

# Letters only; an inner apostrophe stays ("don't"), a hyphen separates words.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")


def words(text: str) -> list[str]:
    """The words of ``text`` as written: letters only, possessive "'s" dropped, 2+ letters.

    A hyphenated word gives its parts ("Nagorno-Karabakh" -> "Nagorno", "Karabakh").
    """
    found = (_POSSESSIVE.sub("", w.replace("’", "'")) for w in _WORD.findall(text))
    return [w for w in found if len(w) >= 2]


def capitalised(word: str) -> str:
    """The key under which the vocabulary counts a lower-case ``word``'s capitalised uses."""
    return word[:1].upper() + word[1:]


def count_words(articles: Iterable[Article]) -> Counter[str]:
    """How often each word occurs in the articles' titles and texts.

    Keys are lower-cased words, plus ``capitalised(word)`` for the occurrences that start
    with a capital letter (sentence starts included).
    """
    written: Counter[str] = Counter()
    for article in articles:
        written.update(_WORD.findall(article.title))
        written.update(_WORD.findall(article.text))
    counts: Counter[str] = Counter()
    for form, count in written.items():
        for word in words(form):
            lower = word.lower()
            counts[lower] += count
            if word[0].isupper():
                counts[capitalised(lower)] += count
    return counts


def is_name(word: str, vocabulary: Mapping[str, int], *, share: float = 0.8) -> bool:
    """Whether the corpus writes lower-case ``word`` with a capital at least ``share`` of times."""
    total = vocabulary.get(word, 0)
    return total > 0 and vocabulary.get(capitalised(word), 0) >= share * total
