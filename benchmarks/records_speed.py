"""Record of the speed benchmark: query embedding, answer latency, HNSW recall, memory, ingest."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.result_format import Fields, Latency, Passes, Provenance, read_latency, read_passes


@dataclass(frozen=True, slots=True)
class QueryEmbedding:
    """Single-question embedding latency per backend, against torch."""

    latency: dict[str, Latency]  # torch, onnx, onnx_1thread (those measured)
    speedup_p50_vs_torch: dict[str, float]
    min_cosine_vs_torch: dict[str, float]


@dataclass(frozen=True, slots=True)
class AnswerLatency:
    """``Engine.answer`` over the BBC index per query embedder, and the naive peer."""

    passages: int
    questions: int
    engine_torch: Passes
    engine_onnx: Passes
    naive_encode_flatip: Latency


@dataclass(frozen=True, slots=True)
class HnswRecall:
    """HNSW recall@10 against exact search on real vectors, per efSearch."""

    m: int
    ef_construction: int
    base_vectors: int
    base: str
    queries: int
    query_source: str
    recall_at_10: dict[str, float]  # by efSearch, as written


@dataclass(frozen=True, slots=True)
class MemoryAndDisk:
    """Peak RSS of a serving process and the index size on disk."""

    serve_peak_rss_mib_torch: float
    serve_peak_rss_mib_onnx: float
    index_bytes_on_disk: int
    embedding_cache_bytes: int


@dataclass(frozen=True, slots=True)
class Ingest:
    """Ingest throughput against plain encode, and the unchanged re-ingest."""

    articles: int
    passages: int
    ingest_passages_per_s: float
    plain_encode_passages_per_s: float
    ingest_vs_plain: float
    reingest_embedded: int
    reingest_seconds: float


@dataclass(frozen=True, slots=True)
class LexicalPeers:
    """bm25s (ours) against rank_bm25."""

    passages: int
    build_seconds_bm25s: float
    build_seconds_rank_bm25: float
    query_bm25s: Latency
    query_rank_bm25: Latency
    top10_overlap: float


@dataclass(frozen=True, slots=True)
class EarlierRun:
    """Where a section carried over from an earlier run came from."""

    date: str
    command: str


@dataclass(frozen=True, slots=True)
class SpeedResult:
    """``speed.json``."""

    provenance: Provenance
    sections_from_earlier_runs: dict[str, EarlierRun]
    query_embedding: QueryEmbedding
    answer_latency: AnswerLatency | None
    hnsw_recall_real: HnswRecall | None
    memory_and_disk: MemoryAndDisk | None
    ingest: Ingest | None
    lexical_peers: LexicalPeers | None


def _query_embedding(fields: Fields, key: str) -> QueryEmbedding:
    q = fields.section(key)
    backends = ("torch", "onnx", "onnx_1thread")

    def by_backend(section: str) -> dict[str, float]:
        if not q.has(section):
            return {}
        values = q.section(section)
        return {name: values.number(name) for name in values.names()}

    return QueryEmbedding(
        latency={name: read_latency(q, name) for name in backends if q.has(name)},
        speedup_p50_vs_torch=by_backend("speedup_p50_vs_torch"),
        min_cosine_vs_torch=by_backend("min_cosine_vs_torch"),
    )


def _answer_latency(fields: Fields, key: str) -> AnswerLatency:
    a = fields.section(key)
    return AnswerLatency(
        passages=a.integer("passages"),
        questions=a.integer("questions"),
        engine_torch=read_passes(a, "engine_torch"),
        engine_onnx=read_passes(a, "engine_onnx"),
        naive_encode_flatip=read_latency(a, "naive_encode_flatip"),
    )


def _hnsw_recall(fields: Fields, key: str) -> HnswRecall:
    h = fields.section(key)
    return HnswRecall(
        m=h.integer("M"),
        ef_construction=h.integer("efConstruction"),
        base_vectors=h.integer("base_vectors"),
        base=h.text("base"),
        queries=h.integer("queries"),
        query_source=h.text("query_source"),
        recall_at_10={
            name.rsplit("_", 1)[1]: h.number(name)
            for name in h.names()
            if name.startswith("recall")
        },
    )


def _memory_and_disk(fields: Fields, key: str) -> MemoryAndDisk:
    m = fields.section(key)
    return MemoryAndDisk(
        serve_peak_rss_mib_torch=m.number("serve_peak_rss_mib_torch"),
        serve_peak_rss_mib_onnx=m.number("serve_peak_rss_mib_onnx"),
        index_bytes_on_disk=m.integer("index_bytes_on_disk"),
        embedding_cache_bytes=m.integer("embedding_cache_bytes"),
    )


def _ingest(fields: Fields, key: str) -> Ingest:
    i = fields.section(key)
    return Ingest(
        articles=i.integer("articles"),
        passages=i.integer("passages"),
        ingest_passages_per_s=i.number("ingest_passages_per_s"),
        plain_encode_passages_per_s=i.number("plain_encode_passages_per_s"),
        ingest_vs_plain=i.number("ingest_vs_plain"),
        reingest_embedded=i.integer("reingest_embedded"),
        reingest_seconds=i.number("reingest_seconds"),
    )


def _lexical_peers(fields: Fields, key: str) -> LexicalPeers:
    lx = fields.section(key)
    build = lx.section("build_seconds")
    query = lx.section("query")
    return LexicalPeers(
        passages=lx.integer("passages"),
        build_seconds_bm25s=build.number("bm25s"),
        build_seconds_rank_bm25=build.number("rank_bm25"),
        query_bm25s=read_latency(query, "bm25s"),
        query_rank_bm25=read_latency(query, "rank_bm25"),
        top10_overlap=lx.number("top10_overlap"),
    )


def speed_result(fields: Fields, provenance: Provenance) -> SpeedResult:
    """Read a speed result."""
    carried = {}
    if fields.has("sections_from_earlier_runs"):
        earlier = fields.section("sections_from_earlier_runs")
        for section in earlier.names():
            origin = earlier.section(section)
            carried[section] = EarlierRun(origin.text("date"), origin.text("command"))
    return SpeedResult(
        provenance=provenance,
        sections_from_earlier_runs=carried,
        query_embedding=_query_embedding(fields, "query_embedding"),
        answer_latency=fields.optional("answer_latency", _answer_latency),
        hnsw_recall_real=fields.optional("hnsw_recall_real", _hnsw_recall),
        memory_and_disk=fields.optional("memory_and_disk", _memory_and_disk),
        ingest=fields.optional("ingest", _ingest),
        lexical_peers=fields.optional("lexical_peers", _lexical_peers),
    )
