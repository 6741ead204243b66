"""Hits -> Answer: the gate, one citation per article, key sentences, excerpts, grouping, time.

The Answer carries facts (refused and why, which period applied, newest first); front ends
phrase them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from retrieval.embedding.protocol import Vectors
from retrieval.index.view import IndexView
from retrieval.query.answer_type import asks
from retrieval.query.coverage import is_keyword_query
from retrieval.query.excerpt import EXCERPT_CHARS, build_excerpt
from retrieval.query.gate import (
    gather_evidence,
    supporting,
    unknown_names,
    unknown_year,
)
from retrieval.query.grouping import Draft, add_draft, shingles
from retrieval.query.key_sentence import QuestionTerms, choose_key_sentence, passage_scores_of
from retrieval.query.search import Hit
from retrieval.query.time_intent import TimeIntent
from retrieval.records import Answer, Citation, Refusal

CITE_MIN_DENSE = 0.25
CITE_MIN_RELATIVE = 0.6
YEAR_MENTION_BONUS = 0.05
YEAR_PUBLISHED_BONUS = 0.08
EXTRA_CANDIDATES = 3
"""Candidate articles weighed beyond ``top_k``: their key sentences may lift them."""
SENTENCE_RANK_WEIGHT = 0.1
"""How much the key sentence's score counts next to the passage's in ordering citations."""
PUBLISHED_IN_YEAR_RANK_BONUS = 0.35
"""Ordering bonus of an article published in a year the question names."""


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    index: IndexView,
    *,
    intent: TimeIntent,
    top_k: int,
    question_vector: Vectors,
    lexical_text: str | None = None,
    key_text: str | None = None,
) -> Answer:
    """Turn ranked hits into an Answer with at most ``top_k`` citations (one per article).

    Args:
        question: The question searched for.
        hits: Fused search results, best first.
        index: The loaded index.
        intent: What the question says about time.
        top_k: Citations at most.
        question_vector: The question's embedding.
        lexical_text: The question with other forms of its names, for term matching.
        key_text: The words key sentences are chosen by, when not the whole question (a
            follow-up's own words, without the context it carries).
    """
    period = intent.period if intent.restrict else None
    refused = Answer(question, refusal=Refusal.NOT_COVERED, period=period)
    if not hits:
        return refused
    hits = _with_time_evidence(hits, index, intent)
    terms = QuestionTerms.of(
        index, key_text or lexical_text or question, question_vector, asks(key_text or question)
    )
    evidence = gather_evidence(index, hits, terms, lexical_text=lexical_text, years=intent.years)
    supported = supporting(
        evidence,
        keyword_query=is_keyword_query(question),
        missing_names=bool(unknown_names(index, question)),
    )
    if not supported:
        return refused
    year = unknown_year(index, supported, intent.years)
    if year is not None:
        return replace(refused, refusal=Refusal.PERIOD_NOT_COVERED, unknown_year=year)
    candidates = _best_per_article(
        [h for h in hits if h.dense >= CITE_MIN_DENSE or h.source in supported]
    )
    candidates, period_matched = _apply_period(candidates, index, intent)
    if not candidates:
        return refused
    if intent.prefer_recent:
        candidates = _newest_first(candidates, index)
    best_score = max(h.score for h in candidates)
    relevant = [h for h in candidates if h.score >= CITE_MIN_RELATIVE * best_score]
    found = [(h.row, h.source, h.score) for h in hits]
    best = max(h.score for h in hits)
    scored = [
        _draft(hit, index=index, terms=terms, found=found, best=best)
        for hit in relevant[: top_k + EXTRA_CANDIDATES]
    ]
    if not intent.prefer_recent:
        scored.sort(key=lambda d: _rank_key(d, index, intent))
    drafts: list[Draft] = []
    for draft in scored:
        if len(drafts) >= top_k:
            break
        add_draft(draft, drafts)
    citations = tuple(
        Citation(
            rank=rank,
            excerpt=d.excerpt,
            highlight=d.highlight,
            score=d.hit.score,
            title=d.article.title,
            publisher=d.article.publisher,
            published=d.article.published,
            url=d.article.url,
            source=d.article.source,
            also_reported_by=tuple(d.also),
        )
        for rank, d in enumerate(drafts, start=1)
    )
    dated = [c.published for c in citations if c.published is not None]
    return Answer(
        question,
        citations=citations,
        period=period,
        period_matched=period_matched,
        newest_first=intent.prefer_recent and bool(dated),
        newest=max(dated, default=None) if intent.prefer_recent else None,
    )


def _with_time_evidence(hits: Sequence[Hit], index: IndexView, intent: TimeIntent) -> list[Hit]:
    """Favour passages that mention a year the question names, and articles published in it."""
    if intent.restrict or not intent.years:
        return list(hits)
    years = [str(y) for y in intent.years]
    boosted = []
    for hit in hits:
        bonus = 0.0
        if any(y in index.chunk_text(hit.row) for y in years):
            bonus += YEAR_MENTION_BONUS
        if intent.admits(index.articles[hit.source].published):
            bonus += YEAR_PUBLISHED_BONUS
        boosted.append(replace(hit, score=hit.score + bonus) if bonus else hit)
    return sorted(boosted, key=lambda h: -h.score)


def _rank_key(draft: Draft, index: IndexView, intent: TimeIntent) -> tuple[bool, float]:
    """Articles that know the years the question names first, then passage and sentence.

    Among those, an article published in a named year leads an article that only mentions
    it, unless the other's passage and sentence are much better.
    """
    article = index.articles[draft.hit.source]
    published = article.published is not None and article.published.year in intent.years
    knows = all(published or str(year) in article.text for year in intent.years)
    score = draft.hit.score + SENTENCE_RANK_WEIGHT * draft.key_score
    return (not knows, -(score + (PUBLISHED_IN_YEAR_RANK_BONUS if published else 0.0)))


def _best_per_article(hits: Sequence[Hit]) -> list[Hit]:
    seen: set[str] = set()
    best = []
    for hit in hits:
        if hit.source not in seen:
            seen.add(hit.source)
            best.append(hit)
    return best


def _apply_period(hits: list[Hit], index: IndexView, intent: TimeIntent) -> tuple[list[Hit], bool]:
    """For a question about reporting from a period, keep the hits published in it."""
    if not intent.restrict or not intent.has_range:
        return hits, False
    inside = [h for h in hits if intent.admits(index.articles[h.source].published)]
    if intent.relative:  # "yesterday" restricts; a year is only evidence
        return inside, True
    return (inside, True) if inside else (hits, False)


def _newest_first(hits: list[Hit], index: IndexView) -> list[Hit]:
    dated = [h for h in hits if index.articles[h.source].published is not None]
    undated = [h for h in hits if index.articles[h.source].published is None]
    dated.sort(key=lambda h: index.articles[h.source].published, reverse=True)  # type: ignore[arg-type, return-value]
    return dated + undated


def _draft(
    hit: Hit,
    *,
    index: IndexView,
    terms: QuestionTerms,
    found: Sequence[tuple[int, str, float]],
    best: float,
) -> Draft:
    article = index.articles[hit.source]
    start, end = int(index.chunks.starts[hit.row]), int(index.chunks.ends[hit.row])
    passage = article.text[start:end]
    key = choose_key_sentence(
        index,
        hit.source,
        terms,
        passage_scores_of(hit.source, found, best),
        fallback=(start, end),
        max_chars=EXCERPT_CHARS,
    )
    excerpt, highlight = build_excerpt(article.text, (key.start, key.end), window=key.window)
    return Draft(
        hit=hit,
        key_score=key.score,
        article=article,
        excerpt=excerpt,
        highlight=highlight,
        passage=passage,
        key_shingles=shingles(article.text[key.start : key.end]),
        passage_shingles=shingles(passage),
    )
