"""Records of the retrieval-quality benchmarks: BEIR SciFact and BBC news."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.result_format import (
    Fields,
    Latency,
    Provenance,
    Ranking,
    read_latency,
    read_ranking,
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


def _settings(fields: Fields) -> FusionSettings:
    return FusionSettings(
        k1=fields.number("k1"),
        b=fields.number("b"),
        dense_weight=fields.number("dense_weight"),
        candidates=fields.integer("candidates"),
    )


def _methods(fields: Fields) -> SciFactMethods:
    return SciFactMethods(
        bm25=read_ranking(fields, "bm25"),
        dense=read_ranking(fields, "dense"),
        rrf_k60=read_ranking(fields, "rrf_k60"),
        convex=read_ranking(fields, "convex"),
    )


def scifact_result(fields: Fields, provenance: Provenance) -> SciFactResult:
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
        product=fields.optional("product_hybrid_search", read_ranking),
        lexicalindex_parity=fields.optional(
            "bm25_lexicalindex_parity_max_abs_diff", Fields.number
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


def _question_set(fields: Fields, key: str) -> QuestionSet:
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
        answer_latency=read_latency(q, "answer_latency"),
        failures=tuple(
            Miss(
                question=f.text("question"),
                expected=f.optional("expected", Fields.text),
                answered=f.flag("answered"),
                cited=f.texts("cited"),
            )
            for f in (q.objects("failures") if q.has("failures") else [])
        ),
    )


def news_result(fields: Fields, provenance: Provenance) -> NewsResult:
    """Read a news result."""
    headlines = fields.section("headlines")
    methods = headlines.section("methods")
    return NewsResult(
        provenance=provenance,
        articles=headlines.integer("articles"),
        chunks=headlines.integer("chunks"),
        duplicate_headline_groups=headlines.integer("duplicate_headline_groups"),
        methods={name: read_ranking(methods, name) for name in methods.names()},
        weight_curve=tuple(
            WeightPoint(p.number("dense_weight"), p.number("mrr@10"))
            for p in headlines.objects("weight_curve")
        ),
        bbc_questions=fields.optional("bbc_questions", _question_set),
        seed_questions=fields.optional("seed_questions", _question_set),
    )
