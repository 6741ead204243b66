"""The data folder: NEWSBOT_DATA_DIR, ../shared/data beside the repository, the user cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import data_dir
from benchmarks.data_dir import BBC, REALWORLD, SCIFACT, resolve_data_dir


def _repo_with_shared(tmp_path: Path) -> Path:
    root = tmp_path / "checkout" / "newsbot"
    root.mkdir(parents=True)
    (tmp_path / "checkout" / "shared" / "data").mkdir(parents=True)
    return root


def test_the_variable_wins_over_everything(tmp_path: Path) -> None:
    root = _repo_with_shared(tmp_path)
    environ = {"NEWSBOT_DATA_DIR": str(tmp_path / "mine"), "XDG_CACHE_HOME": str(tmp_path)}
    assert resolve_data_dir(environ, root) == tmp_path / "mine"


def test_shared_data_beside_the_repository_is_the_default(tmp_path: Path) -> None:
    root = _repo_with_shared(tmp_path)
    assert resolve_data_dir({}, root) == tmp_path / "checkout" / "shared" / "data"


def test_without_shared_data_it_is_the_user_cache(tmp_path: Path) -> None:
    root = tmp_path / "clone"
    root.mkdir()
    cache = tmp_path / "cache"
    assert resolve_data_dir({"XDG_CACHE_HOME": str(cache)}, root) == cache / "newsbot" / "data"
    assert resolve_data_dir({}, root) == Path.home() / ".cache" / "newsbot" / "data"


def test_an_empty_folder_says_where_the_data_goes_and_how_to_get_it(tmp_path: Path) -> None:
    for dataset in (SCIFACT, BBC):
        reason = data_dir.missing(dataset, tmp_path)
        assert reason is not None
        assert str(tmp_path / dataset.name) in reason
        assert "`make bench-data`" in reason
    realworld = data_dir.missing(REALWORLD, tmp_path)
    assert realworld is not None
    assert "cannot be downloaded" in realworld


def test_a_dataset_is_there_when_every_marker_is(tmp_path: Path) -> None:
    folder = tmp_path / "scifact"
    for marker in SCIFACT.markers:
        (folder / marker).parent.mkdir(parents=True, exist_ok=True)
        (folder / marker).write_text("x", encoding="utf-8")
    assert data_dir.missing(SCIFACT, tmp_path) is None
    assert data_dir.require(SCIFACT, tmp_path) == folder
    (folder / "qrels" / "train.tsv").unlink()
    reason = data_dir.missing(SCIFACT, tmp_path)
    assert reason is not None
    assert "qrels/train.tsv" in reason
    with pytest.raises(data_dir.MissingDataError, match="make bench-data"):
        data_dir.require(SCIFACT, tmp_path)


def test_a_benchmark_without_its_data_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        data_dir.exit_if_missing("benchmarks.news", BBC, data_dir=tmp_path)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("benchmarks.news: needs the BBC News corpus in ")
    assert "`make bench-data`" in err
