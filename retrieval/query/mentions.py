"""What a text mentions, without a language model: capitalised names, years, topic words.

Follow-up questions are rewritten from these (``followup.py``). The rules are about English
spelling only: a name is a run of capitalised words; a sentence's first word counts only when
a capitalised word follows it (so "Viewers will choose" names nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.text.tokens import STOPWORDS

__all__ = [
    "CALENDAR",
    "QUESTION_WORDS",
    "Mention",
    "Word",
    "content_words",
    "names",
    "word_set",
    "words",
    "years",
]


def word_set(*lines: str) -> frozenset[str]:
    """The words of ``lines`` (separated by spaces) as a set: word lists that read as prose."""
    return frozenset(word for line in lines for word in line.split())


QUESTION_WORDS = word_set("who whom whose what when where why how which")
CALENDAR = word_set(
    "january february march april may june july august september october november december",
    "monday tuesday wednesday thursday friday saturday sunday",
)
# Lower-case words that may sit inside a name: "Prince Alwaleed bin Talal", "Bank of England".
_JOINERS = word_set("of bin ibn al de del da du van von der le")
# Capitalised words that are not names on their own (pronoun, titles of address).
_NOT_NAMES = word_set("i mr mrs ms dr mr. mrs. ms. dr.")
# Words too vague to carry a conversation's topic.
_VAGUE = word_set(
    "say said says tell told think thought know known see saw happen happened happens",
    "get got make made take took put give gave go went come came let seem want need use used",
    "one two many much ever even still yet really also else new old way thing things people",
    "time times year years",
)
# Imperatives that open a request rather than name something: "Tell me about ...".
_IMPERATIVES = word_set("please show list explain describe name find summarise summarize")
_WORD = re.compile(r"[^\W_](?:[\w'’.&-]*[^\W_])?\.?", re.UNICODE)
_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/.-])")
_SENTENCE_END = re.compile(r"[.?!:;]\s*$")
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.)+$|^(?:St|Mr|Mrs|Ms|Dr|Jr|Sr|Mt)\.$")


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text with its character span and whether a sentence starts with it."""

    text: str
    start: int
    end: int
    opens_sentence: bool

    @property
    def lower(self) -> str:
        """The word in lower case, without a trailing full stop or possessive."""
        return _bare(self.text).lower()

    @property
    def capitalised(self) -> bool:
        """Starts with an upper-case letter."""
        return self.text[:1].isupper()


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in a text.

    Attributes:
        text: The name as written, without a possessive "'s" ("Putin", "St. Louis Park").
        start: Where it starts in the text.
        end: Where it ends.
        after: The lower-case word before it ("" at the start): "the", "in", "did"...
    """

    text: str
    start: int
    end: int
    after: str


def _bare(word: str) -> str:
    """``word`` without a possessive and without a full stop that is not an abbreviation's."""
    for suffix in ("'s", "’s"):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    if word.endswith(".") and not _ABBREVIATION.match(word):
        word = word[:-1]
    return word


def words(text: str) -> list[Word]:
    """The words of ``text`` in order, marked where a sentence starts."""
    found: list[Word] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        between = text[previous_end : match.start()]
        opens = not found or bool(_SENTENCE_END.search(between))
        if found and not opens and found[-1].text.endswith("."):
            opens = not _ABBREVIATION.match(found[-1].text)
        found.append(Word(match.group(), match.start(), match.end(), opens))
        previous_end = match.end()
    return found


def _name_word(word: Word) -> bool:
    lower = word.lower
    return (
        word.capitalised
        and lower not in _NOT_NAMES
        and lower not in CALENDAR
        and not lower.isdigit()
        and any(char.isalpha() for char in lower)
    )


def names(text: str, *, opening: bool = False) -> list[Mention]:
    """The capitalised names in ``text``, in order of appearance (repeats included).

    Args:
        text: The text to read.
        opening: Count a capitalised word that opens a sentence as a name on its own (a
            question's "Moldova?"), unless it is a common opener ("Tell", "Please").
    """
    found: list[Mention] = []
    items = words(text)
    index = 0
    while index < len(items):
        word = items[index]
        if not _name_word(word) or word.lower in STOPWORDS or word.lower in QUESTION_WORDS:
            index += 1
            continue
        run = [word]
        scan = index + 1
        while scan < len(items) and not _SENTENCE_END.search(
            text[run[-1].end : items[scan].start]
        ):
            candidate = items[scan]
            if (_name_word(candidate) and not candidate.opens_sentence) or (
                candidate.lower in _JOINERS
                and scan + 1 < len(items)
                and _name_word(items[scan + 1])
            ):
                run.append(candidate)
            else:
                break
            scan += 1
            if candidate.text.endswith(("'s", "’s")):
                break  # a possessive ends the name: "Vladimir Putin's ring"
        common = not opening or word.lower in _VAGUE or word.lower in _IMPERATIVES
        if word.opens_sentence and len(run) == 1 and not word.text.isupper() and common:
            index += 1  # "Viewers will choose": a capital that only opens the sentence
            continue
        before = items[index - 1].lower if index > 0 else ""
        found.append(
            Mention(
                _bare_name(text[run[0].start : run[-1].end]), run[0].start, run[-1].end, before
            )
        )
        index = index + len(run)
    return found


def _bare_name(name: str) -> str:
    parts = name.split(" ")
    parts[-1] = _bare(parts[-1])
    return " ".join(parts)


def years(text: str) -> list[str]:
    """The years (1900-2099) written in ``text``, in order."""
    return _YEAR.findall(text)


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry its topic, lower-cased, in order, without repeats.

    Stopwords, question words, vague verbs ("say", "happen"), years and calendar words are
    left out.
    """
    seen: list[str] = []
    for word in words(text):
        lower = word.lower.rstrip(".")
        if (
            len(lower) < 3
            or lower in STOPWORDS
            or lower in QUESTION_WORDS
            or lower in _VAGUE
            or lower in CALENDAR
            or lower.isdigit()
            or lower in seen
        ):
            continue
        seen.append(lower)
    return seen
