"""Whether a question leans on the one before it: an opening "and", a pronoun, a fragment.

A question is elliptical when it opens with a connective ("and", "what about", "who else"),
refers back with a personal pronoun ("he", "their"), is a bare fragment ("in 2023?",
"Moldova?", "why?"), or names nothing of its own while pointing back ("the chain", "that",
"there") or asking almost nothing ("who stayed away?"). Anything else stands on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.query.mentions import (
    QUESTION_WORDS,
    content_words,
    names,
    word_set,
    words,
    years,
)

__all__ = [
    "AUXILIARIES",
    "PERSONAL",
    "SINGULAR_PERSONAL",
    "TIME_ONLY",
    "Reading",
    "is_fragment",
    "read_question",
    "refers_back",
]

AUXILIARIES = word_set(
    "is are was were be been do does did has have had will would can could should shall may",
    "might must",
)
"""Verbs that make a question of what follows them: a fragment has none."""
SINGULAR_PERSONAL = word_set("he she him his her")
"""Pronouns that stand for one person."""
TIME_ONLY = re.compile(
    r"^(?:(?:in|during|of|from|for|since|after|before|until)\s+(?:the\s+year\s+)?)?"
    r"(?:19|20)\d\d$|^(?:this|last|next)\s+year$",
    re.IGNORECASE,
)
"""A fragment that names a time and nothing else: "in 2023", "this year"."""

_CONNECTIVES = word_set("and but also so then plus or ok okay")
_SWITCHES = ("what about", "how about", "what of")
PERSONAL = SINGULAR_PERSONAL | word_set("hers they them their theirs himself herself themselves")
"""Pronouns that stand for people named before."""
_POINTING = word_set("it its itself that this these those there the such same else former latter")


@dataclass(frozen=True, slots=True)
class Reading:
    """A question split from its opening connective.

    Attributes:
        body: The question without it: "dancing" of "and what about dancing?".
        shown: How a rewrite shows it: "what about dancing", "who else was there".
        opened: An opening ("and", "what about", "who else") marks it as a follow-up.
        switch: It asks "what about" something: a fragment, however long.
    """

    body: str
    shown: str
    opened: bool = False
    switch: bool = False

    @property
    def elliptical(self) -> bool:
        """Whether the question leans on the one before it."""
        return bool(self.body) and (self.opened or refers_back(self.body))


def read_question(question: str) -> Reading:
    """Split ``question`` from an opening connective ("and", "what about", "who else")."""
    text = question.strip().rstrip("?!. ").strip()
    first, _, rest = text.partition(" ")
    opened = first.lower().strip(",") in _CONNECTIVES and bool(rest)
    if opened:
        text = rest.strip(" ,")
        first, _, rest = text.partition(" ")
    lower = text.lower()
    for switch in _SWITCHES:
        if lower.startswith(switch + " "):
            return Reading(text[len(switch) :].strip(" ,"), text, opened=True, switch=True)
    if first.lower() in QUESTION_WORDS and rest.split(" ", 1)[0].lower() == "else":
        return Reading(text, text, opened=True)  # "who else was there?"
    return Reading(text, text, opened=opened)


def refers_back(body: str) -> bool:
    """Whether a question without an opening connective depends on what came before."""
    lowered = [w.lower for w in words(body)]
    if any(w in PERSONAL for w in lowered) or TIME_ONLY.match(body):
        return True
    if names(body, opening=True) or years(body):
        return False
    if is_fragment(body) or _asks_little(body):
        return True
    return any(w in _POINTING for w in lowered)


def is_fragment(body: str) -> bool:
    """A bare fragment: "in 2023", "Moldova", "the rats", "why", "why there"."""
    lowered = [w.lower for w in words(body)]
    if not lowered or len(lowered) > 3 or any(w in AUXILIARIES for w in lowered):
        return False
    return lowered[0] not in QUESTION_WORDS or len(lowered) <= 2


def _asks_little(body: str) -> bool:
    """A question with at most one word of topic and no name: "who stayed away?"."""
    return len(content_words(body)) <= 1 and not names(body, opening=True)
