"""Source identity from the command line: same names in two folders, deleted files, remove."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli.main import main as cli_main

LIGHTHOUSE = (
    "Lighthouse restored in Brittany\n\nVolunteers restored the 1882 lighthouse at Ploumanac'h"
    " over two summers, the mayor said on Monday.\n"
)
BAKERY = (
    "Bakery wins national prize\n\nA small bakery in Lyon won the national baguette prize on"
    " Friday, the judges said.\n"
)


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def index(seed_index_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(seed_index_dir, target)
    return target


def test_same_file_names_in_two_folders_are_two_articles(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "folder-a").mkdir()
    (tmp_path / "folder-b").mkdir()
    (tmp_path / "folder-a" / "story.txt").write_text(LIGHTHOUSE)
    (tmp_path / "folder-b" / "story.txt").write_text(BAKERY)
    where = ["--index-dir", str(index)]

    code, out, _ = _cli("ingest", "--quiet", str(tmp_path / "folder-a"), *where, capsys=capsys)
    assert code == 0 and out.startswith("1 added, 0 replaced")
    code, out, _ = _cli("ingest", "--quiet", str(tmp_path / "folder-b"), *where, capsys=capsys)
    assert code == 0 and out.startswith("1 added, 0 replaced"), out

    code, out, _ = _cli("stats", *where, capsys=capsys)
    assert "Articles:   7" in out
    assert "\nstory.txt  " in out and "\nfolder-b/story.txt  " in out
    code, out, _ = _cli("ask", "--json", "Who restored the lighthouse?", *where, capsys=capsys)
    assert json.loads(out)["citations"][0]["source"] == "story.txt"

    # Changing the first folder's file replaces that article, not the other folder's.
    (tmp_path / "folder-a" / "story.txt").write_text(LIGHTHOUSE + "\nIt reopens in May.\n")
    code, out, _ = _cli("ingest", "--quiet", str(tmp_path / "folder-a"), *where, capsys=capsys)
    assert out.startswith("0 added, 1 replaced, 0 unchanged, 0 removed"), out


def test_reingesting_a_folder_removes_articles_whose_files_were_deleted(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "lighthouse.txt").write_text(LIGHTHOUSE)
    (folder / "bakery.txt").write_text(BAKERY)
    where = ["--index-dir", str(index)]
    _cli("ingest", "--quiet", str(folder), *where, capsys=capsys)
    (folder / "bakery.txt").unlink()

    code, out, _ = _cli("ingest", "--quiet", str(folder), *where, capsys=capsys)

    assert code == 0
    assert out.startswith("0 added, 0 replaced, 1 unchanged, 1 removed"), out
    assert f"note bakery.txt: removed, {(folder / 'bakery.txt').resolve()} no longer exists" in out
    code, out, _ = _cli("stats", *where, capsys=capsys)
    assert "Articles:   6" in out and "bakery" not in out.lower()  # the seeds stay


def test_remove_accepts_what_stats_shows_a_whole_jsonl_file_a_folder_and_a_url(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    records = [
        {
            "title": f"Harbour report {n}",
            "text": f"The harbour of town {n} reopened on Monday.",
            "url": f"https://news.example.com/harbour-{n}",
        }
        for n in range(3)
    ]
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (folder / "story.txt").write_text(LIGHTHOUSE)
    where = ["--index-dir", str(index)]
    _cli("ingest", "--quiet", str(folder), *where, capsys=capsys)
    _, stats, _ = _cli("stats", *where, capsys=capsys)
    assert "feed.jsonl#1" in stats and "feed.jsonl#3" in stats

    code, out, _ = _cli("remove", "https://news.example.com/harbour-2", *where, capsys=capsys)
    assert code == 0 and "Removed 1 article: feed.jsonl#3" in out
    code, out, _ = _cli("remove", "feed.jsonl", *where, capsys=capsys)
    assert code == 0 and "Removed 2 articles: feed.jsonl#1, feed.jsonl#2" in out
    code, out, _ = _cli("remove", str(folder), *where, capsys=capsys)
    assert code == 0 and "Removed 1 article: story.txt" in out
    code, _, err = _cli("remove", "feed.jsonl", *where, capsys=capsys)
    assert code == 1 and "a .json/.jsonl file name (all its records)" in err
    _, stats, _ = _cli("stats", *where, capsys=capsys)
    assert "Articles:   5" in stats
