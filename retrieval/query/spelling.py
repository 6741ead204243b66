"""Misspelt words corrected against the corpus's own vocabulary before searching.

Only a word that neither the corpus nor English knows (the model's WordPiece words; an
inflection of a corpus or English word counts as known) is corrected, and only when it is long
enough to judge: to the likeliest corpus word within a small Damerau-Levenshtein distance. A name
written another way (a transliteration: "Kyiv" for the corpus's "Kiev") is folded into the one
corpus name with the same consonant skeleton, when the model agrees they mean the same. Two
words the corpus writes as one name are joined ("Open AI" -> "OpenAI"). Numbers, short words
and acronyms are never touched.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping

from retrieval.query.english import english_words, is_english
from retrieval.query.wordlist import WordList
from retrieval.text.vocabulary import is_name

MIN_LENGTH = 4
"""Shorter words are never corrected: too many words lie one edit away."""
NAME_MIN_SIMILARITY = 0.6
"""Cosine (of the two words' embeddings) from which a name fold is trusted."""
WORDLISTS_KEPT = 4

Similarity = Callable[[str, str], float]

_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’][^\W\d_]+)*(?!\w)")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)

_wordlists: dict[int, tuple[Mapping[str, int], WordList]] = {}
_wordlists_lock = threading.Lock()


def correct_spelling(
    text: str,
    vocabulary: Mapping[str, int],
    *,
    english: frozenset[str] | None = None,
    similarity: Similarity | None = None,
) -> str | None:
    """``text`` with misspelt words replaced by corpus words, or None when nothing changed.

    Args:
        text: The question.
        vocabulary: The corpus's word counts (``retrieval.text.vocabulary.count_words``).
        english: English words, never corrected, nor their regular inflections (default:
            the model's WordPiece words).
        similarity: How alike two words are in meaning (0-1); without it, a word the model
            knows is never folded into a corpus name.
    """
    known_english = english_words() if english is None else english
    words = wordlist(vocabulary)
    pieces: list[str] = []
    cursor = 0
    changed = False
    matches = list(_WORD.finditer(text))
    skip_next = False
    for position, match in enumerate(matches):
        if skip_next:
            skip_next = False
            continue
        start, end = match.span()
        replacement = None
        following = matches[position + 1] if position + 1 < len(matches) else None
        if following is not None and text[end : following.start()] == " ":
            replacement = _joined(match.group(), following.group(), vocabulary, known_english)
            if replacement is not None:
                end = following.end()
                skip_next = True
        if replacement is None:
            replacement = _corrected(match.group(), words, known_english, similarity)
        if replacement is not None:
            pieces += [text[cursor:start], replacement]
            cursor = end
            changed = True
    if not changed:
        return None
    return "".join([*pieces, text[cursor:]])


def wordlist(vocabulary: Mapping[str, int]) -> WordList:
    """The lookup structures for ``vocabulary``, built on first use and kept for a few indexes."""
    with _wordlists_lock:
        entry = _wordlists.get(id(vocabulary))
        if entry is not None and entry[0] is vocabulary:
            return entry[1]
    built = WordList(vocabulary)
    with _wordlists_lock:
        while len(_wordlists) >= WORDLISTS_KEPT:
            del _wordlists[next(iter(_wordlists))]
        # The entry keeps the vocabulary alive, so its id cannot be reused while cached.
        _wordlists[id(vocabulary)] = (vocabulary, built)
    return built


def _corrected(
    written: str, words: WordList, english: frozenset[str], similarity: Similarity | None
) -> str | None:
    """The corpus spelling of one question word, or None to keep it."""
    possessive = _POSSESSIVE.search(written)
    stem = written[: possessive.start()] if possessive else written
    word = stem.lower()
    if len(word) < MIN_LENGTH or (stem.isupper() and len(stem) <= 6) or words.knows(word):
        return None
    known = is_english(word, english)
    target = None
    if not known:
        target = words.nearest(word, max_distance=1 if len(word) < 9 else 2)
        if target is not None and stem.islower() and words.is_name(target):
            target = None  # "vegan" is no typo of "Vegas": misspelt names come capitalised
    if target is None and (not known or stem[0].isupper()):
        target = _name_fold(word, known, words, similarity)
    if target is None:
        return None
    return _cased_like(stem, target) + (possessive.group() if possessive else "")


def _name_fold(
    word: str, english: bool, words: WordList, similarity: Similarity | None
) -> str | None:
    """The corpus name ``word`` transliterates, when the model agrees (or cannot be asked)."""
    name = words.name_like(word)
    if name is None:
        return None
    if similarity is None:
        return None if english else name
    return name if similarity(word, name) >= NAME_MIN_SIMILARITY else None


def _joined(
    first: str, second: str, vocabulary: Mapping[str, int], english: frozenset[str]
) -> str | None:
    """``first + second`` when the corpus writes them as one name ("Open AI" -> "OpenAI")."""
    joined = first + second
    lower = joined.lower()
    if lower in english or len(lower) < MIN_LENGTH or not is_name(lower, vocabulary):
        return None
    return joined


def _cased_like(written: str, word: str) -> str:
    if written.isupper() and len(written) > 1:
        return word.upper()
    if written[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
