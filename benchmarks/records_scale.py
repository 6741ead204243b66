"""Records of the scale benchmark (100k and 1M passages) and of the bot under load."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.result_format import Fields, Latency, Passes, Provenance, read_latency, read_passes

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


def scale_result(fields: Fields, provenance: Provenance) -> ScaleResult:
    """Read a scale result."""
    faiss = fields.section("faiss")
    hybrid = fields.section("hybrid_search")
    index = fields.section("index")
    return ScaleResult(
        provenance=provenance,
        passages=fields.integer("passages"),
        query_embedder=fields.optional("query_embedder", Fields.text) or "torch",
        faiss_exact=read_latency(faiss, "exact_search"),
        faiss_hnsw=read_latency(faiss, "hnsw_search"),
        hnsw_recall_synthetic=faiss.number("hnsw_recall@10_vs_exact_synthetic"),
        hybrid_exact=read_latency(hybrid, "exact"),
        hybrid_hnsw=read_latency(hybrid, "hnsw"),
        answer=read_passes(fields, "answer"),
        index_bytes_on_disk=index.integer("bytes_on_disk"),
        index_build_seconds=index.number("build_seconds"),
        profile_repeat=fields.optional("answer_profile_cumulative", Fields.texts),
        profile_first_pass=fields.optional("answer_profile_first_pass", Fields.texts),
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


def _bot_run(fields: Fields, key: str) -> BotRun:
    run = fields.section(key)
    return BotRun(
        replies=run.integer("replies"),
        questions_per_s=run.number("questions_per_s"),
        latency=read_latency(run, "latency"),
        failures=run.integer("failures"),
    )


def bot_result(fields: Fields, provenance: Provenance) -> BotResult:
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
