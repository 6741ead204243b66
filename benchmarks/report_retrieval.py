"""BENCHMARKS.md sections for retrieval quality: BEIR SciFact and BBC news."""

from __future__ import annotations

from typing import Any

from benchmarks.records_retrieval import NewsResult, SciFactResult
from benchmarks.report_markdown import cell, provenance, table
from benchmarks.result_format import Ranking


def _metrics_row(name: str, m: Ranking) -> list[Any]:
    return [name, m.ndcg_at_10, m.recall_at_100, m.mrr_at_10]


def scifact_section(r: SciFactResult) -> list[str]:
    """BM25, dense and fused retrieval on SciFact, shipped and tuned settings."""
    shipped = r.shipped
    tuned = r.tuned
    lines = ["## Retrieval quality: BEIR SciFact", "", *provenance(r.provenance)]
    lines += [
        f"{r.documents} documents, {r.test_queries} test "
        f"queries (tuning on {r.train_queries} train queries). Dense text: "
        f"{r.dense_text}. BM25: {r.bm25}. nDCG@10 with graded gains and a log2 "
        "discount, Recall@100, MRR@10, computed in `benchmarks/metrics.py` (no document "
        "excluded).",
        "",
        "Test split, shipped settings (k1 1.2, b 0.75, `DENSE_WEIGHT` "
        f"{r.shipped_settings.dense_weight}, `CANDIDATES` "
        f"{r.shipped_settings.candidates}):",
        "",
    ]
    rows = [
        _metrics_row("BM25 (ours)", shipped.bm25),
        _metrics_row("dense all-MiniLM-L6-v2", shipped.dense),
        _metrics_row("RRF k=60 (peer)", shipped.rrf_k60),
        _metrics_row("convex fusion (product formula)", shipped.convex),
    ]
    if r.product is not None:
        rows.append(_metrics_row("**product `hybrid_search`, real index**", r.product))
    lines += table(["method", "nDCG@10", "Recall@100", "MRR@10"], rows)
    fusion = r.tuned_fusion
    k1_alone, b_alone = r.tuned_bm25_alone
    lines += [
        f"Test split, settings tuned on train only (BM25 alone: k1 {k1_alone}, b "
        f"{b_alone}; fusion: k1 {fusion.k1}, b {fusion.b}, dense weight "
        f"{fusion.dense_weight}, candidates {fusion.candidates}):",
        "",
    ]
    lines += table(
        ["method", "nDCG@10", "Recall@100", "MRR@10"],
        [
            _metrics_row("BM25 (tuned)", tuned.bm25),
            _metrics_row("dense", tuned.dense),
            _metrics_row("RRF k=60 (tuned BM25)", tuned.rrf_k60),
            _metrics_row("convex fusion (tuned)", tuned.convex),
        ],
    )
    parity = (
        ""
        if r.lexicalindex_parity is None
        else f" bm25s vs `LexicalIndex` score parity: max |Δ| = {cell(r.lexicalindex_parity, 6)}."
    )
    lines += [
        f"Ceiling (not a result: the best weight chosen on test itself): nDCG@10 "
        f"{cell(r.ceiling_ndcg_at_10)} at dense weight {r.ceiling_dense_weight}. "
        "Recall of the "
        f"candidate pool (dense top-100 ∪ BM25 top-100): {cell(r.union_recall)}.{parity}",
        "",
        "Published anchors: " + "; ".join(f"{k} {v}" for k, v in r.published.items()) + ".",
        "",
    ]
    curve = r.weight_curve
    if curve:
        lines += [
            "Train-split nDCG@10 against the dense weight (k1 1.2, b 0.75, 100 candidates):",
            "",
        ]
        lines += table(
            ["dense weight", *[cell(c.dense_weight, 2) for c in curve]],
            [["nDCG@10", *[c.ndcg_at_10 for c in curve]]],
        )
    if r.bm25_grid:
        best = sorted(r.bm25_grid, key=lambda g: -g.ndcg_at_10)[:5]
        lines += [
            "Best BM25 settings on train: "
            + "; ".join(f"k1 {g.k1}, b {g.b}: {g.ndcg_at_10}" for g in best)
            + ".",
            "",
        ]
    return lines


def news_section(r: NewsResult) -> list[str]:
    """Headline retrieval and the question sets over the BBC corpus."""
    lines = ["## News retrieval: BBC", "", *provenance(r.provenance)]
    lines += [
        f"Headline → article over {r.articles} articles ({r.chunks} body chunks, "
        f"headline removed; {r.duplicate_headline_groups} headlines shared by duplicate "
        "stories count every copy as relevant):",
        "",
    ]
    lines += table(
        ["method", "MRR@10", "Recall@10", "nDCG@10"],
        [[name, m.mrr_at_10, m.recall_at_10, m.ndcg_at_10] for name, m in r.methods.items()],
    )
    if r.weight_curve:
        lines += table(
            ["dense weight", *[cell(c.dense_weight, 2) for c in r.weight_curve]],
            [["MRR@10", *[c.mrr_at_10 for c in r.weight_curve]]],
        )
    sets = (
        ("BBC question set", "bbc questions", r.bbc_questions),
        ("seed question set", "seed questions", r.seed_questions),
    )
    rows = [
        [
            label,
            f"{q.answerable} + {q.off_topic} off-topic",
            q.hit_at_1,
            q.hit_at_3,
            q.phrase_in_excerpt,
            q.answered_on_topic,
            q.refusal_precision,
            q.refusal_recall,
            q.answer_latency.p50_ms,
        ]
        for label, _, q in sets
        if q is not None
    ]
    lines += [
        "Question sets through the real `Engine.answer` (hit = a cited article is the expected "
        "one or an `also_ok`; phrase = `must_contain` in that article's excerpt):",
        "",
    ]
    lines += table(
        [
            "set",
            "questions",
            "hit@1",
            "hit@3",
            "phrase in excerpt",
            "answered (on-topic)",
            "refusal precision",
            "refusal recall",
            "answer p50 ms (cold)",
        ],
        rows,
    )
    for _, title, q in sets:
        if q is not None and q.failures:
            lines += [f"Misses in the {title}:", ""]
            for f in q.failures:
                lines.append(
                    f"- {f.question!r}: expected {f.expected or 'refusal'}, "
                    f"{'answered' if f.answered else 'refused'}, cited {list(f.cited)}"
                )
            lines.append("")
    return lines
