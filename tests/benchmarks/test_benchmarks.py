"""The benchmark harness: metric formulas, and quick runs of the cheap benchmarks (not timed)."""

from __future__ import annotations

import json
import math
import sysconfig
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks import bot_load, report, scale, scifact
from benchmarks.data_dir import BBC, SCIFACT
from benchmarks.fusion import convex_rankings, rrf_rankings
from benchmarks.metrics import mean_metrics, mrr_at_k, ndcg_at_k, recall_at_k
from benchmarks.results import RESULTS_DIR, without_machine_paths
from retrieval import Engine
from retrieval.query.search import DENSE_WEIGHT, hybrid_search
from tests.support import paths
from tests.support.paths import needs_data


def test_ndcg_uses_graded_gains_and_a_log2_discount() -> None:
    relevant = {"a": 2, "b": 1}
    # DCG = 1/log2(2) + 0 + 2/log2(4) = 2; ideal = 2/log2(2) + 1/log2(3)
    expected = 2 / (2 + 1 / math.log2(3))
    assert ndcg_at_k(relevant, ["b", "x", "a"], 10) == pytest.approx(expected)
    assert ndcg_at_k(relevant, ["a", "b"], 10) == pytest.approx(1.0)
    assert ndcg_at_k(relevant, ["x", "y"], 10) == 0.0
    assert ndcg_at_k(relevant, ["x", "a"], 1) == 0.0


def test_recall_and_mrr() -> None:
    relevant = {"a": 1, "b": 1, "c": 0}
    assert recall_at_k(relevant, ["a", "c", "x"], 100) == 0.5
    assert mrr_at_k(relevant, ["x", "c", "b"], 10) == pytest.approx(1 / 3)
    assert mrr_at_k(relevant, ["x"] * 10 + ["a"], 10) == 0.0


def test_queries_without_a_ranking_count_as_zero() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}}
    metrics = mean_metrics(qrels, {"q1": ["a"]})
    assert metrics["ndcg@10"] == 0.5
    assert metrics["queries"] == 2


def test_convex_fusion_scores_the_union_of_both_candidate_lists() -> None:
    cosine = np.array([[0.9, 0.1, 0.5, 0.0]], dtype=np.float32)
    bm25 = np.array([[0.0, 4.0, 2.0, 0.0]], dtype=np.float32)
    (ranking,) = convex_rankings(cosine, bm25, dense_weight=0.5, candidates=1, k=10)
    # candidates: dense top-1 {0} and BM25 top-1 {1}; doc 2 is in neither list
    assert ranking == [1, 0]
    (fused,) = rrf_rankings([[0, 2]], [[1, 2]], k=10)
    assert fused[0] == 2  # in both lists


def test_matrix_fusion_ranks_as_hybrid_search_does(seed_engine: Engine) -> None:
    # The benchmarks' matrix path and the product's search call the same fusion; with exact
    # dense search over a small index they must agree row for row.
    index = seed_engine.index
    questions = [json.loads(line)["question"] for line in paths.SEED_QUESTIONS.open()][:20]
    vectors = seed_engine.embedder.embed_queries(questions)
    cosine = vectors @ index.vectors.vectors(index.chunks.ids).T
    bm25 = np.stack([index.lexical.scores(q) for q in questions])
    rankings = convex_rankings(cosine, bm25, dense_weight=DENSE_WEIGHT, candidates=8, k=5)
    for question, vector, ranking in zip(questions, vectors, rankings, strict=True):
        hits = hybrid_search(index, vector, question, k=5, candidates=8)
        assert [h.row for h in hits] == ranking, question


def test_result_files_name_no_folder_of_this_machine() -> None:
    site = sysconfig.get_paths()["purelib"]
    profile = (
        f"   63    0.005    0.000    1.009    0.016 {paths.ROOT}/retrieval/engine.py:265(answer)\n"
        f"   63    0.001    0.000    0.553    0.009 {site}/faiss/swigfaiss.py:13799(search)\n"
    )
    assert without_machine_paths(profile) == (
        "   63    0.005    0.000    1.009    0.016 retrieval/engine.py:265(answer)\n"
        "   63    0.001    0.000    0.553    0.009 faiss/swigfaiss.py:13799(search)\n"
    )


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for key in ("benchmark", "date", "command", "machine", "quick", "peak_rss_mib"):
        assert key in data, key
    assert data["quick"] is True
    assert data["machine"]["cores"] >= 1
    assert data["machine"]["cpu"]
    return data


@needs_data(SCIFACT)
def test_quick_scifact_writes_every_method(tmp_path: Path) -> None:
    path = scifact.main(
        [
            "--quick",
            "--docs",
            "200",
            "--test-queries",
            "12",
            "--train-queries",
            "20",
            "--results-dir",
            str(tmp_path),
        ]
    )
    data = _read(path)
    assert path.name == "scifact-quick.json"
    for section in ("test_shipped_settings", "test_tuned_on_train"):
        for method in ("bm25", "dense", "rrf_k60", "convex"):
            metrics = data[section][method]
            assert 0.0 <= metrics["ndcg@10"] <= 1.0
            assert 0.0 <= metrics["recall@100"] <= 1.0
    # The matrix version of the product's fusion agrees with the real hybrid_search.
    product = data["product_hybrid_search"]["ndcg@10"]
    assert product == pytest.approx(data["test_shipped_settings"]["convex"]["ndcg@10"], abs=0.02)
    assert data["train_tuning"]["split"] == "train"


def test_quick_bot_load_answers_every_user(tmp_path: Path) -> None:
    data = _read(bot_load.main(["--quick", "--results-dir", str(tmp_path)]))
    for run in ("shipped", "no_flood_limit"):
        assert data[run]["users"] == 50
        assert data[run]["replies"] == 50
        assert data[run]["failures"] == 0
        assert data[run]["questions_per_s"] > 0
        assert data[run]["latency"]["p95_ms"] >= data[run]["latency"]["p50_ms"]


@needs_data(BBC)
def test_quick_scale_times_search_and_answers(tmp_path: Path) -> None:
    data = _read(scale.main(["--quick", "--passages", "3000", "--results-dir", str(tmp_path)]))
    assert data["passages"] >= 3000
    assert data["index"]["kind"] == "hnsw"
    assert data["query_embedder"] == "onnx"
    assert 0.0 <= data["faiss"]["hnsw_recall@10_vs_exact_synthetic"] <= 1.0
    for timing in (*data["hybrid_search"].values(), data["answer"]["first_pass"]):
        assert timing["n"] > 0
        assert timing["p95_ms"] >= timing["p50_ms"] > 0
    profile = data["answer_profile_first_pass"]
    assert any("retrieval/engine.py" in line for line in profile)
    assert not any(str(paths.ROOT) in line for line in profile)


def test_report_renders_whatever_results_exist(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    output = report.main(["--results-dir", str(results), "--output", str(tmp_path / "B.md")])
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks")
    assert "## Targets" in text
    assert "n/a" in text  # nothing measured yet


def test_the_feed_benchmarks_skip_without_data_and_report_what_they_measured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import feeds_quality, feeds_speed  # noqa: PLC0415 - the only users

    assert feeds_quality.main(["--pages", str(tmp_path / "absent")]) == 0
    assert "skipped: no evaluation set" in capsys.readouterr().out
    results = tmp_path / "results"
    results.mkdir()
    measured = json.loads((RESULTS_DIR / "feeds_speed.json").read_text(encoding="utf-8"))
    measured["refresh_vs_plain"] = 0.95
    (results / "feeds_speed.json").write_text(json.dumps(measured), encoding="utf-8")
    text = report.main(["--results-dir", str(results), "--output", str(tmp_path / "B.md")])
    rendered = text.read_text(encoding="utf-8")
    assert "## Feed refresh: 50 feeds × 20 stories" in rendered
    assert (
        "| feed refresh vs plain encode (50 × 20, wall time) | ≥ 0.9× | 0.950 | met |" in rendered
    )
    assert feeds_speed.TimedEmbedder.__doc__
