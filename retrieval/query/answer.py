"""Hits -> Answer: the gate, one citation per article, key sentences, excerpts, grouping, time.

The Answer carries facts (refused and why, which period applied, newest first); front ends
phrase them.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.embedding.protocol import Vectors
from retrieval.index.loader import LoadedIndex
from retrieval.query.excerpt import build_excerpt
from retrieval.query.gate import dated_match, is_relevant, query_coverage
from retrieval.query.grouping import Draft, add_draft, shingles
from retrieval.query.key_sentence import (
    MEANING_TIE_BREAKS,
    MeaningBudget,
    SentenceScorer,
    choose_key_sentence,
)
from retrieval.query.search import Hit
from retrieval.query.time_intent import TimeIntent
from retrieval.records import Answer, Citation, Refusal
from retrieval.text.sentences import split_sentences

CITE_MIN_DENSE = 0.25
CITE_MIN_RELATIVE = 0.6
SIBLING_MIN_RELATIVE = 0.85


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    index: LoadedIndex,
    *,
    intent: TimeIntent,
    top_k: int,
    question_vector: Vectors,
    embed_sentences: SentenceScorer,
) -> Answer:
    """Turn ranked hits into an Answer with at most ``top_k`` citations (one per article)."""
    refused = Answer(question, refusal=Refusal.NOT_COVERED, period=intent.period)
    if not hits:
        return refused
    top = hits[0]
    coverage = query_coverage(index, question, index.chunk_text(top.row))
    if not (is_relevant(top, coverage) or dated_match(question, hits, index, intent)):
        return refused
    candidates = _best_per_article([h for h in hits if h.dense >= CITE_MIN_DENSE] or [top])
    candidates, period_matched = _apply_period(candidates, index, intent)
    if not candidates:
        return refused
    if intent.prefer_recent:
        candidates = _newest_first(candidates, index)
    best_score = max(h.score for h in candidates)
    relevant = [h for h in candidates if h.score >= CITE_MIN_RELATIVE * best_score]
    drafts: list[Draft] = []
    meaning = MeaningBudget(embed_sentences, MEANING_TIE_BREAKS)
    for hit in relevant:
        if len(drafts) >= top_k:
            break
        siblings = [
            h
            for h in hits
            if h.source == hit.source and h.score >= SIBLING_MIN_RELATIVE * hit.score
        ]
        draft = _draft(
            hit,
            siblings,
            index=index,
            question=question,
            question_vector=question_vector,
            meaning=meaning,
        )
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
        period=intent.period,
        period_matched=period_matched,
        newest_first=intent.prefer_recent and bool(dated),
        newest=max(dated, default=None) if intent.prefer_recent else None,
    )


def _best_per_article(hits: Sequence[Hit]) -> list[Hit]:
    seen: set[str] = set()
    best = []
    for hit in hits:
        if hit.source not in seen:
            seen.add(hit.source)
            best.append(hit)
    return best


def _apply_period(
    hits: list[Hit], index: LoadedIndex, intent: TimeIntent
) -> tuple[list[Hit], bool]:
    """Keep the hits published in the question's period, when there are any."""
    if not intent.has_range:
        return hits, False
    inside = [h for h in hits if intent.admits(index.articles[h.source].published)]
    if intent.relative:  # "yesterday" restricts; a year is only evidence
        return inside, True
    return (inside, True) if inside else (hits, False)


def _newest_first(hits: list[Hit], index: LoadedIndex) -> list[Hit]:
    dated = [h for h in hits if index.articles[h.source].published is not None]
    undated = [h for h in hits if index.articles[h.source].published is None]
    dated.sort(key=lambda h: index.articles[h.source].published, reverse=True)  # type: ignore[arg-type, return-value]
    return dated + undated


def _draft(
    hit: Hit,
    siblings: Sequence[Hit],
    *,
    index: LoadedIndex,
    question: str,
    question_vector: Vectors,
    meaning: MeaningBudget,
) -> Draft:
    article = index.articles[hit.source]
    start, end = int(index.chunks.starts[hit.row]), int(index.chunks.ends[hit.row])
    passage = article.text[start:end]
    # Sentences of the best chunk and of the article's other strong chunks compete.
    spans = sorted(
        {
            span
            for h in [hit, *siblings]
            for span in split_sentences(
                article.text, int(index.chunks.starts[h.row]), int(index.chunks.ends[h.row])
            )
        }
    ) or [(start, end)]
    key = choose_key_sentence(
        article.text,
        spans,
        index=index,
        question=question,
        question_vector=question_vector,
        meaning=meaning,
    )
    excerpt, highlight = build_excerpt(article.text, key)
    return Draft(
        hit=hit,
        article=article,
        excerpt=excerpt,
        highlight=highlight,
        passage=passage,
        key_shingles=shingles(article.text[key[0] : key[1]]),
        passage_shingles=shingles(passage),
    )
