"""BENCHMARKS.md sections for speed: the BBC corpus, 100k and 1M passages, the bot under load."""

from __future__ import annotations

from benchmarks.records_scale import BotResult, ScaleResult
from benchmarks.records_speed import SpeedResult
from benchmarks.report_markdown import cell, latency_cell, provenance, table


def speed_section(r: SpeedResult) -> list[str]:
    """Query embedding, answer latency, HNSW recall, memory, ingest and lexical peers."""
    lines = ["## Speed and memory at the BBC corpus size", "", *provenance(r.provenance)]
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
    lines += table(
        ["backend", "p50 / p95 ms", "min ms", "speed-up (p50)", "min cosine vs torch"],
        [
            [
                name,
                latency_cell(latency),
                cell(latency.min_ms, 1),
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
        lines += table(
            ["pipeline", "first pass p50 / p95 ms", "repeat p50 / p95 ms"],
            [
                [
                    "Engine, torch query embedding",
                    latency_cell(a.engine_torch.first_pass),
                    latency_cell(a.engine_torch.repeat),
                ],
                [
                    "Engine, ONNX query embedding",
                    latency_cell(a.engine_onnx.first_pass),
                    latency_cell(a.engine_onnx.repeat),
                ],
                [
                    "peer: naive encode + IndexFlatIP top-5",
                    "-",
                    latency_cell(a.naive_encode_flatip),
                ],
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
            f"{latency_cell(lx.query_bm25s)} vs rank_bm25 "
            f"{latency_cell(lx.query_rank_bm25)}; "
            f"top-10 overlap {lx.top10_overlap}.",
            "",
        ]
    return lines


def scale_section(results: list[ScaleResult]) -> list[str]:
    """Search and answer latency at 100k and 1M passages, with profiles."""
    if not results:
        return []
    rows = []
    profiles = []
    for r in results:
        rows.append(
            [
                f"{r.passages:,}, {r.query_embedder} queries"
                + (" (quick)" if r.provenance.quick else ""),
                latency_cell(r.faiss_exact),
                latency_cell(r.faiss_hnsw),
                r.hnsw_recall_synthetic,
                latency_cell(r.hybrid_exact),
                latency_cell(r.hybrid_hnsw),
                latency_cell(r.answer.first_pass),
                latency_cell(r.answer.repeat),
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
        lines += provenance(r.provenance)
    lines += [
        "FAISS top-100 for one query, the product's `hybrid_search` (k=50) and `Engine.answer()`, "
        "p50 / p95 ms. See `benchmarks/scale.py` for how the corpus is made.",
        "",
    ]
    lines += table(
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
    """Replies per second with 50 concurrent users, against the engine alone."""
    lines = ["## Bot throughput: 50 concurrent users", "", *provenance(r.provenance)]
    rows = [
        [label, run.replies, run.questions_per_s, latency_cell(run.latency), run.failures]
        for run, label in (
            (r.shipped, "shipped (flood limit 30 req/s)"),
            (r.no_flood_limit, "flood limit off"),
        )
    ]
    lines += table(
        ["configuration", "replies", "questions/s", "reply p50 / p95 ms", "failures"], rows
    )
    lines += [
        f"Peer in the same run: `Engine.answer` called directly, warm: "
        f"{r.engine_answer_ms_direct_warm} ms per question "
        f"(ceiling {r.engine_answer_ceiling_questions_per_s} questions/s on one thread).",
        "",
    ]
    return lines
