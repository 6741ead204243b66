"""BENCHMARKS.md, regenerated from every ``benchmarks/results/*.json`` and ``analysis.md``.

Run ``python -m benchmarks.report``. Full runs are preferred; a benchmark that has only a
``--quick`` result is shown marked as quick. Prose that interprets the figures lives in
``benchmarks/analysis.md`` and is copied in verbatim.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.report_web import web_sections
from benchmarks.results import RESULTS_DIR, ROOT

OUTPUT = ROOT / "BENCHMARKS.md"
ANALYSIS = ROOT / "benchmarks" / "analysis.md"

Result = dict[str, Any]


def load_results(directory: Path = RESULTS_DIR) -> dict[str, Result]:
    """Results by benchmark name; a full run wins over a quick one."""
    found: dict[str, Result] = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = str(data.get("benchmark", path.stem))
        if name in found and not found[name].get("quick") and data.get("quick"):
            continue
        found[name] = data
    return found


def _get(data: Any, *keys: str | int, default: Any = None) -> Any:
    for key in keys:
        if isinstance(data, list) and isinstance(key, int) and -len(data) <= key < len(data):
            data = data[key]
            continue
        if not (isinstance(data, dict) and key in data):
            return default
        data = data[key]
    return data


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


def _provenance(result: Result) -> list[str]:
    machine = result.get("machine", {})
    quick = " **(quick run: subsampled, indicative only)**" if result.get("quick") else ""
    where = (
        f"{machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{machine.get('ram_gib', '?')} GiB RAM"
    )
    return [
        f"*{result.get('date', '?')} · `{result.get('command', '?')}` · {where} · load average "
        f"(1/5/15 min) {machine.get('load_average', machine.get('load_average_1m', '?'))} at the "
        "end · commit "
        f"{machine.get('git_commit', '?')} · {result.get('seconds', '?')} s, peak RSS "
        f"{result.get('peak_rss_mib', '?')} MiB*{quick}",
        "",
    ]


def _metrics_row(name: str, m: dict[str, Any]) -> list[Any]:
    return [name, m.get("ndcg@10"), m.get("recall@100"), m.get("mrr@10")]


def scifact_section(r: Result) -> list[str]:
    shipped = r.get("test_shipped_settings", {})
    tuned = r.get("test_tuned_on_train", {})
    settings = _get(tuned, "settings", default={})
    product = r.get("product_hybrid_search", {})
    lines = ["## Retrieval quality: BEIR SciFact", "", *_provenance(r)]
    lines += [
        f"{_get(r, 'dataset', 'documents')} documents, {_get(r, 'dataset', 'test_queries')} test "
        f"queries (tuning on {_get(r, 'dataset', 'train_queries')} train queries). Dense text: "
        f"{r.get('dense_text')}. BM25: {r.get('bm25')}. nDCG@10 with graded gains and a log2 "
        "discount, Recall@100, MRR@10, computed in `benchmarks/metrics.py` (no document "
        "excluded).",
        "",
        "Test split, shipped settings (k1 1.2, b 0.75, `DENSE_WEIGHT` "
        f"{_get(shipped, 'settings', 'dense_weight')}, `CANDIDATES` "
        f"{_get(shipped, 'settings', 'candidates')}):",
        "",
    ]
    rows = [
        _metrics_row("BM25 (ours)", shipped.get("bm25", {})),
        _metrics_row("dense all-MiniLM-L6-v2", shipped.get("dense", {})),
        _metrics_row("RRF k=60 (peer)", shipped.get("rrf_k60", {})),
        _metrics_row("convex fusion (product formula)", shipped.get("convex", {})),
    ]
    if product:
        rows.append(_metrics_row("**product `hybrid_search`, real index**", product))
    lines += _table(["method", "nDCG@10", "Recall@100", "MRR@10"], rows)
    fusion = settings.get("fusion", {})
    bm25_alone = settings.get("bm25_alone", {})
    lines += [
        f"Test split, settings tuned on train only (BM25 alone: k1 {bm25_alone.get('k1')}, b "
        f"{bm25_alone.get('b')}; fusion: k1 {fusion.get('k1')}, b {fusion.get('b')}, dense weight "
        f"{fusion.get('dense_weight')}, candidates {fusion.get('candidates')}):",
        "",
    ]
    lines += _table(
        ["method", "nDCG@10", "Recall@100", "MRR@10"],
        [
            _metrics_row("BM25 (tuned)", tuned.get("bm25", {})),
            _metrics_row("dense", tuned.get("dense", {})),
            _metrics_row("RRF k=60 (tuned BM25)", tuned.get("rrf_k60", {})),
            _metrics_row("convex fusion (tuned)", tuned.get("convex", {})),
        ],
    )
    ceiling = r.get("test_ceiling_convex_weight", {})
    lines += [
        f"Ceiling (not a result: the best weight chosen on test itself): nDCG@10 "
        f"{_f(ceiling.get('ndcg@10'))} at dense weight {ceiling.get('dense_weight')}. "
        "Recall of the "
        f"candidate pool (dense top-100 ∪ BM25 top-100): {_f(r.get('union_recall@200_shipped'))}. "
        f"bm25s vs `LexicalIndex` score parity: max |Δ| = "
        f"{_f(r.get('bm25_lexicalindex_parity_max_abs_diff'), 6)}.",
        "",
        "Published anchors: "
        + "; ".join(f"{k} {v}" for k, v in r.get("published", {}).items())
        + ".",
        "",
    ]
    curve = _get(r, "train_tuning", "weight_curve_default_bm25", default=[])
    if curve:
        lines += [
            "Train-split nDCG@10 against the dense weight (k1 1.2, b 0.75, 100 candidates):",
            "",
        ]
        lines += _table(
            ["dense weight", *[_f(c["dense_weight"], 2) for c in curve]],
            [["nDCG@10", *[c["ndcg@10"] for c in curve]]],
        )
    grid = _get(r, "train_tuning", "bm25_grid", default=[])
    if grid:
        best = sorted(grid, key=lambda g: -g["ndcg@10"])[:5]
        lines += [
            "Best BM25 settings on train: "
            + "; ".join(f"k1 {g['k1']}, b {g['b']}: {g['ndcg@10']}" for g in best)
            + ".",
            "",
        ]
    return lines


def news_section(r: Result) -> list[str]:
    h = r.get("headlines", {})
    lines = ["## News retrieval: BBC", "", *_provenance(r)]
    lines += [
        f"Headline → article over {h.get('articles')} articles ({h.get('chunks')} body chunks, "
        f"headline removed; {h.get('duplicate_headline_groups')} headlines shared by duplicate "
        "stories count every copy as relevant):",
        "",
    ]
    methods = h.get("methods", {})
    lines += _table(
        ["method", "MRR@10", "Recall@10", "nDCG@10"],
        [
            [name, m.get("mrr@10"), m.get("recall@10"), m.get("ndcg@10")]
            for name, m in methods.items()
        ],
    )
    curve = h.get("weight_curve", [])
    if curve:
        lines += _table(
            ["dense weight", *[_f(c["dense_weight"], 2) for c in curve]],
            [["MRR@10", *[c["mrr@10"] for c in curve]]],
        )
    rows = []
    for key, label in (
        ("bbc_questions", "BBC question set"),
        ("seed_questions", "seed question set"),
    ):
        q = r.get(key)
        if not q:
            continue
        rows.append(
            [
                label,
                f"{q['answerable']} + {q['off_topic']} off-topic",
                q["hit@1"],
                q["hit@3"],
                q["phrase_in_excerpt"],
                q["answered_on_topic"],
                q["refusal_precision"],
                q["refusal_recall"],
                _get(q, "answer_latency", "p50_ms"),
            ]
        )
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
    for key in ("bbc_questions", "seed_questions"):
        failures = _get(r, key, "failures", default=[])
        if failures:
            lines += [f"Misses in the {key.replace('_', ' ')}:", ""]
            for f in failures:
                lines.append(
                    f"- {f['question']!r}: expected {f.get('expected', 'refusal')}, "
                    f"{'answered' if f['answered'] else 'refused'}, cited {f['cited']}"
                )
            lines.append("")
    return lines


def _lat(m: dict[str, Any] | None) -> str:
    if not m:
        return "n/a"
    return f"{_f(m.get('p50_ms'), 1)} / {_f(m.get('p95_ms'), 1)}"


def speed_section(r: Result) -> list[str]:
    lines = ["## Speed and memory at the BBC corpus size", "", *_provenance(r)]
    for section, origin in r.get("sections_from_earlier_runs", {}).items():
        lines += [
            f"*`{section}` below comes from an earlier run: {origin.get('date')} · "
            f"`{origin.get('command')}`*",
            "",
        ]
    q = r.get("query_embedding", {})
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
                _lat(q.get(name)),
                _f(_get(q, name, "min_ms"), 1),
                _get(q, "speedup_p50_vs_torch", name, default="1.0"),
                _get(q, "min_cosine_vs_torch", name, default="-"),
            ]
            for name in ("torch", "onnx", "onnx_1thread")
            if name in q
        ],
    )
    a = r.get("answer_latency", {})
    if a:
        lines += [
            f"`Engine.answer()` over the BBC index ({a.get('passages')} passages, "
            f"{a.get('questions')} BBC questions; first pass has a cold sentence-vector cache):",
            "",
        ]
        lines += _table(
            ["pipeline", "first pass p50 / p95 ms", "repeat p50 / p95 ms"],
            [
                [
                    "Engine, torch query embedding",
                    _lat(_get(a, "engine_torch", "first_pass")),
                    _lat(_get(a, "engine_torch", "repeat")),
                ],
                [
                    "Engine, ONNX query embedding",
                    _lat(_get(a, "engine_onnx", "first_pass")),
                    _lat(_get(a, "engine_onnx", "repeat")),
                ],
                [
                    "peer: naive encode + IndexFlatIP top-5",
                    "-",
                    _lat(a.get("naive_encode_flatip")),
                ],
            ],
        )
    h = r.get("hnsw_recall_real", {})
    if h:
        lines += [
            f"HNSW (M {h.get('M')}, efConstruction {h.get('efConstruction')}) recall@10 vs exact "
            f"on {h.get('base_vectors')} real vectors ({h.get('base')}), {h.get('queries')} real "
            f"queries ({h.get('query_source')}): "
            + ", ".join(
                f"efSearch {k.rsplit('_', 1)[1]}: {v}"
                for k, v in h.items()
                if k.startswith("recall")
            )
            + ".",
            "",
        ]
    m = r.get("memory_and_disk", {})
    if m:
        lines += [
            f"Memory and disk: a fresh process serving the BBC index peaks at "
            f"{m.get('serve_peak_rss_mib_torch')} MiB RSS with torch, "
            f"{m.get('serve_peak_rss_mib_onnx')} MiB with ONNX Runtime; the live generation takes "
            f"{m.get('index_bytes_on_disk', 0) / 2**20:.1f} MiB on disk (embedding cache "
            f"{m.get('embedding_cache_bytes', 0) / 2**20:.1f} MiB beside it).",
            "",
        ]
    i = r.get("ingest", {})
    if i:
        lines += [
            f"Ingest ({i.get('articles')} BBC articles, {i.get('passages')} passages, "
            "cold cache): "
            f"{i.get('ingest_passages_per_s')} passages/s end to end vs "
            f"{i.get('plain_encode_passages_per_s')} passages/s for plain "
            f"`SentenceTransformer.encode` of the same passages in the same run: "
            f"**{i.get('ingest_vs_plain')}×** (target ≥ 0.9×). Re-ingest of the unchanged "
            f"corpus: `IngestReport.embedded` = {i.get('reingest_embedded')}, "
            f"{i.get('reingest_seconds')} s.",
            "",
        ]
    lx = r.get("lexical_peers", {})
    if lx:
        lines += [
            f"Lexical peers on {lx.get('passages')} BBC passages: build bm25s "
            f"{_get(lx, 'build_seconds', 'bm25s')} s vs rank_bm25 "
            f"{_get(lx, 'build_seconds', 'rank_bm25')} s; query p50/p95 ms bm25s "
            f"{_lat(_get(lx, 'query', 'bm25s'))} vs rank_bm25 "
            f"{_lat(_get(lx, 'query', 'rank_bm25'))}; "
            f"top-10 overlap {lx.get('top10_overlap')}.",
            "",
        ]
    return lines


def scale_section(results: dict[str, Result]) -> list[str]:
    rows = []
    profiles = []
    names = sorted(
        (n for n in results if n.startswith("scale-")), key=lambda n: results[n].get("passages", 0)
    )
    if not names:
        return []
    for name in names:
        r = results[name]
        rows.append(
            [
                f"{r.get('passages'):,}, {r.get('query_embedder', 'torch')} queries"
                + (" (quick)" if r.get("quick") else ""),
                _lat(_get(r, "faiss", "exact_search")),
                _lat(_get(r, "faiss", "hnsw_search")),
                _get(r, "faiss", "hnsw_recall@10_vs_exact_synthetic"),
                _lat(_get(r, "hybrid_search", "exact")),
                _lat(_get(r, "hybrid_search", "hnsw")),
                _lat(_get(r, "answer", "first_pass")),
                _lat(_get(r, "answer", "repeat")),
                f"{_get(r, 'index', 'bytes_on_disk', default=0) / 2**20:.0f}",
                r.get("peak_rss_mib"),
                _get(r, "index", "build_seconds"),
            ]
        )
        for key, label in (
            ("answer_profile_cumulative", "repeat questions"),
            ("answer_profile_first_pass", "first-time questions, fresh engine"),
        ):
            profile = r.get(key)
            if profile:
                profiles += [
                    f"cProfile of `Engine.answer` at {r.get('passages'):,} passages, "
                    f"{r.get('query_embedder', 'torch')} query embedding, {label} "
                    "(cumulative, top functions):",
                    "",
                    "```",
                    *profile,
                    "```",
                    "",
                ]
    lines = ["## Scale: 100k and 1M passages", ""]
    for name in names:
        lines += _provenance(results[name])
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


def bot_section(r: Result) -> list[str]:
    lines = ["## Bot throughput: 50 concurrent users", "", *_provenance(r)]
    rows = []
    for key, label in (
        ("shipped", "shipped (flood limit 30 req/s)"),
        ("no_flood_limit", "flood limit off"),
    ):
        run = r.get(key, {})
        rows.append(
            [
                label,
                run.get("replies"),
                run.get("questions_per_s"),
                _lat(run.get("latency")),
                run.get("failures"),
            ]
        )
    lines += _table(
        ["configuration", "replies", "questions/s", "reply p50 / p95 ms", "failures"], rows
    )
    lines += [
        f"Peer in the same run: `Engine.answer` called directly, warm: "
        f"{r.get('engine_answer_ms_direct_warm')} ms per question "
        f"(ceiling {r.get('engine_answer_ceiling_questions_per_s')} questions/s on one thread).",
        "",
    ]
    return lines


def _at_most(limit: float, value: Any) -> bool:
    return bool(value <= limit)


def _at_least(limit: float, value: Any) -> bool:
    return bool(value >= limit)


def _within(center: float, tolerance: float, value: Any) -> bool:
    return bool(abs(value - center) <= tolerance)


@dataclass(frozen=True)
class _Target:
    """One row of the targets table: where its figure is and what meets it."""

    figure: str
    target: str
    source: str  # the result file's benchmark name
    paths: tuple[tuple[str, ...], ...]  # keys into the result; the first present one counts
    met: Callable[[Any], bool]


TARGETS: tuple[_Target, ...] = (
    _Target(
        "SciFact nDCG@10, product default",
        "≥ 0.72",
        "scifact",
        (("product_hybrid_search", "ndcg@10"), ("test_shipped_settings", "convex", "ndcg@10")),
        partial(_at_least, 0.72),
    ),
    _Target(
        "SciFact nDCG@10, tuned on train",
        "≥ 0.72",
        "scifact",
        (("test_tuned_on_train", "convex", "ndcg@10"),),
        partial(_at_least, 0.72),
    ),
    _Target(
        "SciFact dense reproduces MTEB 0.645",
        "±0.005",
        "scifact",
        (("test_shipped_settings", "dense", "ndcg@10"),),
        partial(_within, 0.64508, 0.005),
    ),
    _Target(
        "query embedding p50 (ONNX, shipped)",
        "≤ 8 ms",
        "speed",
        (("query_embedding", "onnx", "p50_ms"),),
        partial(_at_most, 8),
    ),
    *(
        _Target(
            f"answer() p50, {label} ({pass_label})",
            f"≤ {limit} ms",
            source,
            (("answer", pass_key, "p50_ms"),),
            partial(_at_most, limit),
        )
        for source, label, limit in (
            ("scale-100k", "100k passages", 30),
            ("scale-1m", "1M passages", 50),
        )
        for pass_key, pass_label in (("repeat", "repeat"), ("first_pass", "first pass"))
    ),
    _Target(
        "HNSW recall@10 vs exact, real vectors",
        "≥ 0.99",
        "speed",
        (("hnsw_recall_real", "recall@10_efSearch_128"),),
        partial(_at_least, 0.99),
    ),
    _Target(
        "ingest vs plain encode",
        "≥ 0.9×",
        "speed",
        (("ingest", "ingest_vs_plain"),),
        partial(_at_least, 0.9),
    ),
    _Target(
        "re-ingest unchanged corpus embeds",
        "0",
        "speed",
        (("ingest", "reingest_embedded"),),
        partial(_within, 0, 0),
    ),
    *(
        _Target(
            f"through feeds: {label}",
            f"≥ {limit:.0%}",
            "feeds_quality",
            (("shares", key),),
            partial(_at_least, limit),
        )
        for key, label, limit in (
            ("found", "page in top 3", 0.95),
            ("link", "link right", 0.95),
            ("title", "title right", 0.95),
            ("date", "date right", 0.90),
            ("passage", "answering passage shown", 0.90),
        )
    ),
    *(
        _Target(
            f"feed refresh vs plain encode (50 × 20, {label})",
            "≥ 0.9×",
            "feeds_speed",
            ((key,),),
            partial(_at_least, 0.9),
        )
        for key, label in (("refresh_vs_plain", "wall time"), ("refresh_vs_plain_cpu", "CPU time"))
    ),
    _Target(
        "no-change refresh, 50 feeds",
        "< 2 s",
        "feeds_speed",
        (("no_change", "seconds"),),
        partial(_at_most, 2.0),
    ),
    *(
        _Target(
            f"bot questions/s, 50 users ({label})",
            "≥ 30",
            "bot_load",
            ((run, "questions_per_s"),),
            partial(_at_least, 30),
        )
        for run, label in (("shipped", "shipped"), ("no_flood_limit", "flood limit off"))
    ),
)


def targets(results: dict[str, Result]) -> list[str]:
    rows: list[list[Any]] = []
    for target in TARGETS:
        result = results.get(target.source, {})
        value = next((v for path in target.paths if (v := _get(result, *path)) is not None), None)
        met = "n/a" if value is None else ("met" if target.met(value) else "**not met**")
        if value is not None and result.get("quick"):
            met += " (quick run only)"
        rows.append([target.figure, target.target, _f(value), met, target.source])
    return [
        "## Targets",
        "",
        *_table(["figure", "target", "measured", "status", "result file"], rows),
    ]


def render(results: dict[str, Result]) -> str:
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
    if "scifact" in results:
        lines += scifact_section(results["scifact"])
    if "news" in results:
        lines += news_section(results["news"])
    if "speed" in results:
        lines += speed_section(results["speed"])
    lines += scale_section(results)
    if "bot_load" in results:
        lines += bot_section(results["bot_load"])
    lines += web_sections(results, _provenance, _table)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> Path:
    """Write BENCHMARKS.md; returns its path."""
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(load_results(args.results_dir))
    Path(args.output).write_text(text, encoding="utf-8")
    output: Path = args.output
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main()
