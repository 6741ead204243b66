"""Articles -> rows for PostgreSQL: passages, BM25 postings, sentences and their vectors.

The same split as an embedded generation (``retrieval.build``): passages and sentences from
``retrieval.chunking``, passage text embedded as ``embedding_text``, BM25 tokens from
``retrieval.text.tokens``. Vectors come from the embedding cache, else the embedder; a
migration takes them from an embedded generation instead, so nothing is embedded again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.chunking import Chunk, embedding_text, sentence_spans, split_article
from retrieval.embedding.cache import VectorCache, embed_with_cache
from retrieval.embedding.protocol import Embedder, Vectors
from retrieval.index.loader import LoadedIndex
from retrieval.records import Article
from retrieval.text.quotable import is_quotable
from retrieval.text.tokens import tokenize

__all__ = ["Prepared", "from_generation", "prepare_articles"]


@dataclass(frozen=True, slots=True)
class Prepared:
    """One article ready to be written: its passages, their postings, sentences and vectors.

    Attributes:
        article: The article.
        chunks: Its passages.
        vectors: One float32 embedding per passage.
        postings: Each passage's BM25 term frequencies.
        lengths: Each passage's BM25 length in tokens (at least 1, as in bm25s).
        spans: Each sentence's ``(start, end)`` in the article text.
        quotable: Whether each sentence may be a key sentence.
        sentence_vectors: One float16 embedding per sentence.
    """

    article: Article
    chunks: tuple[Chunk, ...]
    vectors: Vectors
    postings: tuple[Counter[str], ...]
    lengths: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]
    quotable: tuple[bool, ...]
    sentence_vectors: np.ndarray[Any, Any]


def _postings(article: Article, chunks: Sequence[Chunk]) -> tuple[list[Counter[str]], list[int]]:
    tokens = [tokenize(embedding_text(article.title, c.text)) for c in chunks]
    return [Counter(t) for t in tokens], [max(1, len(t)) for t in tokens]


def prepare_articles(
    articles: Sequence[Article],
    embedder: Embedder,
    cache: VectorCache | None,
    *,
    progress: bool = False,
) -> tuple[list[Prepared], int, int]:
    """Split and embed ``articles``, taking what the cache holds from it.

    Returns:
        The prepared articles, and how many passages and sentences had to be embedded.
    """
    chunks = [split_article(a) for a in articles]
    spans = [sentence_spans(a.text) for a in articles]
    texts = [
        embedding_text(a.title, c.text) for a, cs in zip(articles, chunks, strict=True) for c in cs
    ]
    sentence_texts = [a.text[s:e] for a, ss in zip(articles, spans, strict=True) for s, e in ss]
    vectors, embedded = embed_with_cache(texts, embedder, cache, progress=progress)
    sentence_vectors, sentences_embedded = embed_with_cache(
        sentence_texts, embedder, cache, progress=progress
    )
    prepared = []
    passage, sentence = 0, 0
    for article, own_chunks, own_spans in zip(articles, chunks, spans, strict=True):
        postings, lengths = _postings(article, own_chunks)
        prepared.append(
            Prepared(
                article=article,
                chunks=tuple(own_chunks),
                vectors=vectors[passage : passage + len(own_chunks)],
                postings=tuple(postings),
                lengths=tuple(lengths),
                spans=tuple(own_spans),
                quotable=tuple(is_quotable(article.text[s:e]) for s, e in own_spans),
                sentence_vectors=sentence_vectors[sentence : sentence + len(own_spans)].astype(
                    np.float16
                ),
            )
        )
        passage += len(own_chunks)
        sentence += len(own_spans)
    return prepared, embedded, sentences_embedded


def from_generation(snapshot: LoadedIndex) -> Iterator[Prepared]:
    """Every article of a loaded embedded generation, with its stored vectors (no embedding)."""
    rows_of: dict[str, list[int]] = {}
    for row, source in enumerate(snapshot.chunks.sources):
        rows_of.setdefault(source, []).append(row)
    table = snapshot.chunks
    for source, article in snapshot.articles.items():
        rows = rows_of.get(source, [])
        first, last = snapshot.sentence_ranges.get(source, (0, 0))
        chunks = tuple(
            Chunk(
                id=int(table.ids[r]),
                source=source,
                ordinal=int(table.ordinals[r]),
                start=int(table.starts[r]),
                end=int(table.ends[r]),
                text=snapshot.chunk_text(r),
                first_sentence=int(table.first_sentences[r]) - first,
                last_sentence=int(table.last_sentences[r]) - first,
            )
            for r in rows
        )
        postings, lengths = _postings(article, chunks)
        yield Prepared(
            article=article,
            chunks=chunks,
            vectors=snapshot.vectors.vectors(np.array([c.id for c in chunks], dtype=np.int64)),
            postings=tuple(postings),
            lengths=tuple(lengths),
            spans=tuple(
                (int(snapshot.sentences.starts[r]), int(snapshot.sentences.ends[r]))
                for r in range(first, last)
            ),
            quotable=tuple(bool(q) for q in snapshot.sentences.quotable[first:last]),
            sentence_vectors=np.asarray(snapshot.sentence_vectors[first:last], dtype=np.float16),
        )
