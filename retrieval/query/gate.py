"""The relevance gate: answer or refuse, from how well the best passages match the question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.index.loader import LoadedIndex
from retrieval.query.search import Hit
from retrieval.query.time_intent import TimeIntent
from retrieval.text.tokens import token_set, tokenize

# Calibrated on the 124 labelled questions of tests/data/seed_questions.jsonl and
# benchmarks/data/bbc_questions.jsonl (grid over the three values; 96% correct).
ANSWER_MIN_DENSE = 0.44
ANSWER_MIN_DENSE_WITH_TERMS = 0.38
ANSWER_MIN_COVERAGE = 0.45
ANSWER_MIN_DENSE_DATED = 0.25

_YEAR_TOKEN = re.compile(r"(19|20)\d\d")


def query_coverage(
    index: LoadedIndex, question: str, text: str, *, published_year: int | None = None
) -> float:
    """Share of the question's IDF weight whose terms occur in ``text`` (0-1).

    Terms the corpus has never seen count with the highest weight: a question about
    "Brazil" is not covered by articles that never mention it. Years are matched against
    the publication date, not the text: a year equal to ``published_year`` counts as present,
    other years are left out.
    """
    terms = set(tokenize(question))
    years = {t for t in terms if _YEAR_TOKEN.fullmatch(t)}
    present = set(token_set(text))
    if published_year is not None and str(published_year) in years:
        present.add(str(published_year))
        terms -= years - {str(published_year)}
    else:
        terms -= years
    if not terms:
        return 0.0
    weights = {t: index.lexical.idf(t) for t in terms}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0


def is_relevant(hit: Hit, coverage: float) -> bool:
    """Whether the best hit is good enough to answer rather than refuse."""
    if hit.dense >= ANSWER_MIN_DENSE:
        return True
    return hit.dense >= ANSWER_MIN_DENSE_WITH_TERMS and coverage >= ANSWER_MIN_COVERAGE


def dated_match(
    question: str, hits: Sequence[Hit], index: LoadedIndex, intent: TimeIntent
) -> bool:
    """A passage from the period the question names that covers its terms.

    A publication date matching the question's year is evidence the cosine does not see
    ("Where was the 2023 summit?"), so such passages pass with a lower cosine.
    """
    if not intent.has_range:
        return False
    for hit in hits:
        if hit.dense < ANSWER_MIN_DENSE_DATED:
            continue
        published = index.articles[hit.source].published
        if published is not None and intent.admits(published):
            coverage = query_coverage(
                index, question, index.chunk_text(hit.row), published_year=published.year
            )
            return coverage >= ANSWER_MIN_COVERAGE
    return False
