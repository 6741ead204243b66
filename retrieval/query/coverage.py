"""How much of a question a passage mentions, however either writes its words and names.

The relevance gate weighs the question's terms by IDF. Here a term counts as mentioned when
the passage writes it another way: another inflection ("rings" / "a ring", "Putins" /
"Putin's": the stems agree), hyphenated or solid ("e-mails" / "emails"), or another form of
a name the corpus spells out ("ICC" / "International Criminal Court"). The question should
already be spell-corrected (``retrieval.query.spelling``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.index.view import IndexView
from retrieval.query.names import name_spans
from retrieval.text.tokens import token_set, tokenize

_YEAR = re.compile(r"(19|20)\d\d")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_CAPITAL_WORD = re.compile(r"[\w’'&]+(?:-[\w’'&]+)*")
_CONNECTORS = frozenset({"of", "for", "and", "the", "on", "de", "&"})
_WORD = re.compile(r"[\w&]+(?:-[\w&]+)*")
KEYWORD_MAX_TERMS = 3
_QUESTION_START = re.compile(
    r"^\s*(who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|can|could|"
    r"will|would|should|has|have|had)\b",
    re.IGNORECASE,
)


_HOW_MEASURE = re.compile(
    r"\bhow\s+(long|many|much|old|far|often|big|large|tall|high|soon|late|early|fast|deep|"
    r"wide|heavy|close|bad|serious)\b",
    re.IGNORECASE,
)
""""How long" asks for a duration: "long" is the question's word, not the article's."""


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a question and the ways a passage may mention it.

    Attributes:
        tokens: Its search tokens as the question writes it (their IDF is its weight).
        forms: Token sets of which a passage must contain any one, all of its tokens.
    """

    tokens: tuple[str, ...]
    forms: tuple[frozenset[str], ...]
    acronym: str = ""

    def mentioned(self, present: frozenset[str]) -> bool:
        """Whether a passage with tokens ``present`` mentions the term in any of its forms."""
        return any(form <= present for form in self.forms)


def spells_out(acronym: str, text: str) -> bool:
    """Whether ``text`` writes ``acronym`` in full: "ICC" in "the International Criminal Court".

    Capitalised words give their initials; "of", "for", "and", "the" between them may be
    skipped ("Organisation for Economic Co-operation and Development" -> "OECD"). Hyphenated
    words give the initial of each part.
    """
    letters = acronym.upper()
    words = _CAPITAL_WORD.findall(text)
    for start in range(len(words)):
        spelled = ""
        for word in words[start:]:
            if word.lower() in _CONNECTORS:
                if not spelled:
                    break
                continue
            if not word[:1].isupper():
                break
            spelled += "".join(part[:1] for part in word.split("-") if part[:1].isupper())
            if not letters.startswith(spelled):
                break
            if spelled == letters:
                return True
    return False


def question_terms(
    question: str, aliases: tuple[tuple[str, str], ...] = (), *, published_year: int | None = None
) -> list[Term]:
    """The question's terms, each with its other forms; years only as ``published_year``.

    Years are left to the date filter: a year equal to ``published_year`` stays a term (the
    caller counts it present), other years are dropped.
    """
    terms: list[Term] = []
    covered: set[int] = set()
    for start, end, partners in name_spans(question, aliases):
        tokens = tuple(tokenize(question[start:end]))
        if tokens:
            names = [frozenset(tokens), *(frozenset(tokenize(p)) for p in partners)]
            terms.append(Term(tokens, tuple(f for f in names if f)))
            covered.update(range(start, end))
    for measure in _HOW_MEASURE.finditer(question):
        covered.update(range(measure.start(1), measure.end(1)))
    for match in _WORD.finditer(question):
        if match.start() in covered:
            continue
        tokens = tuple(tokenize(match.group()))
        if not tokens:
            continue
        if len(tokens) == 1 and _YEAR.fullmatch(tokens[0]) and tokens[0] != str(published_year):
            continue
        if "-" in match.group():
            parts = frozenset(tokenize(match.group().replace("-", " ")))
            joined = frozenset(tokenize(match.group().replace("-", "")))
            terms.append(Term(tuple(sorted(parts)), tuple(f for f in (parts, joined) if f)))
        elif _ACRONYM.fullmatch(match.group()) and len(tokens) == 1:
            terms.append(Term(tokens, (frozenset(tokens),), acronym=match.group()))
        else:
            terms.extend(Term((t,), (frozenset([t]),)) for t in tokens)
    return terms


def term_coverage(
    index: IndexView, question: str, text: str, *, published_year: int | None = None
) -> float:
    """Share of the question's IDF weight whose terms ``text`` mentions in any form (0-1).

    Terms the corpus has never seen count with the highest
    weight, and a year counts as mentioned only when it is ``published_year``.
    """
    terms = question_terms(question, tuple(index.aliases), published_year=published_year)
    present = token_set(text)
    if published_year is not None:
        present = present | {str(published_year)}
    weights = [sum(index.lexical.idf(t) for t in term.tokens) for term in terms]
    total = sum(weights)
    if not total:
        return 0.0
    mentioned = sum(
        w
        for term, w in zip(terms, weights, strict=True)
        if term.mentioned(present) or (term.acronym and spells_out(term.acronym, text))
    )
    return mentioned / total


def is_keyword_query(question: str) -> bool:
    """Whether the question is a few bare keywords ("Hermitage", "Redonda goats").

    Such a query has at most ``KEYWORD_MAX_TERMS`` search terms and does not open like a
    question ("Who got rings?" is a question; its meaning matters, not only its words).
    """
    if _QUESTION_START.match(question):
        return False
    return 0 < len({term.tokens for term in question_terms(question)}) <= KEYWORD_MAX_TERMS
