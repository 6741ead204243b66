"""Result records: the committed results parse; a wrong file names its field; full beats quick."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks import report
from benchmarks.records import ResultFormatError, load_results, read_result
from benchmarks.results import RESULTS_DIR


def test_every_committed_result_parses() -> None:
    results = load_results(RESULTS_DIR)
    assert results.scifact is not None
    assert results.scifact.shipped.dense.ndcg_at_10 == pytest.approx(0.645, abs=0.005)
    assert results.news is not None
    assert results.news.bbc_questions is not None
    assert results.speed is not None
    assert results.bot is not None
    assert [r.passages for r in results.scale()] == [100_000, 1_000_000]


def _committed(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((RESULTS_DIR / name).read_text(encoding="utf-8"))
    return data


def test_a_wrong_field_names_the_file_and_the_field(tmp_path: Path) -> None:
    data = _committed("news.json")
    questions = data["bbc_questions"]
    assert isinstance(questions, dict)
    questions["hit@1"] = "high"
    path = tmp_path / "news.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResultFormatError, match=r"news\.json\.bbc_questions\.hit@1: expected a"):
        read_result(path)
    del questions["hit@1"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResultFormatError, match=r"bbc_questions\.hit@1: missing"):
        read_result(path)


def test_the_report_stops_at_a_broken_file_and_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scifact.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        report.main(["--results-dir", str(tmp_path), "--output", str(tmp_path / "B.md")])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "scifact.json: not readable as JSON" in err
    assert "Rerun the benchmark" in err
    assert not (tmp_path / "B.md").exists()


def test_a_full_run_wins_over_a_quick_one(tmp_path: Path) -> None:
    shutil.copy(RESULTS_DIR / "bot_load.json", tmp_path / "bot_load.json")
    quick = _committed("bot_load.json")
    quick["quick"] = True
    quick["date"] = "later"
    # Read after the full run (files are read in name order), so the rule, not the order, decides.
    (tmp_path / "zz-bot_load-quick.json").write_text(json.dumps(quick), encoding="utf-8")
    results = load_results(tmp_path)
    assert results.bot is not None
    assert not results.bot.provenance.quick
