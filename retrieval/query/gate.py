"""The relevance gate: answer or refuse, from the evidence of the best candidate articles.

Not only the top hit's cosine: for each of the first few candidate articles it weighs the best
passage and the best sentence by meaning, and how much of the question's rare vocabulary the
article's best passage holds. A short keyword query whose words the articles use is answered
on that lexical evidence alone. A question naming a year that no candidate passage mentions,
in a corpus with no article published that year, asks about what the articles cannot know.
The thresholds are calibrated on the answerable and off-topic question sets.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.embedding.wordpiece import model_words
from retrieval.index.view import IndexView
from retrieval.query.coverage import term_coverage
from retrieval.query.key_sentence import QuestionTerms
from retrieval.query.search import Hit

GATE_ARTICLES = 5
"""Candidate articles whose evidence the gate weighs."""
MIN_PASSAGE_DENSE = 0.44
MIN_SENTENCE_DENSE = 0.6
MIN_DENSE_WITH_TERMS = 0.36
MIN_COVERAGE = 0.45
MIN_DENSE_DATED = 0.4
MIN_KEYWORD_COVERAGE = 0.999

MIN_DENSE_WITHOUT_NAMES = 0.55
"""A question naming something no article mentions needs this cosine to be answered."""

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s$")
_CALENDAR = frozenset(
    name.lower() for name in (*calendar.month_name[1:], *calendar.day_name) if name
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """How well one candidate article matches the question.

    Attributes:
        source: The article.
        passage_dense: Best cosine of one of its found passages.
        sentence_dense: Best cosine of one of its quotable sentences.
        coverage: Share of the question's IDF weight in its best found passage.
        dated: Published in a year the question names: evidence the cosine does not see
            ("Where was the summit held in 2023?").
    """

    source: str
    passage_dense: float
    sentence_dense: float
    coverage: float
    dated: bool = False


def gather_evidence(
    index: IndexView,
    hits: Sequence[Hit],
    terms: QuestionTerms,
    *,
    lexical_text: str | None = None,
    years: Sequence[int] = (),
    articles: int = GATE_ARTICLES,
) -> list[Evidence]:
    """The evidence of the first ``articles`` candidate articles, in ranking order."""
    by_source: dict[str, list[Hit]] = {}
    for hit in hits:
        if hit.source in by_source or len(by_source) < articles:
            by_source.setdefault(hit.source, []).append(hit)
    question = lexical_text or terms.text
    evidence = []
    for source, found in by_source.items():
        first, last = index.sentence_ranges.get(source, (0, 0))
        sentence_dense = 0.0
        if last > first:
            vectors = np.asarray(index.sentence_vectors[first:last], dtype=np.float32)
            cosines = vectors @ terms.vector.reshape(-1)
            quotable = np.asarray(index.sentences.quotable[first:last], dtype=np.bool_)
            if quotable.any():
                sentence_dense = float(cosines[quotable].max())
        evidence.append(
            Evidence(
                source=source,
                passage_dense=max(h.dense for h in found),
                sentence_dense=sentence_dense,
                coverage=max(
                    term_coverage(index, question, index.chunk_text(h.row)) for h in found
                ),
                dated=_published_in(index, source, years),
            )
        )
    return evidence


def unknown_names(index: IndexView, question: str) -> list[str]:
    """Names in the question (capitalised words after the first) that no article uses.

    "What was agreed at the summit in Astana?" cannot be answered by articles that never
    mention Astana, however close the rest of the question is to them. Words the model knows
    whole (ordinary English, well-known names such as "Brazil"), month and day names and
    acronyms (the articles may spell them out) are left to the other evidence.
    """
    english = model_words()
    unknown = []
    for word in _WORD.findall(question)[1:]:
        name = _POSSESSIVE.sub("", word)
        lowered = name.lower()
        if not name[:1].isupper() or name.isupper() or lowered in _CALENDAR:
            continue  # not a name, or an acronym the articles may spell out
        if lowered in english or lowered in index.vocabulary:
            continue
        if word.lower().replace("’", "'") not in index.vocabulary:
            unknown.append(name)
    return unknown


def is_supported(evidence: Evidence, *, keyword_query: bool, missing_names: bool = False) -> bool:
    """Whether one article's evidence is enough to answer from it."""
    if missing_names:
        return evidence.passage_dense >= MIN_DENSE_WITHOUT_NAMES
    if evidence.passage_dense >= MIN_PASSAGE_DENSE:
        return True
    if evidence.sentence_dense >= MIN_SENTENCE_DENSE:
        return True
    dense = max(evidence.passage_dense, evidence.sentence_dense)
    if dense >= MIN_DENSE_WITH_TERMS and evidence.coverage >= MIN_COVERAGE:
        return True
    if evidence.dated and dense >= MIN_DENSE_DATED:
        return True
    return keyword_query and evidence.coverage >= MIN_KEYWORD_COVERAGE


def _published_in(index: IndexView, source: str, years: Sequence[int]) -> bool:
    published = index.articles[source].published
    return published is not None and published.year in years


def supporting(
    evidence: Sequence[Evidence], *, keyword_query: bool, missing_names: bool = False
) -> list[str]:
    """The candidate articles whose evidence supports an answer, in ranking order."""
    return [
        e.source
        for e in evidence
        if is_supported(e, keyword_query=keyword_query, missing_names=missing_names)
    ]


def unknown_year(index: IndexView, sources: Sequence[str], years: Sequence[int]) -> int | None:
    """A year the question names that none of the supporting articles knows about, or None.

    An article knows a year it mentions or was published in. "Which country left the talks in
    2022?" is answered by a 2025 article that mentions 2022; "What did the summit in 2019
    decide?" finds no supporting article that knows 2019 and is refused.
    """
    articles = [index.articles[s] for s in sources]
    for year in years:
        known = any(
            (a.published is not None and a.published.year == year) or str(year) in a.text
            for a in articles
        )
        if not known:
            return year
    return None
