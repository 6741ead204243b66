"""Web result records: the committed files parse; a missing field is named with its file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.records import ResultFormatError, load_results, read_result
from benchmarks.records_web import FeedsQualityResult, FeedsSpeedResult, PageExtractionResult
from benchmarks.results import RESULTS_DIR


def _committed(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((RESULTS_DIR / name).read_text(encoding="utf-8"))
    return data


def test_the_committed_web_results_parse() -> None:
    results = load_results(RESULTS_DIR)
    pages = results.page_extraction
    assert isinstance(pages, PageExtractionResult)
    assert pages.pages == 29
    assert pages.totals["ours"].clean == 28
    assert pages.totals["htmldate"].title is None  # htmldate finds dates only
    feeds = results.feeds_quality
    assert isinstance(feeds, FeedsQualityResult)
    raw = _committed("feeds_quality.json")
    assert isinstance(raw["totals"], dict) and isinstance(raw["pages"], int)
    assert feeds.totals.passage == raw["totals"]["passage"]
    assert feeds.shares.passage == pytest.approx(feeds.totals.passage / raw["pages"], abs=1e-3)
    assert feeds.targets.date == pytest.approx(0.9)
    speed = results.feeds_speed
    assert isinstance(speed, FeedsSpeedResult)
    assert (speed.feeds, speed.items_per_feed) == (50, 20)
    assert speed.no_change.unconditional_requests == 0


def test_per_method_seconds_do_not_pass_for_the_run_time(tmp_path: Path) -> None:
    # The committed file has them under "seconds" (written over the run's own time).
    legacy = read_result(RESULTS_DIR / "page_extraction.json")
    assert isinstance(legacy, PageExtractionResult)
    assert legacy.provenance.seconds is None
    assert legacy.method_seconds["trafilatura"] == pytest.approx(4.38)
    data = _committed("page_extraction.json")
    data["method_seconds"], data["seconds"] = data["seconds"], 7.5
    path = tmp_path / "page_extraction.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    current = read_result(path)
    assert isinstance(current, PageExtractionResult)
    assert current.provenance.seconds == 7.5
    assert current.method_seconds == legacy.method_seconds


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("page_extraction.json", ("pages",)),
        ("feeds_quality.json", ("totals", "passage")),
        ("feeds_quality.json", ("refresh_seconds",)),
        ("feeds_speed.json", ("no_change", "cli_seconds")),
        ("feeds_speed.json", ("refresh_vs_plain_cpu",)),
    ],
)
def test_a_missing_web_field_names_the_file_and_the_field(
    tmp_path: Path, name: str, path: tuple[str, ...]
) -> None:
    data = _committed(name)
    parent: object = data
    for key in path[:-1]:
        assert isinstance(parent, dict)
        parent = parent[key]
    assert isinstance(parent, dict)
    del parent[path[-1]]
    broken = tmp_path / name
    broken.write_text(json.dumps(data), encoding="utf-8")
    where = re.escape(".".join((name, *path)))
    with pytest.raises(ResultFormatError, match=rf"^{where}: missing$"):
        read_result(broken)
