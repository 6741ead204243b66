"""Choosing the key sentence of a passage: shared rare terms first, meaning for close calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from retrieval.embedding.protocol import Vectors
from retrieval.index.loader import LoadedIndex
from retrieval.text.tokens import token_set, tokenize

SENTENCE_DENSE_WEIGHT = 0.6
SENTENCE_CONTENDERS = 2
SENTENCE_CONTENDERS_WITHOUT_TERMS = 4
MEANING_TIE_BREAKS = 2
CONTENDER_RELATIVE = 0.7
CLEAR_LEXICAL_SHARE = 0.5

SentenceScorer = Callable[[Sequence[str]], Vectors]


class MeaningBudget:
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


def choose_key_sentence(
    text: str,
    spans: Sequence[tuple[int, int]],
    *,
    index: LoadedIndex,
    question: str,
    question_vector: Vectors,
    meaning: MeaningBudget,
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
