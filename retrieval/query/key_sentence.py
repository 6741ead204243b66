"""Choosing the key sentence of an article: the one that answers, not the one that repeats.

Every quotable sentence of a cited article competes, not only those of its best passage. Each
is scored by a few features: its meaning against the question (sentence vectors stored at
ingest, so nothing is embedded at answer time), the question's rare terms it and its
neighbours share, and its focus (the question's lower-case words: "arrested" in "Why was
Tsutsumi arrested?"), the fused score of the passage it sits in, whether it carries what the
question asks for beyond the question's own words (a number for "how many", an age for "how
old", a date for "when", a quote for "what did she say"), how much it adds to them, whether it
is itself a question, and whether it opens the article (which answers "what happened"). The
weights are fitted on the development questions (``python -m benchmarks.fit_key_sentences``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.embedding.protocol import Vectors
from retrieval.index.view import IndexView
from retrieval.query.answer_type import (
    Asks,
    Detail,
    asked_detail,
    asks_overview,
    carries_detail,
    carries_new,
)
from retrieval.text.sentences import split_sentences
from retrieval.text.tokens import token_set, tokenize

_ASKED = {
    Asks.NUMBER: "asked_number",
    Asks.TIME: "asked_time",
    Asks.PERSON: "asked_person",
    Asks.PLACE: "asked_place",
    Asks.REASON: "asked_reason",
}
FEATURES = (
    "dense",
    "dense_window",
    "lexical",
    "lexical_window",
    "lexical_before",
    "passage",
    "top_passage",
    *_ASKED.values(),
    "asked_detail",
    "focus",
    "is_question",
    "quotes_speaker",
    "novelty",
    "continues",
    "lede",
    "overview_lede",
)
WEIGHTS: Mapping[str, float] = {
    "dense": 2.929,
    "dense_window": 2.853,
    "lexical": 1.196,
    "lexical_window": 0.931,
    "lexical_before": 0.928,
    "passage": 0.916,
    "top_passage": 1.025,
    "asked_number": 2.455,
    "asked_time": 2.545,
    "asked_person": 2.005,
    "asked_place": 1.369,
    "asked_reason": 1.527,
    "asked_detail": 2.652,
    "focus": 2.084,
    "is_question": -1.455,
    "quotes_speaker": 1.722,
    "novelty": -0.892,
    "continues": 0.205,
    "lede": 0.014,
    "overview_lede": 1.94,
}
"""Fitted by ``benchmarks/fit_key_sentences.py`` on the development questions."""

LEDE_SENTENCES = 2
_ENDS_QUESTION = re.compile(r"\?[\"”’')\]]*\s*$")
_QUOTE = re.compile(r"[\"“”]")
_ASKS_WORDS = re.compile(
    r"\b(say|says|said|saying|tell|told|think|thinks|thought|position|view|views|react|"
    r"reacted|respond|responded|response|comment|commented|reply|replied|claim|claimed|"
    r"describe|described|call|called|warn|warned)\b",
    re.IGNORECASE,
)
_COLUMN = {name: i for i, name in enumerate(FEATURES)}
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_CONTINUES = re.compile(
    r"[\"“']?(it|he|she|they|this|these|that|those|its|his|her|their|the (company|firm|"
    r"group|club|band|star|minister|government|court|police|report|move|deal|plan)|but|"
    r"however|also|instead)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class KeySentence:
    """The chosen sentence: its offsets in the article text and its score.

    ``window`` is the run of sentences around it most likely to hold the answer (offsets in the
    article text), for the excerpt; None when unknown.
    """

    start: int
    end: int
    score: float
    window: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class QuestionTerms:
    """What every sentence of one answer is compared with."""

    text: str
    vector: Vectors
    kind: Asks
    weights: Mapping[str, float]  # question token -> IDF
    total: float
    focus: Mapping[str, float]  # the tokens of its lower-case words (what it asks about)
    detail: Detail | None = None
    overview: bool = False
    asks_words: bool = False

    @classmethod
    def of(cls, index: IndexView, text: str, vector: Vectors, kind: Asks) -> QuestionTerms:
        """Weigh the question's tokens by their IDF in the index.

        The focus is what the question says about its names: "arrested" in "Why was Yoshiaki
        Tsutsumi arrested?". Many sentences of an article name its subject; fewer say that.
        """
        weights = {t: index.lexical.idf(t) for t in set(tokenize(text))}
        lower = " ".join(w for w in _WORD.findall(text)[1:] if w[0].islower())
        focus = {t: weights[t] for t in set(tokenize(lower)) if t in weights}
        return cls(
            text,
            vector,
            kind,
            weights,
            sum(weights.values()) or 1.0,
            focus,
            asked_detail(text),
            asks_overview(text),
            bool(_ASKS_WORDS.search(text)),
        )

    def share(self, tokens: frozenset[str]) -> float:
        """Share of the question's IDF weight found in ``tokens``."""
        return sum(w for t, w in self.weights.items() if t in tokens) / self.total

    def focus_share(self, tokens: frozenset[str]) -> float:
        """Share of the focus's IDF weight found in ``tokens`` (0 without a focus)."""
        total = sum(self.focus.values())
        if not total:
            return 0.0
        return sum(w for t, w in self.focus.items() if t in tokens) / total


def sentence_features(
    index: IndexView,
    source: str,
    terms: QuestionTerms,
    passage_scores: Mapping[int, float],
) -> tuple[list[tuple[int, int]], npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    """Feature rows (in :data:`FEATURES` order) for every sentence of one article.

    Args:
        index: The loaded index.
        source: The article.
        terms: The question.
        passage_scores: Fused score of each found passage (chunk row) of the article,
            relative to the best passage of the answer (0-1).

    Returns:
        The sentences' ``(start, end)`` offsets, their features, and whether each may be
        quoted.
    """
    article = index.articles[source]
    first, last = index.sentence_ranges.get(source, (0, 0))
    if last > first:
        spans = [
            (int(index.sentences.starts[r]), int(index.sentences.ends[r]))
            for r in range(first, last)
        ]
        vectors = np.asarray(index.sentence_vectors[first:last], dtype=np.float32)
        dense = vectors @ terms.vector.reshape(-1)
        dense_window = _window_cosines(vectors, terms.vector)
        quotable = np.asarray(index.sentences.quotable[first:last], dtype=np.bool_)
    else:  # an index written without sentences: lexical features only
        spans = split_sentences(article.text)
        dense = dense_window = np.zeros(len(spans), dtype=np.float32)
        quotable = np.ones(len(spans), dtype=np.bool_)
    texts = [article.text[s:e] for s, e in spans]
    tokens = [token_set(t) for t in texts]
    question_tokens = frozenset(terms.weights)
    passage = np.zeros(len(spans), dtype=np.float32)
    top = np.zeros(len(spans), dtype=np.float32)
    best_row = max(passage_scores, key=lambda r: passage_scores[r], default=None)
    for row, score in passage_scores.items():
        lo = int(index.chunks.first_sentences[row]) - first
        hi = int(index.chunks.last_sentences[row]) - first
        if last > first and 0 <= lo < hi <= len(spans):
            passage[lo:hi] = np.maximum(passage[lo:hi], score)
            if row == best_row:
                top[lo:hi] = 1.0
    features = np.zeros((len(spans), len(FEATURES)), dtype=np.float32)
    column = _COLUMN
    asked = column[_ASKED[terms.kind]] if terms.kind in _ASKED else None
    lexical = np.array([terms.share(t) for t in tokens], dtype=np.float32)
    for i, text in enumerate(texts):
        window = tokens[i].union(*tokens[max(0, i - 1) : i + 2])
        row = features[i]
        row[column["dense"]] = dense[i]
        row[column["dense_window"]] = dense_window[i]
        row[column["lexical"]] = lexical[i]
        row[column["lexical_window"]] = terms.share(window)
        row[column["lexical_before"]] = lexical[i - 1] if i else 0.0
        row[column["passage"]] = passage[i]
        row[column["top_passage"]] = top[i]
        if asked is not None:
            row[asked] = float(carries_new(text, terms.text, terms.kind))
        if terms.detail is not None:
            row[column["asked_detail"]] = float(carries_detail(text, terms.detail))
        row[column["focus"]] = terms.focus_share(tokens[i])
        row[column["is_question"]] = float(bool(_ENDS_QUESTION.search(text)))
        row[column["quotes_speaker"]] = float(terms.asks_words and bool(_QUOTE.search(text)))
        row[column["novelty"]] = (
            1.0 - len(tokens[i] & question_tokens) / len(tokens[i]) if tokens[i] else 0.0
        )
        row[column["continues"]] = float(bool(_CONTINUES.match(text)))
        row[column["lede"]] = float(i < LEDE_SENTENCES)
        row[column["overview_lede"]] = float(terms.overview and i < LEDE_SENTENCES)
    return spans, features, quotable


def _window_cosines(
    vectors: npt.NDArray[np.float32], question: Vectors
) -> npt.NDArray[np.float32]:
    """Cosine of the question with each sentence read with half of each neighbour."""
    window = vectors.copy()
    window[1:] += 0.5 * vectors[:-1]
    window[:-1] += 0.5 * vectors[1:]
    norms = np.linalg.norm(window, axis=1)
    norms[norms == 0] = 1.0
    return np.asarray((window @ question.reshape(-1)) / norms, dtype=np.float32)


def score_sentences(
    features: npt.NDArray[np.float32], weights: Mapping[str, float] = WEIGHTS
) -> npt.NDArray[np.float32]:
    """The linear score of each feature row."""
    vector = np.array([weights[name] for name in FEATURES], dtype=np.float32)
    return np.asarray(features @ vector, dtype=np.float32)


def choose_key_sentence(
    index: IndexView,
    source: str,
    terms: QuestionTerms,
    passage_scores: Mapping[int, float],
    *,
    fallback: tuple[int, int],
    max_chars: int = 600,
) -> KeySentence:
    """The article's sentence that best answers the question (``fallback`` if none may be).

    Args:
        index: The loaded index.
        source: The article.
        terms: The question.
        passage_scores: Fused scores of the article's found passages (0-1).
        fallback: Offsets to use when no sentence may be quoted.
        max_chars: The longest excerpt window.
    """
    spans, features, quotable = sentence_features(index, source, terms, passage_scores)
    if not spans:
        return KeySentence(*fallback, score=float("-inf"))
    scores = score_sentences(features)
    scores = np.where(quotable, scores, -np.inf)
    best = int(np.argmax(scores))
    if not np.isfinite(scores[best]):
        return KeySentence(*fallback, score=float("-inf"))
    window = _passage_around(index, source, spans[best], passage_scores)
    if window is None:
        first, last = likeliest_window(spans, scores, best, max_chars=max_chars)
        window = (spans[first][0], spans[last][1])
    return KeySentence(spans[best][0], spans[best][1], float(scores[best]), window)


def _passage_around(
    index: IndexView, source: str, span: tuple[int, int], passage_scores: Mapping[int, float]
) -> tuple[int, int] | None:
    """The best-scoring found passage of the article that holds ``span``, or None."""
    holding = [
        (score, row)
        for row, score in passage_scores.items()
        if int(index.chunks.starts[row]) <= span[0] and span[1] <= int(index.chunks.ends[row])
    ]
    if not holding:
        return None
    _, row = max(holding)
    return int(index.chunks.starts[row]), int(index.chunks.ends[row])


def likeliest_window(
    spans: Sequence[tuple[int, int]],
    scores: npt.NDArray[np.float32],
    key: int,
    *,
    max_chars: int,
) -> tuple[int, int]:
    """The run of sentences around ``key``, at most ``max_chars`` long, most likely to answer.

    The scores are read as a softmax over the article's sentences (the model was fitted that
    way), so the window that holds the most probability is the excerpt most likely to contain
    the answer, even when the key sentence is not the one.

    Returns:
        The first and last sentence index of the window (both inclusive).
    """
    finite = np.where(np.isfinite(scores), scores, -np.inf)
    weights = np.exp(finite - finite[key])
    best = (key, key)
    best_mass = -1.0
    for first in range(key, -1, -1):
        if spans[key][1] - spans[first][0] > max_chars:
            break
        last = key
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= max_chars:
            last += 1
        mass = float(weights[first : last + 1].sum())
        if mass > best_mass:
            best, best_mass = (first, last), mass
    return best


def passage_scores_of(
    source: str, hits: Sequence[tuple[int, str, float]], best: float
) -> dict[int, float]:
    """``{chunk row: score / best}`` for the found passages of one article."""
    scale = best if best > 0 else 1.0
    return {row: score / scale for row, hit_source, score in hits if hit_source == source}
