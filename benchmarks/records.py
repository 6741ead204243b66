"""Result records: each ``benchmarks/results/*.json`` parsed once into frozen dataclasses.

The report reads these, never the JSON. A file that lacks a field the report shows, or has a
value of the wrong type, raises :class:`ResultFormatError` naming the file and the field.
Sections a partial run may leave out are ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class ResultFormatError(ValueError):
    """Raised when a result file cannot be read as the record of its benchmark."""


class _Fields:
    """One JSON object being read: typed access that names the field when it is wrong."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise ResultFormatError(f"{where}: expected an object, found {data!r:.60}")
        self._data: dict[str, object] = data
        self.where = where

    def has(self, key: str) -> bool:
        return key in self._data

    def names(self) -> list[str]:
        return list(self._data)

    def _value(self, key: str) -> object:
        if key not in self._data:
            raise ResultFormatError(f"{self.where}.{key}: missing")
        return self._data[key]

    def _wrong(self, key: str, expected: str) -> ResultFormatError:
        return ResultFormatError(
            f"{self.where}.{key}: expected {expected}, found {self._data.get(key)!r:.60}"
        )

    def text(self, key: str) -> str:
        value = self._value(key)
        if not isinstance(value, str):
            raise self._wrong(key, "a string")
        return value

    def flag(self, key: str) -> bool:
        value = self._value(key)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false")
        return value

    def integer(self, key: str) -> int:
        value = self._value(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "an integer")
        return value

    def number(self, key: str) -> float:
        value = self._value(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number")
        return float(value)

    def number_or_text(self, key: str) -> float | str:
        value = self._value(key)
        return value if isinstance(value, str) else self.number(key)

    def section(self, key: str) -> _Fields:
        return _Fields(self._value(key), f"{self.where}.{key}")

    def objects(self, key: str) -> list[_Fields]:
        value = self._value(key)
        if not isinstance(value, list):
            raise self._wrong(key, "a list")
        return [_Fields(item, f"{self.where}.{key}[{i}]") for i, item in enumerate(value)]

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._value(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong(key, "a list of strings")
        return tuple(value)

    def numbers(self, key: str) -> tuple[float, ...]:
        value = self._value(key)
        if not isinstance(value, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            raise self._wrong(key, "a list of numbers")
        return tuple(float(v) for v in value)

    def optional(self, key: str, read: Callable[[_Fields, str], T]) -> T | None:
        """``read(self, key)`` when the field is there and not null, else None."""
        return read(self, key) if self._data.get(key) is not None else None


# -- shared pieces -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Machine:
    """Where a benchmark ran."""

    cpu: str
    cores: int
    ram_gib: float
    load_average: tuple[float, ...] | float | None  # 1/5/15 min; older files: 1 min only
    git_commit: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """What every result file says about its run."""

    name: str
    quick: bool
    date: str
    command: str
    seconds: float
    peak_rss_mib: float
    machine: Machine


@dataclass(frozen=True, slots=True)
class Latency:
    """A timing summary from ``results.summarize_ms`` (milliseconds)."""

    n: int
    p50_ms: float | None
    p95_ms: float | None
    min_ms: float | None


@dataclass(frozen=True, slots=True)
class Ranking:
    """Mean ranking metrics over the judged queries (each benchmark reports some of them)."""

    ndcg_at_10: float | None
    recall_at_10: float | None
    recall_at_100: float | None
    mrr_at_10: float | None


def _machine(fields: _Fields) -> Machine:
    load: tuple[float, ...] | float | None = None
    if fields.has("load_average"):
        load = fields.numbers("load_average")
    elif fields.has("load_average_1m"):
        load = fields.number("load_average_1m")
    return Machine(
        cpu=fields.text("cpu"),
        cores=fields.integer("cores"),
        ram_gib=fields.number("ram_gib"),
        load_average=load,
        git_commit=fields.text("git_commit"),
    )


def _provenance(fields: _Fields, name: str) -> Provenance:
    return Provenance(
        name=name,
        quick=fields.flag("quick"),
        date=fields.text("date"),
        command=fields.text("command"),
        seconds=fields.number("seconds"),
        peak_rss_mib=fields.number("peak_rss_mib"),
        machine=_machine(fields.section("machine")),
    )


def _latency(fields: _Fields, key: str) -> Latency:
    stats = fields.section(key)
    return Latency(
        n=stats.integer("n"),
        p50_ms=stats.optional("p50_ms", _Fields.number),
        p95_ms=stats.optional("p95_ms", _Fields.number),
        min_ms=stats.optional("min_ms", _Fields.number),
    )


def _ranking(fields: _Fields, key: str) -> Ranking:
    metrics = fields.section(key)
    return Ranking(
        ndcg_at_10=metrics.optional("ndcg@10", _Fields.number),
        recall_at_10=metrics.optional("recall@10", _Fields.number),
        recall_at_100=metrics.optional("recall@100", _Fields.number),
        mrr_at_10=metrics.optional("mrr@10", _Fields.number),
    )


# -- SciFact -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SciFactMethods:
    """nDCG@10, Recall@100 and MRR@10 of each method on the test split."""

    bm25: Ranking
    dense: Ranking
    rrf_k60: Ranking
    convex: Ranking


@dataclass(frozen=True, slots=True)
class FusionSettings:
    """BM25 parameters and fusion settings."""

    k1: float
    b: float
    dense_weight: float
    candidates: int


@dataclass(frozen=True, slots=True)
class GridPoint:
    """One point of a train-split grid: BM25 (k1, b) or a dense weight, and its nDCG@10."""

    ndcg_at_10: float
    k1: float | None = None
    b: float | None = None
    dense_weight: float | None = None


@dataclass(frozen=True, slots=True)
class SciFactResult:
    """``scifact.json``."""

    provenance: Provenance
    documents: int
    test_queries: int
    train_queries: int
    dense_text: str
    bm25: str
    published: dict[str, float | str]
    shipped_settings: FusionSettings
    shipped: SciFactMethods
    tuned_bm25_alone: tuple[float, float]  # k1, b
    tuned_fusion: FusionSettings
    tuned: SciFactMethods
    ceiling_ndcg_at_10: float
    ceiling_dense_weight: float
    union_recall: float
    weight_curve: tuple[GridPoint, ...]
    bm25_grid: tuple[GridPoint, ...]
    product: Ranking | None
    lexicalindex_parity: float | None  # older runs compared their own bm25s with LexicalIndex


def _settings(fields: _Fields) -> FusionSettings:
    return FusionSettings(
        k1=fields.number("k1"),
        b=fields.number("b"),
        dense_weight=fields.number("dense_weight"),
        candidates=fields.integer("candidates"),
    )


def _methods(fields: _Fields) -> SciFactMethods:
    return SciFactMethods(
        bm25=_ranking(fields, "bm25"),
        dense=_ranking(fields, "dense"),
        rrf_k60=_ranking(fields, "rrf_k60"),
        convex=_ranking(fields, "convex"),
    )


def scifact_result(fields: _Fields, provenance: Provenance) -> SciFactResult:
    """Read a SciFact result."""
    dataset = fields.section("dataset")
    shipped = fields.section("test_shipped_settings")
    tuned = fields.section("test_tuned_on_train")
    tuned_settings = tuned.section("settings")
    bm25_alone = tuned_settings.section("bm25_alone")
    ceiling = fields.section("test_ceiling_convex_weight")
    tuning = fields.section("train_tuning")
    published = fields.section("published")
    return SciFactResult(
        provenance=provenance,
        documents=dataset.integer("documents"),
        test_queries=dataset.integer("test_queries"),
        train_queries=dataset.integer("train_queries"),
        dense_text=fields.text("dense_text"),
        bm25=fields.text("bm25"),
        published={key: published.number_or_text(key) for key in published.names()},
        shipped_settings=_settings(shipped.section("settings")),
        shipped=_methods(shipped),
        tuned_bm25_alone=(bm25_alone.number("k1"), bm25_alone.number("b")),
        tuned_fusion=_settings(tuned_settings.section("fusion")),
        tuned=_methods(tuned),
        ceiling_ndcg_at_10=ceiling.number("ndcg@10"),
        ceiling_dense_weight=ceiling.number("dense_weight"),
        union_recall=fields.number("union_recall@200_shipped"),
        weight_curve=tuple(
            GridPoint(ndcg_at_10=p.number("ndcg@10"), dense_weight=p.number("dense_weight"))
            for p in tuning.objects("weight_curve_default_bm25")
        ),
        bm25_grid=tuple(
            GridPoint(ndcg_at_10=p.number("ndcg@10"), k1=p.number("k1"), b=p.number("b"))
            for p in tuning.objects("bm25_grid")
        ),
        product=fields.optional("product_hybrid_search", _ranking),
        lexicalindex_parity=fields.optional(
            "bm25_lexicalindex_parity_max_abs_diff", _Fields.number
        ),
    )


# -- news --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeightPoint:
    """Headline-task MRR@10 at one dense weight."""

    dense_weight: float
    mrr_at_10: float


@dataclass(frozen=True, slots=True)
class Miss:
    """A question the bot answered wrongly or refused wrongly."""

    question: str
    expected: str | None  # None: it should have been refused
    answered: bool
    cited: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuestionSet:
    """A hand-written question set through ``Engine.answer``."""

    answerable: int
    off_topic: int
    hit_at_1: float
    hit_at_3: float
    phrase_in_excerpt: float
    answered_on_topic: float
    refusal_precision: float
    refusal_recall: float
    answer_latency: Latency
    failures: tuple[Miss, ...]


@dataclass(frozen=True, slots=True)
class NewsResult:
    """``news.json``."""

    provenance: Provenance
    articles: int
    chunks: int
    duplicate_headline_groups: int
    methods: dict[str, Ranking]
    weight_curve: tuple[WeightPoint, ...]
    bbc_questions: QuestionSet | None
    seed_questions: QuestionSet | None


def _question_set(fields: _Fields, key: str) -> QuestionSet:
    q = fields.section(key)
    return QuestionSet(
        answerable=q.integer("answerable"),
        off_topic=q.integer("off_topic"),
        hit_at_1=q.number("hit@1"),
        hit_at_3=q.number("hit@3"),
        phrase_in_excerpt=q.number("phrase_in_excerpt"),
        answered_on_topic=q.number("answered_on_topic"),
        refusal_precision=q.number("refusal_precision"),
        refusal_recall=q.number("refusal_recall"),
        answer_latency=_latency(q, "answer_latency"),
        failures=tuple(
            Miss(
                question=f.text("question"),
                expected=f.optional("expected", _Fields.text),
                answered=f.flag("answered"),
                cited=f.texts("cited"),
            )
            for f in (q.objects("failures") if q.has("failures") else [])
        ),
    )


def news_result(fields: _Fields, provenance: Provenance) -> NewsResult:
    """Read a news result."""
    headlines = fields.section("headlines")
    methods = headlines.section("methods")
    return NewsResult(
        provenance=provenance,
        articles=headlines.integer("articles"),
        chunks=headlines.integer("chunks"),
        duplicate_headline_groups=headlines.integer("duplicate_headline_groups"),
        methods={name: _ranking(methods, name) for name in methods.names()},
        weight_curve=tuple(
            WeightPoint(p.number("dense_weight"), p.number("mrr@10"))
            for p in headlines.objects("weight_curve")
        ),
        bbc_questions=fields.optional("bbc_questions", _question_set),
        seed_questions=fields.optional("seed_questions", _question_set),
    )


# -- speed -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryEmbedding:
    """Single-question embedding latency per backend, against torch."""

    latency: dict[str, Latency]  # torch, onnx, onnx_1thread (those measured)
    speedup_p50_vs_torch: dict[str, float]
    min_cosine_vs_torch: dict[str, float]


@dataclass(frozen=True, slots=True)
class Passes:
    """``Engine.answer`` latency: first pass (cold caches) and repeats."""

    first_pass: Latency
    repeat: Latency


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


def _query_embedding(fields: _Fields, key: str) -> QueryEmbedding:
    q = fields.section(key)
    backends = ("torch", "onnx", "onnx_1thread")

    def by_backend(section: str) -> dict[str, float]:
        if not q.has(section):
            return {}
        values = q.section(section)
        return {name: values.number(name) for name in values.names()}

    return QueryEmbedding(
        latency={name: _latency(q, name) for name in backends if q.has(name)},
        speedup_p50_vs_torch=by_backend("speedup_p50_vs_torch"),
        min_cosine_vs_torch=by_backend("min_cosine_vs_torch"),
    )


def _passes(fields: _Fields, key: str) -> Passes:
    p = fields.section(key)
    return Passes(_latency(p, "first_pass"), _latency(p, "repeat"))


def _answer_latency(fields: _Fields, key: str) -> AnswerLatency:
    a = fields.section(key)
    return AnswerLatency(
        passages=a.integer("passages"),
        questions=a.integer("questions"),
        engine_torch=_passes(a, "engine_torch"),
        engine_onnx=_passes(a, "engine_onnx"),
        naive_encode_flatip=_latency(a, "naive_encode_flatip"),
    )


def _hnsw_recall(fields: _Fields, key: str) -> HnswRecall:
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


def _memory_and_disk(fields: _Fields, key: str) -> MemoryAndDisk:
    m = fields.section(key)
    return MemoryAndDisk(
        serve_peak_rss_mib_torch=m.number("serve_peak_rss_mib_torch"),
        serve_peak_rss_mib_onnx=m.number("serve_peak_rss_mib_onnx"),
        index_bytes_on_disk=m.integer("index_bytes_on_disk"),
        embedding_cache_bytes=m.integer("embedding_cache_bytes"),
    )


def _ingest(fields: _Fields, key: str) -> Ingest:
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


def _lexical_peers(fields: _Fields, key: str) -> LexicalPeers:
    lx = fields.section(key)
    build = lx.section("build_seconds")
    query = lx.section("query")
    return LexicalPeers(
        passages=lx.integer("passages"),
        build_seconds_bm25s=build.number("bm25s"),
        build_seconds_rank_bm25=build.number("rank_bm25"),
        query_bm25s=_latency(query, "bm25s"),
        query_rank_bm25=_latency(query, "rank_bm25"),
        top10_overlap=lx.number("top10_overlap"),
    )


def speed_result(fields: _Fields, provenance: Provenance) -> SpeedResult:
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


# -- scale -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScaleResult:
    """``scale-<size>.json``."""

    provenance: Provenance
    passages: int
    query_embedder: str
    faiss_exact: Latency
    faiss_hnsw: Latency
    hnsw_recall_synthetic: float
    hybrid_exact: Latency
    hybrid_hnsw: Latency
    answer: Passes
    index_bytes_on_disk: int
    index_build_seconds: float
    profile_repeat: tuple[str, ...] | None
    profile_first_pass: tuple[str, ...] | None


def scale_result(fields: _Fields, provenance: Provenance) -> ScaleResult:
    """Read a scale result."""
    faiss = fields.section("faiss")
    hybrid = fields.section("hybrid_search")
    index = fields.section("index")
    return ScaleResult(
        provenance=provenance,
        passages=fields.integer("passages"),
        query_embedder=fields.optional("query_embedder", _Fields.text) or "torch",
        faiss_exact=_latency(faiss, "exact_search"),
        faiss_hnsw=_latency(faiss, "hnsw_search"),
        hnsw_recall_synthetic=faiss.number("hnsw_recall@10_vs_exact_synthetic"),
        hybrid_exact=_latency(hybrid, "exact"),
        hybrid_hnsw=_latency(hybrid, "hnsw"),
        answer=_passes(fields, "answer"),
        index_bytes_on_disk=index.integer("bytes_on_disk"),
        index_build_seconds=index.number("build_seconds"),
        profile_repeat=fields.optional("answer_profile_cumulative", _Fields.texts),
        profile_first_pass=fields.optional("answer_profile_first_pass", _Fields.texts),
    )


# -- bot ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BotRun:
    """One configuration of the 50-user load run."""

    replies: int
    questions_per_s: float
    latency: Latency
    failures: int


@dataclass(frozen=True, slots=True)
class BotResult:
    """``bot_load.json``."""

    provenance: Provenance
    shipped: BotRun
    no_flood_limit: BotRun
    engine_answer_ms_direct_warm: float
    engine_answer_ceiling_questions_per_s: float


def _bot_run(fields: _Fields, key: str) -> BotRun:
    run = fields.section(key)
    return BotRun(
        replies=run.integer("replies"),
        questions_per_s=run.number("questions_per_s"),
        latency=_latency(run, "latency"),
        failures=run.integer("failures"),
    )


def bot_result(fields: _Fields, provenance: Provenance) -> BotResult:
    """Read a bot load result."""
    return BotResult(
        provenance=provenance,
        shipped=_bot_run(fields, "shipped"),
        no_flood_limit=_bot_run(fields, "no_flood_limit"),
        engine_answer_ms_direct_warm=fields.number("engine_answer_ms_direct_warm"),
        engine_answer_ceiling_questions_per_s=fields.number(
            "engine_answer_ceiling_questions_per_s"
        ),
    )


# -- all results -------------------------------------------------------------------------------

Record = SciFactResult | NewsResult | SpeedResult | ScaleResult | BotResult


@dataclass(frozen=True, slots=True)
class Results:
    """Every result the report shows; a full run wins over a quick one of the same name."""

    by_name: Mapping[str, Record]

    def _get(self, name: str, kind: type[T]) -> T | None:
        record = self.by_name.get(name)
        return record if isinstance(record, kind) else None

    @property
    def scifact(self) -> SciFactResult | None:
        return self._get("scifact", SciFactResult)

    @property
    def news(self) -> NewsResult | None:
        return self._get("news", NewsResult)

    @property
    def speed(self) -> SpeedResult | None:
        return self._get("speed", SpeedResult)

    @property
    def bot(self) -> BotResult | None:
        return self._get("bot_load", BotResult)

    def scale(self, name: str | None = None) -> list[ScaleResult]:
        """Scale results (the one named ``name``), smallest first."""
        found = [
            r
            for n, r in self.by_name.items()
            if isinstance(r, ScaleResult) and (name is None or n == name)
        ]
        return sorted(found, key=lambda r: r.passages)


_READERS: dict[str, Callable[[_Fields, Provenance], Record]] = {
    "scifact": scifact_result,
    "news": news_result,
    "speed": speed_result,
    "bot_load": bot_result,
}


def read_result(path: Path) -> Record | None:
    """The record of one result file, or None for a benchmark the report does not show.

    Raises:
        ResultFormatError: The file is not valid JSON or lacks a field of its record.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ResultFormatError(f"{path.name}: not readable as JSON ({error})") from error
    fields = _Fields(data, path.name)
    name = fields.text("benchmark") if fields.has("benchmark") else path.stem
    read = scale_result if name.startswith("scale-") else _READERS.get(name)
    if read is None:
        return None
    return read(fields, _provenance(fields, name))


def load_results(directory: Path) -> Results:
    """Every result in ``directory``; a full run wins over a quick one.

    Raises:
        ResultFormatError: A file cannot be read; the message names it and what is wrong.
    """
    found: dict[str, Record] = {}
    for path in sorted(directory.glob("*.json")):
        record = read_result(path)
        if record is None:
            continue
        name = record.provenance.name
        if name in found and not found[name].provenance.quick and record.provenance.quick:
            continue
        found[name] = record
    return Results(found)
