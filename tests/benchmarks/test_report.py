"""BENCHMARKS.md renders with every result file and without any one of the newer ones."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks import report
from benchmarks.results import RESULTS_DIR

SECTIONS = {
    "page_extraction": "## Page extraction: real news pages",
    "feeds_quality": "## Answers through feeds: real pages behind RSS and Atom",
    "feeds_speed": "## Feed refresh: 50 feeds × 20 stories",
    "answers": "After:\n\n*",
    "answers-before": "Before:\n\n*",
    "key_sentences": "### Key-sentence weights",
}
# A target row of each file, and the same row with nothing measured.
TARGET_ROWS = {
    "page_extraction": None,  # no target
    "feeds_quality": "| through feeds: page in top 3 | ≥ 95% | {} | feeds_quality |",
    "feeds_speed": "| no-change refresh, 50 feeds | < 2 s | {} | feeds_speed |",
    "answers": "| answers (seed): false refusals | 0 | {} | answers |",
    "answers-before": None,  # the targets judge the current code only
    "key_sentences": None,
}
MEASURED = {
    "feeds_quality": "1.000 | met",
    "feeds_speed": "0.103 | met",
    "answers": "0 | met",
}


@pytest.fixture
def results(tmp_path: Path, write_key_sentences: Callable[[Path], Path]) -> Path:
    """Every committed result and a key-sentence fit, in a folder of their own."""
    folder = tmp_path / "results"
    shutil.copytree(RESULTS_DIR, folder)
    write_key_sentences(folder)
    return folder


def _seed_article_at_1(results: Path, name: str) -> str:
    """The seed set's article @1 of one answers file, as the report prints it."""
    path = results / f"{name}.json"
    if not path.exists():
        return "–"
    return f"{json.loads(path.read_text(encoding='utf-8'))['seed']['all']['top1_article']:.3f}"


def _seed_row(results: Path) -> str:
    before = _seed_article_at_1(results, "answers-before")
    after = _seed_article_at_1(results, "answers")
    return f"| seed | 43 + 18 to refuse | {before} → {after} |"


def _render(results: Path) -> str:
    output = report.main(["--results-dir", str(results), "--output", str(results / "B.md")])
    return output.read_text(encoding="utf-8")


def test_every_section_and_target_renders_from_the_results(results: Path) -> None:
    text = _render(results)
    for name, heading in SECTIONS.items():
        assert heading in text, name
        row = TARGET_ROWS[name]
        if row is not None:
            assert row.format(MEASURED[name]) in text
    assert _seed_row(results) in text
    assert "| answers (answer): phrase in top-3 excerpts vs article in top 3 | ≥ 0.95" in text
    assert "No key-sentence fit yet" not in text


@pytest.mark.parametrize("name", list(SECTIONS))
def test_the_report_renders_without_each_newer_file(results: Path, name: str) -> None:
    (results / f"{name}.json").unlink()
    text = _render(results)
    assert SECTIONS[name] not in text
    assert all(heading in text for other, heading in SECTIONS.items() if other != name)
    row = TARGET_ROWS[name]
    if row is not None:
        assert row.format("n/a | n/a") in text


def test_answer_figures_of_one_run_show_a_dash_for_the_other(results: Path) -> None:
    (results / "answers-before.json").unlink()
    row = _seed_row(results)
    assert row.startswith("| seed | 43 + 18 to refuse | – → 0.")
    assert row in _render(results)
    (results / "key_sentences.json").unlink()
    assert "No key-sentence fit yet" in _render(results)
