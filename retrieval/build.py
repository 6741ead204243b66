"""The build pipeline: articles -> chunks -> embeddings (cached) -> a new index generation.

Only passages whose text was never embedded before are embedded; everything else comes from
the embedding cache beside the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from retrieval.chunking import Chunk, embedding_text, split_article
from retrieval.embedding.cache import EmbeddingCache, embed_with_cache
from retrieval.embedding.protocol import MODEL_ID, Embedder
from retrieval.index.dense import ANN_THRESHOLD
from retrieval.index.layout import EMBEDDING_CACHE
from retrieval.index.manifest import Manifest
from retrieval.index.writer import write_generation
from retrieval.records import Article


@dataclass(frozen=True, slots=True)
class Built:
    """What a build wrote.

    Attributes:
        manifest: The new live generation's manifest.
        passages: Passages in it.
        embedded: Passages that had to be embedded (the rest came from the cache).
    """

    manifest: Manifest
    passages: int
    embedded: int


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
    texts = [embedding_text(titles[c.source], c.text) for c in chunks]
    cache = EmbeddingCache(
        index_dir / EMBEDDING_CACHE, model_hash=embedder.model_hash, dimension=embedder.dimension
    )
    try:
        vectors, embedded = embed_with_cache(texts, embedder, cache, progress=progress)
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
    )
    return Built(manifest=manifest, passages=len(chunks), embedded=embedded)
