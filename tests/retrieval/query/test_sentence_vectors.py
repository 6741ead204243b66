"""Tests of retrieval.query.sentence_vectors: bounded, remembered, and safe across threads."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval import Embedder, Engine
from retrieval.embedding.protocol import Vectors
from retrieval.query.sentence_vectors import SentenceVectorCache


class _CountingEmbed:
    """Embeds each sentence as a vector of its length, counting the sentences embedded."""

    def __init__(self) -> None:
        self.embedded = 0

    def __call__(self, sentences: Sequence[str]) -> Vectors:
        self.embedded += len(sentences)
        return np.array([[float(len(s)), 1.0] for s in sentences], dtype=np.float32)


def test_remembers_recent_sentences_and_forgets_the_oldest() -> None:
    embed = _CountingEmbed()
    cache = SentenceVectorCache(embed, limit=2)
    first = cache.embed(["a", "bb", "a"])
    assert first.shape == (3, 2) and first[0, 0] == 1.0 and first[2, 0] == 1.0
    assert embed.embedded == 2
    cache.embed(["bb"])
    assert embed.embedded == 2
    cache.embed(["ccc"])  # "a" is the least recently used
    assert len(cache) == 2
    cache.embed(["a"])
    assert embed.embedded == 4
    with pytest.raises(ValueError, match="limit"):
        SentenceVectorCache(embed, limit=0)


def test_many_threads_with_a_tiny_cache_never_lose_a_vector() -> None:
    cache = SentenceVectorCache(_CountingEmbed(), limit=2)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for round_ in range(300):
                sentences = [f"s{(worker + round_ + i) % 7}" for i in range(4)]
                vectors = cache.embed(sentences)
                assert [v[0] for v in vectors] == [float(len(s)) for s in sentences]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]


def test_engine_answers_from_many_threads_with_a_tiny_sentence_cache(
    seed_index_copy: Path, embedder: Embedder
) -> None:
    engine = Engine.open(seed_index_copy, embedder=embedder, sentence_cache_size=1)
    questions = [
        "Who put Putin's ring on his finger?",
        "Why did Aliyev skip the St. Petersburg meeting?",
        "What did Putin say about Gaza?",
        "Where was the 2023 CIS summit?",
    ]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for round_ in range(6):
                answer = engine.answer(questions[(offset + round_) % len(questions)])
                assert answer.answered
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
