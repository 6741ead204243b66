"""BENCHMARKS.md, regenerated from every ``benchmarks/results/*.json`` and ``analysis.md``.

Run ``python -m benchmarks.report``. Full runs are preferred; a benchmark that has only a
``--quick`` result is shown marked as quick. The results are read as typed records
(``benchmarks/records.py``); a file that does not fit its record stops the report with a message
naming the field. Prose that interprets the figures lives in ``benchmarks/analysis.md`` and is
copied in verbatim.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.records import (
    BotResult,
    Latency,
    NewsResult,
    Provenance,
    Ranking,
    ResultFormatError,
    Results,
    ScaleResult,
    SciFactResult,
    SpeedResult,
    load_results,
)
from benchmarks.results import RESULTS_DIR, ROOT

OUTPUT = ROOT / "BENCHMARKS.md"
ANALYSIS = ROOT / "benchmarks" / "analysis.md"


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += [
        "| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in row) + " |"
        for row in rows
    ]
    return [*lines, ""]


def _provenance(p: Provenance) -> list[str]:
    machine = p.machine
    quick = " **(quick run: subsampled, indicative only)**" if p.quick else ""
    where = f"{machine.cpu}, {machine.cores} cores, {machine.ram_gib} GiB RAM"
    load = machine.load_average
    shown_load = "?" if load is None else (str(list(load)) if isinstance(load, tuple) else load)
    return [
        f"*{p.date} · `{p.command}` · {where} · load average "
        f"(1/5/15 min) {shown_load} at the end · commit "
        f"{machine.git_commit} · {p.seconds} s, peak RSS {p.peak_rss_mib} MiB*{quick}",
        "",
    ]


def _metrics_row(name: str, m: Ranking) -> list[Any]:
    return [name, m.ndcg_at_10, m.recall_at_100, m.mrr_at_10]


def scifact_section(r: SciFactResult) -> list[str]:
    shipped = r.shipped
    tuned = r.tuned
    lines = ["## Retrieval quality: BEIR SciFact", "", *_provenance(r.provenance)]
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
    lines += _table(["method", "nDCG@10", "Recall@100", "MRR@10"], rows)
    fusion = r.tuned_fusion
    k1_alone, b_alone = r.tuned_bm25_alone
    lines += [
        f"Test split, settings tuned on train only (BM25 alone: k1 {k1_alone}, b "
        f"{b_alone}; fusion: k1 {fusion.k1}, b {fusion.b}, dense weight "
        f"{fusion.dense_weight}, candidates {fusion.candidates}):",
        "",
    ]
    lines += _table(
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
        else f" bm25s vs `LexicalIndex` score parity: max |Δ| = {_f(r.lexicalindex_parity, 6)}."
    )
    lines += [
        f"Ceiling (not a result: the best weight chosen on test itself): nDCG@10 "
        f"{_f(r.ceiling_ndcg_at_10)} at dense weight {r.ceiling_dense_weight}. "
        "Recall of the "
        f"candidate pool (dense top-100 ∪ BM25 top-100): {_f(r.union_recall)}.{parity}",
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
        lines += _table(
            ["dense weight", *[_f(c.dense_weight, 2) for c in curve]],
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
    lines = ["## News retrieval: BBC", "", *_provenance(r.provenance)]
    lines += [
        f"Headline → article over {r.articles} articles ({r.chunks} body chunks, "
        f"headline removed; {r.duplicate_headline_groups} headlines shared by duplicate "
        "stories count every copy as relevant):",
        "",
    ]
    lines += _table(
        ["method", "MRR@10", "Recall@10", "nDCG@10"],
        [[name, m.mrr_at_10, m.recall_at_10, m.ndcg_at_10] for name, m in r.methods.items()],
    )
    if r.weight_curve:
        lines += _table(
            ["dense weight", *[_f(c.dense_weight, 2) for c in r.weight_curve]],
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
    lines += _table(
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


def _lat(m: Latency | None) -> str:
    if m is None:
        return "n/a"
    return f"{_f(m.p50_ms, 1)} / {_f(m.p95_ms, 1)}"


def speed_section(r: SpeedResult) -> list[str]:
    lines = ["## Speed and memory at the BBC corpus size", "", *_provenance(r.provenance)]
    for section, origin in r.sections_from_earlier_runs.items():
        lines += [
            f"*`{section}` below comes from an earlier run: {origin.date} · `{origin.command}`*",
            "",
        ]
    q = r.query_embedding
    lines += [
        "Query embedding, one question per call (p50 / p95 ms; same run, one backend at a "
        "time in rotating blocks):",
        "",
    ]
    lines += _table(
        ["backend", "p50 / p95 ms", "min ms", "speed-up (p50)", "min cosine vs torch"],
        [
            [
                name,
                _lat(latency),
                _f(latency.min_ms, 1),
                q.speedup_p50_vs_torch.get(name, "1.0"),
                q.min_cosine_vs_torch.get(name, "-"),
            ]
            for name, latency in q.latency.items()
        ],
    )
    a = r.answer_latency
    if a is not None:
        lines += [
            f"`Engine.answer()` over the BBC index ({a.passages} passages, "
            f"{a.questions} BBC questions; first pass has a cold sentence-vector cache):",
            "",
        ]
        lines += _table(
            ["pipeline", "first pass p50 / p95 ms", "repeat p50 / p95 ms"],
            [
                [
                    "Engine, torch query embedding",
                    _lat(a.engine_torch.first_pass),
                    _lat(a.engine_torch.repeat),
                ],
                [
                    "Engine, ONNX query embedding",
                    _lat(a.engine_onnx.first_pass),
                    _lat(a.engine_onnx.repeat),
                ],
                ["peer: naive encode + IndexFlatIP top-5", "-", _lat(a.naive_encode_flatip)],
            ],
        )
    h = r.hnsw_recall_real
    if h is not None:
        lines += [
            f"HNSW (M {h.m}, efConstruction {h.ef_construction}) recall@10 vs exact "
            f"on {h.base_vectors} real vectors ({h.base}), {h.queries} real "
            f"queries ({h.query_source}): "
            + ", ".join(f"efSearch {ef}: {v}" for ef, v in h.recall_at_10.items())
            + ".",
            "",
        ]
    m = r.memory_and_disk
    if m is not None:
        lines += [
            f"Memory and disk: a fresh process serving the BBC index peaks at "
            f"{m.serve_peak_rss_mib_torch} MiB RSS with torch, "
            f"{m.serve_peak_rss_mib_onnx} MiB with ONNX Runtime; the live generation takes "
            f"{m.index_bytes_on_disk / 2**20:.1f} MiB on disk (embedding cache "
            f"{m.embedding_cache_bytes / 2**20:.1f} MiB beside it).",
            "",
        ]
    i = r.ingest
    if i is not None:
        lines += [
            f"Ingest ({i.articles} BBC articles, {i.passages} passages, "
            "cold cache): "
            f"{i.ingest_passages_per_s} passages/s end to end vs "
            f"{i.plain_encode_passages_per_s} passages/s for plain "
            f"`SentenceTransformer.encode` of the same passages in the same run: "
            f"**{i.ingest_vs_plain}×** (target ≥ 0.9×). Re-ingest of the unchanged "
            f"corpus: `IngestReport.embedded` = {i.reingest_embedded}, "
            f"{i.reingest_seconds} s.",
            "",
        ]
    lx = r.lexical_peers
    if lx is not None:
        lines += [
            f"Lexical peers on {lx.passages} BBC passages: build bm25s "
            f"{lx.build_seconds_bm25s} s vs rank_bm25 "
            f"{lx.build_seconds_rank_bm25} s; query p50/p95 ms bm25s "
            f"{_lat(lx.query_bm25s)} vs rank_bm25 "
            f"{_lat(lx.query_rank_bm25)}; "
            f"top-10 overlap {lx.top10_overlap}.",
            "",
        ]
    return lines


def scale_section(results: list[ScaleResult]) -> list[str]:
    if not results:
        return []
    rows = []
    profiles = []
    for r in results:
        rows.append(
            [
                f"{r.passages:,}, {r.query_embedder} queries"
                + (" (quick)" if r.provenance.quick else ""),
                _lat(r.faiss_exact),
                _lat(r.faiss_hnsw),
                r.hnsw_recall_synthetic,
                _lat(r.hybrid_exact),
                _lat(r.hybrid_hnsw),
                _lat(r.answer.first_pass),
                _lat(r.answer.repeat),
                f"{r.index_bytes_on_disk / 2**20:.0f}",
                r.provenance.peak_rss_mib,
                r.index_build_seconds,
            ]
        )
        for profile, label in (
            (r.profile_repeat, "repeat questions"),
            (r.profile_first_pass, "first-time questions, fresh engine"),
        ):
            if profile:
                profiles += [
                    f"cProfile of `Engine.answer` at {r.passages:,} passages, "
                    f"{r.query_embedder} query embedding, {label} "
                    "(cumulative, top functions):",
                    "",
                    "```",
                    *profile,
                    "```",
                    "",
                ]
    lines = ["## Scale: 100k and 1M passages", ""]
    for r in results:
        lines += _provenance(r.provenance)
    lines += [
        "FAISS top-100 for one query, the product's `hybrid_search` (k=50) and `Engine.answer()`, "
        "p50 / p95 ms. See `benchmarks/scale.py` for how the corpus is made.",
        "",
    ]
    lines += _table(
        [
            "passages",
            "FAISS exact",
            "FAISS HNSW",
            "HNSW recall@10 (synthetic)",
            "hybrid exact",
            "hybrid HNSW",
            "answer() first pass",
            "answer() repeat",
            "index MiB",
            "peak RSS MiB",
            "build s",
        ],
        rows,
    )
    return lines + profiles


def bot_section(r: BotResult) -> list[str]:
    lines = ["## Bot throughput: 50 concurrent users", "", *_provenance(r.provenance)]
    rows = [
        [label, run.replies, run.questions_per_s, _lat(run.latency), run.failures]
        for run, label in (
            (r.shipped, "shipped (flood limit 30 req/s)"),
            (r.no_flood_limit, "flood limit off"),
        )
    ]
    lines += _table(
        ["configuration", "replies", "questions/s", "reply p50 / p95 ms", "failures"], rows
    )
    lines += [
        f"Peer in the same run: `Engine.answer` called directly, warm: "
        f"{r.engine_answer_ms_direct_warm} ms per question "
        f"(ceiling {r.engine_answer_ceiling_questions_per_s} questions/s on one thread).",
        "",
    ]
    return lines


def _at_most(limit: float, value: float) -> bool:
    return value <= limit


def _at_least(limit: float, value: float) -> bool:
    return value >= limit


def _within(center: float, tolerance: float, value: float) -> bool:
    return abs(value - center) <= tolerance


Figure = float | int | None


@dataclass(frozen=True)
class _Target:
    """One row of the targets table: which result holds its figure and what meets it."""

    figure: str
    target: str
    source: str  # the result's benchmark name
    value: Callable[[Results], Figure]
    met: Callable[[float], bool]


def _scifact_default(results: Results) -> Figure:
    r = results.scifact
    if r is None:
        return None
    product = r.product.ndcg_at_10 if r.product is not None else None
    return product if product is not None else r.shipped.convex.ndcg_at_10


def _scale_answer(name: str, first_pass: bool) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        found = results.scale(name)
        if not found:
            return None
        passes = found[0].answer
        return (passes.first_pass if first_pass else passes.repeat).p50_ms

    return value


def _bot_rate(shipped: bool) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        r = results.bot
        if r is None:
            return None
        return (r.shipped if shipped else r.no_flood_limit).questions_per_s

    return value


def _speed(read: Callable[[SpeedResult], Figure]) -> Callable[[Results], Figure]:
    def value(results: Results) -> Figure:
        return None if results.speed is None else read(results.speed)

    return value


def _onnx_p50(r: SpeedResult) -> Figure:
    onnx = r.query_embedding.latency.get("onnx")
    return None if onnx is None else onnx.p50_ms


def _hnsw_128(r: SpeedResult) -> Figure:
    return None if r.hnsw_recall_real is None else r.hnsw_recall_real.recall_at_10.get("128")


TARGETS: tuple[_Target, ...] = (
    _Target(
        "SciFact nDCG@10, product default",
        "≥ 0.72",
        "scifact",
        _scifact_default,
        partial(_at_least, 0.72),
    ),
    _Target(
        "SciFact nDCG@10, tuned on train",
        "≥ 0.72",
        "scifact",
        lambda results: (
            None if results.scifact is None else results.scifact.tuned.convex.ndcg_at_10
        ),
        partial(_at_least, 0.72),
    ),
    _Target(
        "SciFact dense reproduces MTEB 0.645",
        "±0.005",
        "scifact",
        lambda results: (
            None if results.scifact is None else results.scifact.shipped.dense.ndcg_at_10
        ),
        partial(_within, 0.64508, 0.005),
    ),
    _Target(
        "query embedding p50 (ONNX, shipped)",
        "≤ 8 ms",
        "speed",
        _speed(_onnx_p50),
        partial(_at_most, 8),
    ),
    *(
        _Target(
            f"answer() p50, {label} ({pass_label})",
            f"≤ {limit} ms",
            source,
            _scale_answer(source, first_pass),
            partial(_at_most, limit),
        )
        for source, label, limit in (
            ("scale-100k", "100k passages", 30),
            ("scale-1m", "1M passages", 50),
        )
        for first_pass, pass_label in ((False, "repeat"), (True, "first pass"))
    ),
    _Target(
        "HNSW recall@10 vs exact, real vectors",
        "≥ 0.99",
        "speed",
        _speed(_hnsw_128),
        partial(_at_least, 0.99),
    ),
    _Target(
        "ingest vs plain encode",
        "≥ 0.9×",
        "speed",
        _speed(lambda r: None if r.ingest is None else r.ingest.ingest_vs_plain),
        partial(_at_least, 0.9),
    ),
    _Target(
        "re-ingest unchanged corpus embeds",
        "0",
        "speed",
        _speed(lambda r: None if r.ingest is None else r.ingest.reingest_embedded),
        partial(_within, 0, 0),
    ),
    *(
        _Target(
            f"bot questions/s, 50 users ({label})",
            "≥ 30",
            "bot_load",
            _bot_rate(shipped),
            partial(_at_least, 30),
        )
        for shipped, label in ((True, "shipped"), (False, "flood limit off"))
    ),
)


def targets(results: Results) -> list[str]:
    rows: list[list[Any]] = []
    for target in TARGETS:
        value = target.value(results)
        met = "n/a" if value is None else ("met" if target.met(value) else "**not met**")
        record = results.by_name.get(target.source)
        if value is not None and record is not None and record.provenance.quick:
            met += " (quick run only)"
        rows.append([target.figure, target.target, _f(value), met, target.source])
    return [
        "## Targets",
        "",
        *_table(["figure", "target", "measured", "status", "result file"], rows),
    ]


def render(results: Results) -> str:
    """The whole BENCHMARKS.md."""
    lines = [
        "# Benchmarks",
        "",
        "<!-- Generated by `python -m benchmarks.report` from benchmarks/results/*.json and "
        "benchmarks/analysis.md; edit those, not this file. -->",
        "",
        "Every figure below names the machine, the date and the command that produced it; peers "
        "are measured in the same run. `make bench` reruns everything (about an hour on two "
        "cores with a cold cache, minutes with a warm one); `make bench-quick` runs subsampled "
        "versions in a few minutes. Results: `benchmarks/results/*.json`.",
        "",
    ]
    lines += targets(results)
    if ANALYSIS.is_file():
        lines += [ANALYSIS.read_text(encoding="utf-8").rstrip(), ""]
    if results.scifact is not None:
        lines += scifact_section(results.scifact)
    if results.news is not None:
        lines += news_section(results.news)
    if results.speed is not None:
        lines += speed_section(results.speed)
    lines += scale_section(results.scale())
    if results.bot is not None:
        lines += bot_section(results.bot)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> Path:
    """Write BENCHMARKS.md; returns its path."""
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        results = load_results(args.results_dir)
    except ResultFormatError as error:
        print(
            f"benchmarks.report: {error}. Rerun the benchmark that wrote it (its `command` "
            "field) or move the file out of the results folder, then run the report again.",
            file=sys.stderr,
        )
        raise SystemExit(2) from error
    text = render(results)
    Path(args.output).write_text(text, encoding="utf-8")
    output: Path = args.output
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main()
