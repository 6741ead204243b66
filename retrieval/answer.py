"""Hits -> Answer: the best sentence of each passage, excerpts, merged duplicates, refusals."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval.answer_types import Answer, Citation, SourceRef
from retrieval.article import Article
from retrieval.dates import TimeIntent
from retrieval.embed import Vectors
from retrieval.index import LoadedIndex
from retrieval.lexical import token_set, tokenize
from retrieval.search import Hit
from retrieval.sentences import split_sentences

# Relevance gate, calibrated on the 124 labelled questions of tests/data/seed_questions.jsonl
# and benchmarks/data/bbc_questions.jsonl (grid over the three values; 96% correct).
ANSWER_MIN_DENSE = 0.44
ANSWER_MIN_DENSE_WITH_TERMS = 0.38
ANSWER_MIN_COVERAGE = 0.45
ANSWER_MIN_DENSE_DATED = 0.25
CITE_MIN_DENSE = 0.25
CITE_MIN_RELATIVE = 0.6
EXCERPT_CHARS = 600
SENTENCE_DENSE_WEIGHT = 0.6
SENTENCE_CONTENDERS = 2
SENTENCE_CONTENDERS_WITHOUT_TERMS = 4
MEANING_TIE_BREAKS = 2
CONTENDER_RELATIVE = 0.7
CLEAR_LEXICAL_SHARE = 0.5
SIBLING_MIN_RELATIVE = 0.85
DUPLICATE_CONTAINMENT = 0.6
NOT_FOUND = "Not found in the articles."

SentenceScorer = Callable[[Sequence[str]], Vectors]


class _MeaningBudget:
    """Embeds sentences for the first ``uses`` key-sentence tie-breaks of one answer.

    Those embeddings are most of the cost of a first-time answer (about 0.2 ms per token on
    two cores). The leading citations get the careful choice; later ones keep the sentence
    that shares the most rare terms, which picked as well on both question sets.
    """

    def __init__(self, embed_sentences: SentenceScorer, uses: int) -> None:
        self._embed_sentences = embed_sentences
        self._left = uses

    @property
    def available(self) -> bool:
        return self._left > 0

    def embed(self, sentences: Sequence[str]) -> Vectors:
        self._left -= 1
        return self._embed_sentences(sentences)


@dataclass(slots=True)
class _Draft:
    hit: Hit
    article: Article
    excerpt: str
    highlight: tuple[int, int]
    passage: str
    key_shingles: frozenset[str]
    passage_shingles: frozenset[str]
    also: list[SourceRef] = field(default_factory=list)


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
    if not hits:
        return Answer(question, answered=False, note=_not_found_note(intent))
    top = hits[0]
    coverage = query_coverage(index, question, index.chunk_text(top.row))
    if not (is_relevant(top, coverage) or _dated_match(question, hits, index, intent)):
        return Answer(question, answered=False, note=_not_found_note(intent))
    candidates = _best_per_article([h for h in hits if h.dense >= CITE_MIN_DENSE] or [top])
    candidates, note = _apply_time_intent(candidates, index, intent)
    best_score = max(h.score for h in candidates)
    relevant = [h for h in candidates if h.score >= CITE_MIN_RELATIVE * best_score]
    drafts: list[_Draft] = []
    meaning = _MeaningBudget(embed_sentences, MEANING_TIE_BREAKS)
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
        original = _duplicate_of(draft, drafts)
        if original is None:
            drafts.append(draft)
        elif _citability(draft.article) > _citability(original.article):
            # The same passage: lead with the article a reader can open and date.
            draft.also = [_ref(original.article), *original.also]
            draft.hit = original.hit
            drafts[drafts.index(original)] = draft
        else:
            original.also.append(_ref(draft.article))
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
    return Answer(question, answered=True, citations=citations, note=note)


def _dated_match(
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


def _best_per_article(hits: Sequence[Hit]) -> list[Hit]:
    seen: set[str] = set()
    best = []
    for hit in hits:
        if hit.source not in seen:
            seen.add(hit.source)
            best.append(hit)
    return best


def _not_found_note(intent: TimeIntent) -> str:
    return (
        f"{NOT_FOUND} None of the articles covers this question. Try other words, or ask "
        "about a topic the articles report on."
    )


def _apply_time_intent(
    hits: list[Hit], index: LoadedIndex, intent: TimeIntent
) -> tuple[list[Hit], str | None]:
    note = None
    if intent.has_range:
        inside = [h for h in hits if intent.admits(index.articles[h.source].published)]
        if inside:
            hits = inside
            note = f"Showing articles published {intent.label}."
        else:
            note = f"No relevant article was published {intent.label}; showing other dates."
    if intent.prefer_recent:
        dated = [h for h in hits if index.articles[h.source].published is not None]
        undated = [h for h in hits if index.articles[h.source].published is None]
        dated.sort(key=lambda h: index.articles[h.source].published, reverse=True)  # type: ignore[arg-type, return-value]
        hits = dated + undated
        if dated:
            newest = index.articles[dated[0].source].published
            note = (note + " " if note else "") + f"Newest first (latest: {newest})."
    return hits, note


def _draft(
    hit: Hit,
    siblings: Sequence[Hit],
    *,
    index: LoadedIndex,
    question: str,
    question_vector: Vectors,
    meaning: _MeaningBudget,
) -> _Draft:
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
    key = _key_sentence(
        article.text,
        spans,
        index=index,
        question=question,
        question_vector=question_vector,
        meaning=meaning,
    )
    excerpt, highlight = _excerpt(article.text, key)
    return _Draft(
        hit=hit,
        article=article,
        excerpt=excerpt,
        highlight=highlight,
        passage=passage,
        key_shingles=_shingles(article.text[key[0] : key[1]]),
        passage_shingles=_shingles(passage),
    )


def _key_sentence(
    text: str,
    spans: Sequence[tuple[int, int]],
    *,
    index: LoadedIndex,
    question: str,
    question_vector: Vectors,
    meaning: _MeaningBudget,
) -> tuple[int, int]:
    """The sentence that best answers the question.

    Shared rare terms decide when one sentence clearly leads; otherwise the closest
    contenders (at most ``SENTENCE_CONTENDERS``, or ``SENTENCE_CONTENDERS_WITHOUT_TERMS`` when
    no sentence shares a term) are compared by meaning as well, while ``meaning`` allows it;
    after that the lexical leader wins. Two contenders picked as well as four on both
    question sets, at half the embedding cost.
    """
    if len(spans) == 1:
        return spans[0]
    weights = {t: index.lexical.idf(t) for t in set(tokenize(question))}
    total = sum(weights.values()) or 1.0
    lexical = [
        sum(w for t, w in weights.items() if t in token_set(text[s:e])) / total for s, e in spans
    ]
    ranked = sorted(range(len(spans)), key=lambda i: -lexical[i])
    best = lexical[ranked[0]]
    contenders = [i for i in ranked if lexical[i] >= CONTENDER_RELATIVE * best]
    if len(contenders) == 1 and best >= CLEAR_LEXICAL_SHARE:
        return spans[contenders[0]]
    if len(contenders) == 1:  # it leads, but on too few terms to trust: let meaning judge
        contenders = ranked
    if best > 0:
        contenders = contenders[:SENTENCE_CONTENDERS]
    else:  # no shared terms: meaning alone decides, so give it more sentences
        contenders = ranked[:SENTENCE_CONTENDERS_WITHOUT_TERMS]
    if not meaning.available:
        return spans[contenders[0]]
    vectors = meaning.embed([text[spans[i][0] : spans[i][1]] for i in contenders])
    cosines = vectors @ question_vector.reshape(-1)
    scores = [
        SENTENCE_DENSE_WEIGHT * float(c) + (1 - SENTENCE_DENSE_WEIGHT) * lexical[i]
        for i, c in zip(contenders, cosines, strict=True)
    ]
    return spans[contenders[int(np.argmax(scores))]]


def _excerpt(text: str, key: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    """The key sentence with neighbouring sentences while they fit in ``EXCERPT_CHARS``."""
    sentences = split_sentences(text)
    position = next((i for i, (s, e) in enumerate(sentences) if s <= key[0] < e), None)
    start, end = key
    if position is not None:
        before, after = position - 1, position + 1
        while True:
            grew = False
            if after < len(sentences) and sentences[after][1] - start <= EXCERPT_CHARS:
                end = sentences[after][1]
                after += 1
                grew = True
            if before >= 0 and end - sentences[before][0] <= EXCERPT_CHARS:
                start = sentences[before][0]
                before -= 1
                grew = True
            if not grew:
                break
    body = re.sub(r"\s*\n\s*", " ", text[start:end])
    prefix = "… " if text[:start].strip() else ""
    suffix = " …" if text[end:].strip() else ""
    key_text = re.sub(r"\s*\n\s*", " ", text[key[0] : key[1]])
    key_offset = body.find(key_text)
    highlight = (len(prefix) + key_offset, len(prefix) + key_offset + len(key_text))
    return prefix + body + suffix, highlight


_WORD = re.compile(r"\w+")
_YEAR_TOKEN = re.compile(r"(19|20)\d\d")


def _shingles(text: str, size: int = 3) -> frozenset[str]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def _duplicate_of(draft: _Draft, accepted: Sequence[_Draft]) -> _Draft | None:
    """An accepted citation from another article that carries the same key passage."""
    for other in accepted:
        if other.article.source == draft.article.source:
            continue
        if _contained(draft.key_shingles, other.passage_shingles) or _contained(
            other.key_shingles, draft.passage_shingles
        ):
            return other
    return None


def _contained(part: frozenset[str], whole: frozenset[str]) -> bool:
    return bool(part) and len(part & whole) / len(part) >= DUPLICATE_CONTAINMENT


def _citability(article: Article) -> tuple[bool, bool, bool]:
    return (article.url is not None, article.published is not None, article.publisher is not None)


def _ref(article: Article) -> SourceRef:
    return SourceRef(
        title=article.title,
        url=article.url,
        source=article.source,
        publisher=article.publisher,
        published=article.published,
    )
