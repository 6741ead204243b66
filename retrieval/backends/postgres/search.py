"""The SQL of one question: corpus statistics, dense and BM25 candidates, article records.

Dense candidates come from pgvector (``<=>``, cosine distance): an exact scan below
``ANN_THRESHOLD`` passages, the HNSW index above it, at ``hnsw.ef_search``. The threshold is
lower than the embedded index's: a scan in PostgreSQL costs far more than FAISS's. BM25 is
the embedded backend's (bm25s, Lucene variant, same k1 and b) computed from the postings:
``idf(t) * tf / (tf + k1 * (1 - b + b * length / avgdl))`` summed over the query's tokens,
so lexical scores equal the embedded ones, not ``ts_rank``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import psycopg

from retrieval.embedding.protocol import Vectors
from retrieval.records import Article

__all__ = [
    "ANN_THRESHOLD",
    "Candidate",
    "Corpus",
    "candidates",
    "corpus",
    "frequencies",
    "records",
]

K1 = 1.2
B = 0.75
"""BM25 parameters; ``LexicalIndex.build``'s defaults."""
ANN_THRESHOLD = 5_000
"""Passages from which the HNSW index is searched instead of scanning every vector."""
EF_SEARCH = 128
"""HNSW candidate list while searching; the embedded backend's ``HNSW_EF_SEARCH``."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """Corpus statistics as of the reading's transaction."""

    passages: int
    total_length: int
    data_version: int

    @property
    def average_length(self) -> float:
        """Mean passage length in BM25 tokens."""
        return self.total_length / self.passages if self.passages else 1.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate passage: its id, article, offsets, vector and both scores."""

    id: int
    source: str
    ordinal: int
    start: int
    end: int
    first_sentence: int
    last_sentence: int
    vector: Vectors
    bm25: tuple[float, ...]  # one score per wording searched for
    cosine: float | None  # set for dense candidates


def corpus(conn: psycopg.Connection[Any]) -> Corpus:
    """The corpus statistics row."""
    row = conn.execute("SELECT passages, total_length, data_version FROM corpus").fetchone()
    return Corpus(*(int(v) for v in row)) if row else Corpus(0, 0, 0)


def frequencies(conn: psycopg.Connection[Any], terms: Sequence[str]) -> dict[str, int]:
    """The document frequency of each of ``terms`` that occurs in the corpus."""
    rows = conn.execute(
        "SELECT term, df FROM terms WHERE term = ANY(%s)", (list(dict.fromkeys(terms)),)
    )
    return {str(t): int(n) for t, n in rows}


def candidates(
    conn: psycopg.Connection[Any],
    vector: Vectors,
    weights: Sequence[Mapping[str, float]],
    stats: Corpus,
    *,
    dense: int,
    lexical: int,
    exact: bool,
    sources: Set[str] | None,
) -> list[Candidate]:
    """The top ``dense`` passages by cosine and the top ``lexical`` by BM25, with both scores.

    Args:
        conn: A connection in the reading's transaction.
        vector: The question's embedding.
        weights: For each wording searched for (the question, then other forms of its
            names), each term's IDF times its count in that wording.
        stats: Corpus statistics for BM25's length normalisation.
        dense: How many dense candidates.
        lexical: How many BM25 candidates: by BM25 for one wording; with several, by each
            passage's best share of a wording's top score (as ``lexical_scores``).
        exact: Scan every vector instead of the HNSW index.
        sources: When given, BM25 candidates come from these articles only.
    """
    conn.execute(
        "SELECT set_config('hnsw.ef_search', %s, true), set_config('jit', 'off', true)",
        (str(max(EF_SEARCH, dense)),),
    )
    # OFFSET 0 keeps the planner from flattening the scan into an HNSW index search.
    source = (
        "(SELECT id, embedding <=> %(q)b AS distance FROM passages OFFSET 0) AS every"
        if exact
        else "(SELECT id, embedding <=> %(q)b AS distance FROM passages) AS every"
    )
    only = (
        ""
        if sources is None
        else "JOIN passages fp ON fp.id = s.id JOIN articles fa ON fa.id = fp.article_id"
        " WHERE fa.source = ANY(%(sources)s)"
    )
    wordings = [i for i, wording in enumerate(weights) for _ in wording]
    terms = [t for wording in weights for t in wording]
    query = f"""
        WITH dense AS MATERIALIZED (
            SELECT id, distance FROM {source} ORDER BY distance LIMIT %(dense)s
        ),
        weights AS (
            SELECT * FROM unnest(%(wordings)s::int[], %(terms)s::text[], %(weights)s::float8[])
                AS w(wording, term, weight)
        ),
        each_wording AS MATERIALIZED (
            SELECT p.passage_id AS id, w.wording, sum(
                w.weight * p.tf / (p.tf + %(k1)s * (1 - %(b)s + %(b)s * p.length / %(avgdl)s))
            ) AS bm25
            FROM postings p JOIN weights w ON w.term = p.term GROUP BY p.passage_id, w.wording
        ),
        tops AS (SELECT wording, max(bm25) AS top FROM each_wording GROUP BY wording),
        scored AS MATERIALIZED (
            SELECT e.id, max(e.bm25 / t.top) AS best, array_agg(e.wording) AS wordings,
                   array_agg(e.bm25) AS scores
            FROM each_wording e JOIN tops t ON t.wording = e.wording GROUP BY e.id
        ),
        lexical AS (SELECT s.id FROM scored s {only} ORDER BY s.best DESC LIMIT %(lexical)s),
        chosen AS (SELECT id FROM dense UNION SELECT id FROM lexical)
        SELECT ps.id, a.source, ps.ordinal, ps.start_offset, ps.end_offset, ps.first_sentence,
               ps.last_sentence, ps.embedding, s.wordings, s.scores::float8[],
               d.distance::float8
        FROM chosen c JOIN passages ps ON ps.id = c.id JOIN articles a ON a.id = ps.article_id
        LEFT JOIN scored s ON s.id = c.id LEFT JOIN dense d ON d.id = c.id
        ORDER BY d.distance NULLS LAST, ps.id
    """  # noqa: S608 - only fixed SQL is formatted in
    params = {
        "q": np.asarray(vector, dtype=np.float32),
        "dense": dense,
        "lexical": lexical,
        "wordings": wordings,
        "terms": terms,
        "weights": [w[t] for w in weights for t in w],
        "k1": K1,
        "b": B,
        "avgdl": stats.average_length,
        "sources": sorted(sources or ()),
    }
    with conn.cursor(binary=True) as cursor:
        rows = cursor.execute(query, params).fetchall()
    return [
        Candidate(
            id=int(r[0]),
            source=str(r[1]),
            ordinal=int(r[2]),
            start=int(r[3]),
            end=int(r[4]),
            first_sentence=int(r[5]),
            last_sentence=int(r[6]),
            vector=r[7],
            bm25=_per_wording(r[8], r[9], len(weights)),
            cosine=None if r[10] is None else 1.0 - float(r[10]),
        )
        for r in rows
    ]


def _per_wording(
    wordings: Sequence[int] | None, scores: Sequence[float] | None, count: int
) -> tuple[float, ...]:
    """A passage's BM25 for each wording (0 for those it does not match)."""
    found = [0.0] * count
    for wording, score in zip(wordings or (), scores or (), strict=True):
        found[int(wording)] = float(score)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Record:
    """An article with its sentences' offsets, quotability and float16 vectors."""

    article: Article
    starts: list[int]
    ends: list[int]
    quotable: list[bool]
    vectors: np.ndarray[Any, Any]


def records(conn: psycopg.Connection[Any], sources: Sequence[str], dimension: int) -> list[Record]:
    """The records of ``sources``, in that order (sources not indexed are left out)."""
    rows = conn.execute(
        "SELECT source, title, text, url, published, publisher, related_links, content_hash,"
        " notes, origin, byline, sentence_starts, sentence_ends, sentence_quotable,"
        " sentence_vectors FROM articles WHERE source = ANY(%s)",
        (list(sources),),
    ).fetchall()
    by_source = {r[0]: r for r in rows}
    found = []
    for source in sources:
        r = by_source.get(source)
        if r is None:
            continue
        published: date | None = r[4]
        article = Article(
            source=r[0],
            title=r[1],
            text=r[2],
            url=r[3],
            published=published,
            publisher=r[5],
            related_links=tuple(r[6]),
            content_hash=r[7],
            notes=tuple(r[8]),
            origin=r[9],
            byline=r[10],
        )
        vectors = np.frombuffer(bytes(r[14]), dtype="<f2").reshape(-1, dimension)
        found.append(Record(article, list(r[11]), list(r[12]), list(r[13]), vectors))
    return found
