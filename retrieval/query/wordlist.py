"""The corpus vocabulary prepared for spelling: known words and stems, near spellings, names.

Near spellings come from a SymSpell-style deletion index: every corpus word and each of its
one-letter deletions, hashed into one sorted array, so that a question word's deletions find
the corpus words within an edit or two without comparing it with every word (a vocabulary of
100,000 words takes about 15 MB and well under a second to prepare, once per index).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from retrieval.text.tokens import stem_words
from retrieval.text.vocabulary import is_name

LIKELY_TYPO_WEIGHT = 4.0
"""A dropped or swapped letter is the likeliest typo: such candidates count this many times."""
SOUNDS_ALIKE_WEIGHT = 4.0
"""A candidate with the word's consonant skeleton ("wich" -> "which", not "with") counts this
many times more."""
NAME_LENGTH_SLACK = 2
"""A name's transliterations differ in length by this many letters at most."""

# Letters a transliteration or a misspelling adds or drops freely ("Kiev"/"Kyiv", "wich").
_SOFT = frozenset("aeiouyh")


class WordList:
    """Lookups over one corpus vocabulary (lower-case words and their counts)."""

    def __init__(self, vocabulary: Mapping[str, int]) -> None:
        self._counts = {
            w: c for w, c in vocabulary.items() if w.isalpha() and w == w.lower() and c > 0
        }
        self._vocabulary = vocabulary
        self._words = list(self._counts)
        self._stems = frozenset(stem_words(self._words))
        self._names: dict[str, list[str]] = {}
        for word in self._words:
            if len(word) >= 3 and is_name(word, vocabulary):
                self._names.setdefault(skeleton(word), []).append(word)
        keys: list[int] = []
        owners: list[int] = []
        for number, word in enumerate(self._words):
            if len(word) >= 3:
                keys.append(hash(word))
                keys.extend(map(hash, _deletions(word)))
                owners.extend([number] * (len(word) + 1))
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        self._keys: npt.NDArray[np.int64] = np.asarray(keys, dtype=np.int64)[order]
        self._owners: npt.NDArray[np.int64] = np.asarray(owners, dtype=np.int64)[order]

    def __len__(self) -> int:
        return len(self._words)

    def count(self, word: str) -> int:
        """How often the corpus uses lower-case ``word``."""
        return self._counts.get(word, 0)

    def is_name(self, word: str) -> bool:
        """Whether the corpus nearly always writes lower-case ``word`` with a capital."""
        return is_name(word, self._vocabulary)

    def knows(self, word: str) -> bool:
        """Whether the corpus uses lower-case ``word`` or another inflection of it."""
        return word in self._counts or stem_words([word])[0] in self._stems

    def nearest(self, word: str, *, max_distance: int = 1) -> str | None:
        """The likeliest corpus word within ``max_distance`` edits of ``word``, or None.

        The closest distance wins, then the most frequent word; a dropped or swapped letter
        weighs ``LIKELY_TYPO_WEIGHT`` times, the same consonants ``SOUNDS_ALIKE_WEIGHT``
        times. Candidates keep the first letter (or swap it with the second): few typos
        change it. With ``max_distance`` 2, two substitutions
        in one word are not found (the index holds one deletion per corpus word).
        """
        variants = {word, *_deletions(word)}
        if max_distance >= 2:
            variants |= {d for v in list(variants) for d in _deletions(v)}
        hashes = np.fromiter((hash(v) for v in variants), dtype=np.int64, count=len(variants))
        left = np.searchsorted(self._keys, hashes, side="left")
        right = np.searchsorted(self._keys, hashes, side="right")
        owners = {int(o) for lo, hi in zip(left, right, strict=True) for o in self._owners[lo:hi]}
        best: tuple[int, float, str] | None = None
        for owner in owners:
            candidate = self._words[owner]
            if candidate == word or not _same_start(word, candidate):
                continue
            distance = edit_distance(word, candidate)
            if distance > max_distance:
                continue
            weight = float(self._counts[candidate])
            if distance == 1 and _likely_typo(word, candidate):
                weight *= LIKELY_TYPO_WEIGHT
            if skeleton(candidate) == skeleton(word):
                weight *= SOUNDS_ALIKE_WEIGHT
            key = (distance, -weight, candidate)
            if best is None or key < best:
                best = key
        return None if best is None else best[2]

    def name_like(self, word: str) -> str | None:
        """The one corpus name that sounds like ``word`` (same consonant skeleton), or None."""
        found = [
            name
            for name in self._names.get(skeleton(word), ())
            if name != word and abs(len(name) - len(word)) <= NAME_LENGTH_SLACK
        ]
        return found[0] if len(found) == 1 else None


def skeleton(word: str) -> str:
    """The first letter, then the consonants (but "h") without repeats: "Kyiv", "Kiev" -> "kv"."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )
    if not plain:
        return ""
    letters = [plain[0]]
    for char in plain[1:]:
        if char in _SOFT or not char.isalpha() or char == letters[-1]:
            continue
        letters.append(char)
    return "".join(letters)


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): a swap counts as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _deletions(word: str) -> Iterable[str]:
    return (word[:i] + word[i + 1 :] for i in range(len(word)))


def _same_start(word: str, candidate: str) -> bool:
    return word[0] == candidate[0] or word[:2] == candidate[1::-1]


def _likely_typo(word: str, candidate: str) -> bool:
    """One letter dropped from ``candidate``, or two neighbours swapped."""
    if len(candidate) == len(word) + 1:
        return True
    return len(candidate) == len(word) and sorted(candidate) == sorted(word)
