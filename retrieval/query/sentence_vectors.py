"""Sentence vectors for key-sentence choice, embedded on demand and remembered, thread-safe."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.embedding.protocol import Vectors

SENTENCE_CACHE_SIZE = 20_000


class SentenceVectorCache:
    """Embeds sentences, keeping the ``limit`` most recently used vectors.

    Answers running on many threads share one cache. Each call copies what it found into its
    own dictionary under the lock, so a trim by another thread can never take a vector away
    between looking it up and using it.

    Args:
        embed: Embeds a batch of sentences (the question embedder).
        limit: Vectors kept at most.
    """

    def __init__(
        self, embed: Callable[[Sequence[str]], Vectors], *, limit: int = SENTENCE_CACHE_SIZE
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._embed = embed
        self._items: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def embed(self, sentences: Sequence[str]) -> Vectors:
        """Return one vector per sentence, in order, embedding only the ones not remembered."""
        wanted = list(dict.fromkeys(sentences))
        with self._lock:
            found = {s: self._items[s] for s in wanted if s in self._items}
            for sentence in found:
                self._items.move_to_end(sentence)
        missing = [s for s in wanted if s not in found]
        if missing:
            # Embedding is slow: outside the lock, so other answers are not held up.
            fresh = self._embed(missing)
            with self._lock:
                for sentence, vector in zip(missing, fresh, strict=True):
                    self._items[sentence] = vector
                    self._items.move_to_end(sentence)
                    found[sentence] = vector
                while len(self._items) > self.limit:
                    self._items.popitem(last=False)
        return np.stack([found[s] for s in sentences])
