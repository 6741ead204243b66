"""The build pipeline: articles -> passages and sentences -> embeddings -> a new generation.

Passages are embedded for search, sentences for choosing the key sentence at answer time.
Only text that was never embedded before is embedded; everything else comes from the
embedding cache beside the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from retrieval.chunking import Chunk, embedding_text, sentence_spans, split_article
from retrieval.embedding.cache import EmbeddingCache, embed_with_cache
from retrieval.embedding.protocol import MODEL_ID, Embedder
from retrieval.index.dense import ANN_THRESHOLD
from retrieval.index.layout import EMBEDDING_CACHE
from retrieval.index.manifest import Manifest
from retrieval.index.sqlite import SentenceRow
from retrieval.index.writer import write_generation
from retrieval.ingest.aliases import learn_aliases
from retrieval.records import Article
from retrieval.text.quotable import is_quotable
from retrieval.text.vocabulary import count_words


@dataclass(frozen=True, slots=True)
class Built:
    """What a build wrote.

    Attributes:
        manifest: The new live generation's manifest.
        passages: Passages in it.
        embedded: Passages that had to be embedded (the rest came from the cache).
        sentences_embedded: Sentences that had to be embedded.
    """

    manifest: Manifest
    passages: int
    embedded: int
    sentences_embedded: int


def build_generation(
    index_dir: Path,
    articles: Mapping[str, Article],
    embedder: Embedder,
    *,
    ann_threshold: int = ANN_THRESHOLD,
    progress: bool = False,
) -> Built:
    """Chunk, embed and index ``articles`` as a new generation, then make it live.

    Call it under the index's write lock.
    """
    ordered = [articles[s] for s in sorted(articles)]
    chunks: list[Chunk] = [c for a in ordered for c in split_article(a)]
    titles = {a.source: a.title for a in ordered}
    sentences = [
        SentenceRow(a.source, start, end, is_quotable(a.text[start:end]))
        for a in ordered
        for start, end in sentence_spans(a.text)
    ]
    texts = [embedding_text(titles[c.source], c.text) for c in chunks]
    sentence_texts = [articles[s.source].text[s.start : s.end] for s in sentences]
    cache = EmbeddingCache(
        index_dir / EMBEDDING_CACHE, model_hash=embedder.model_hash, dimension=embedder.dimension
    )
    try:
        vectors, embedded = embed_with_cache(texts, embedder, cache, progress=progress)
        sentence_vectors, sentences_embedded = embed_with_cache(
            sentence_texts, embedder, cache, progress=progress
        )
    finally:
        cache.close()
    manifest = write_generation(
        index_dir,
        ordered,
        chunks,
        vectors,
        model_id=getattr(embedder, "model_id", MODEL_ID),
        model_hash=embedder.model_hash,
        ann_threshold=ann_threshold,
        sentences=sentences,
        sentence_vectors=sentence_vectors,
        vocabulary=count_words(ordered).items(),
        aliases=learn_aliases(ordered),
    )
    return Built(
        manifest=manifest,
        passages=len(chunks),
        embedded=embedded,
        sentences_embedded=sentences_embedded,
    )
