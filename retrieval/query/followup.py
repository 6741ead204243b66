"""Follow-up questions: "and in 2023?" or "what did he say?" rewritten from the conversation.

No language model: the rewrite uses the previous question and the names of the answer it got
(``mentions.py``), for questions that lean on the one before (``ellipsis.py``); a question
that stands on its own is left alone.

The rewrite, in order of preference: a new year in the previous question ("... in 2023?");
a new name or thing in its place ("How much will Wippit cost?", "How many rats ..."); a
personal pronoun replaced by the one person the previous question named; and, for the rest,
the question followed by the conversation's context in brackets: "why? (Ilham Aliyev, CIS)".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.query.ellipsis import (
    AUXILIARIES,
    PERSONAL,
    SINGULAR_PERSONAL,
    TIME_ONLY,
    is_fragment,
    read_question,
)
from retrieval.query.mentions import (
    QUESTION_WORDS,
    content_words,
    names,
    word_set,
    words,
    years,
)
from retrieval.records import Answer
from retrieval.text.tokens import token_set, tokenize

__all__ = ["MAX_TURNS", "Turn", "continue_conversation", "rewrite_followup"]

MAX_TURNS = 3
"""Turns of a conversation kept as context."""
CONTEXT_WORDS = 8
"""Most words of context added in brackets to a follow-up that says little itself."""
CONTEXT_WORDS_SUBSTANTIAL = 4
"""Most words of context for a follow-up with a name or several topic words of its own: more
would drown what it asks."""

_PLACE_WORDS = word_set("in at on from to into near across the of")
# Time words other than years: a question with them keeps its own time, not the last one's.
_OWN_TIME = re.compile(
    r"\b(?:this|last|next) year\b|\b(?:latest|newest|recent|recently|now|today)\b", re.I
)
# Pronouns that point at someone outside the question (reflexives point inside it).
_POINTING_PERSONAL = PERSONAL - word_set("himself herself themselves")
_TIME = re.compile(
    r"\b(?:(?:in|during|of|from|for|since|after|before|until)\s+(?:the\s+year\s+)?)?"
    r"(?:19|20)\d\d\b|\b(?:this|last|next)\s+year\b",
    re.IGNORECASE,
)
_CONTEXT = re.compile(r"^(?P<core>.*?) \((?P<context>[^()]*)\)$")
_ASKED_THING = re.compile(
    r"^(?P<head>how many|how much|which|what)\s+(?P<thing>(?:[\w'’-]+\s+){1,3}?)"
    r"(?P<rest>(?:" + "|".join(sorted(AUXILIARIES)) + r")\b.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Turn:
    """An earlier question of the conversation (as it was understood) and its answer."""

    question: str
    answer: Answer


def continue_conversation(
    previous: Sequence[Turn], answer: Answer, *, max_turns: int = MAX_TURNS
) -> tuple[Turn, ...]:
    """The conversation after ``answer``: a follow-up extends it, a new question starts over.

    Args:
        previous: The turns the question was asked after, oldest first.
        answer: The engine's answer (``understood_as`` says whether it was a follow-up).
        max_turns: Most turns kept; the oldest go first.
    """
    if answer.understood_as is None:
        return (Turn(answer.question, answer),)
    return (*previous, Turn(answer.understood_as, answer))[-max_turns:]


def rewrite_followup(question: str, previous: Sequence[Turn]) -> str | None:
    """The question as it stands on its own after ``previous`` (oldest first), or None.

    None means the question needs no rewriting: it is not a follow-up.
    """
    if not previous:
        return None
    last = previous[-1]
    core, carried = _split_context(last.question)
    reading = read_question(question)
    if not reading.elliptical:
        return None
    body = reading.body
    if TIME_ONLY.match(body):
        return _with_context(_swap_time(core, body), carried)
    if reading.switch or is_fragment(body):
        swapped = _swap_thing(core, body)
        if swapped is not None:
            return _with_context(swapped, carried)
        rewritten = _sentence(reading.shown)
        person = None
    else:
        person = _person(core, last.answer)
        shown = reading.shown if person is None else _replace_person(reading.shown, person)
        rewritten = _sentence(shown)
    # A question with substance of its own gets less context: none from the answer unless a
    # pronoun still points at it, and only names when it names something itself. More would
    # drown what it asks.
    named = bool(names(rewritten, opening=True))
    substantial = named or len(content_words(rewritten)) >= 2
    pointing = person is None and any(w.lower in _POINTING_PERSONAL for w in words(rewritten))
    context = _context(
        core,
        carried,
        last.answer,
        answer_names=pointing or not substantial,
        topic=not named,
    )
    if not years(rewritten) and not _OWN_TIME.search(rewritten):
        context = [*years(core), *context]
    budget = CONTEXT_WORDS_SUBSTANTIAL if substantial else CONTEXT_WORDS
    return _with_context(rewritten, context, budget=budget)


def own_words(question: str) -> str:
    """A rewritten question without the context it carries in brackets.

    Key sentences are chosen by these words: the bracketed context finds the right articles,
    but would pick the sentence that answered the previous question again.
    """
    return _split_context(question)[0]


def _split_context(question: str) -> tuple[str, list[str]]:
    """A rewritten question's own words and the context it carried in brackets."""
    match = _CONTEXT.match(question)
    if match is None:
        return question, []
    return match["core"], [part.strip() for part in match["context"].split(",") if part.strip()]


# -- rewriting ---------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    """``text`` as a question: first letter capitalised, one question mark."""
    text = text.strip().rstrip("?!. ")
    return text[:1].upper() + text[1:] + "?"


def _swap_time(core: str, time: str) -> str:
    """The previous question with its time words replaced by ``time``."""
    stripped = _TIME.sub("", core.rstrip("?!. ")).strip()
    stripped = re.sub(r"\s{2,}", " ", stripped).rstrip(" ,")
    time = f"in {time}" if time[:1].isdigit() else time[:1].lower() + time[1:]
    return _sentence(f"{stripped} {time}")


def _swap_thing(core: str, fragment: str) -> str | None:
    """The previous question about ``fragment`` instead: a name in the place of its last name,
    a thing in the place of what a "how many" or "which" question asked about; None when
    there is no such place."""
    thing = re.sub(r"^(?:the|a|an)\s+", "", fragment, flags=re.IGNORECASE)
    if thing.lower().split(" ")[0] in QUESTION_WORDS or not content_words(thing):
        return None  # "why there?", "and?", "what about it?": nothing to put in its place
    if _only_names(thing):
        # A name after "the" describes something else ("the Bishkek summit"): not its place.
        slots = [m for m in names(core) if m.after != "the"]
        if not slots:
            return None
        slot = slots[-1]
        return _sentence(core[: slot.start] + thing + core[slot.start + len(slot.text) :])
    if names(thing, opening=True):
        return None
    match = _ASKED_THING.match(core.rstrip("?!. "))
    if match is None:
        return None
    return _sentence(f"{match['head']} {thing} {match['rest']}")


def _only_names(text: str) -> bool:
    """Whether every word of ``text`` belongs to a name ("Moldova", "Bank of England")."""
    found = names(text, opening=True)
    return bool(found) and sum(len(m.text.split()) for m in found) == len(text.split())


def _person(core: str, answer: Answer) -> str | None:
    """The person "he" or "her" stands for: the one the previous question named, or when it
    asked who ("who refused?"), the first its answer's key sentence names."""
    people = _people(core)
    if len(people) == 1:
        return people[0]
    asked_who = read_question(core).body.lower().startswith(("who ", "whom ", "whose "))
    if people or not asked_who or not answer.answered:
        return None
    named = _people(answer.citations[0].key_sentence)
    return named[0] if named else None


def _replace_person(body: str, person: str) -> str:
    """``body`` with its first "he", "she", "him", "his" or "her" replaced by ``person``."""
    items = words(body)
    for index, word in enumerate(items):
        if word.lower not in SINGULAR_PERSONAL:
            continue
        following = items[index + 1].lower if index + 1 < len(items) else ""
        possessive = word.lower == "his" or (
            word.lower == "her"
            and following not in ("", "?")
            and following not in AUXILIARIES
            and following not in ("to", "in", "on", "at", "about", "for", "with", "from")
        )
        replacement = f"{person}'s" if possessive else person
        return body[: word.start] + replacement + body[word.end :]
    return body


def _people(text: str) -> list[str]:
    """Names in ``text`` that may be people: not after "the" or a place preposition, not an
    acronym, and not an adjective of nationality or a possessor before a noun ("Russian
    peacekeepers", "Armenia's leader": the noun is who is meant)."""
    found: list[str] = []
    items = words(text)
    for mention in names(text):
        if mention.after in _PLACE_WORDS or mention.text.isupper():
            continue
        following = next((w for w in items if w.start >= mention.end), None)
        before_noun = following is not None and not following.capitalised
        possessor = text[mention.end - 2 : mention.end] in ("'s", "’s")
        if before_noun and (possessor or mention.text.endswith(("ian", "ese", "ish"))):
            continue
        if mention.text not in found:
            found.append(mention.text)
    return found


def _answer_names(answer: Answer) -> list[str]:
    """The names of an answer that matter most: citation 1's key sentence, then its title."""
    if not answer.answered:
        return []
    first = answer.citations[0]
    return [m.text for m in names(first.key_sentence)] + [m.text for m in names(first.title)]


def _context(
    core: str, carried: Sequence[str], answer: Answer, *, answer_names: bool, topic: bool
) -> list[str]:
    """What a follow-up may lack, most telling first: the previous question's names, the
    context it carried itself, (with ``topic``) its topic words that its answer's first
    excerpt shares (all of them when it was refused), then (with ``answer_names``) the names
    in the answer's key sentence and title."""
    found = [m.text for m in names(core)]
    if not topic:
        carried_names = [c for c in carried if c[:1].isupper() or c[:1].isdigit()]
        return [*found, *carried_names, *(_answer_names(answer) if answer_names else ())]
    named = {word.lower for mention in found for word in words(mention)}
    topic_words = [w for w in content_words(core) if w not in named]
    if answer.answered:
        first = answer.citations[0]
        shared = token_set(f"{first.excerpt} {first.title}")
        topic_words = [w for w in topic_words if set(tokenize(w)) <= shared]
    return [*found, *carried, *topic_words, *(_answer_names(answer) if answer_names else ())]


def _with_context(question: str, context: Sequence[str], *, budget: int = CONTEXT_WORDS) -> str:
    """``question`` followed by the context it lacks in brackets, ``budget`` words at most."""
    chosen: list[str] = []
    count = 0
    for phrase in context:
        # "Vladimir Putin" adds nothing to a question about "Putin": same surname, same man.
        if _contains(question, phrase.split()[-1]) or any(
            _contains(c, phrase) or _contains(phrase, c) for c in chosen
        ):
            continue
        size = len(phrase.split())
        if count + size > budget:
            continue
        chosen.append(phrase)
        count += size
    return f"{question} ({', '.join(chosen)})" if chosen else question


def _contains(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words, ignoring case."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None
