"""Tests of retrieval.sources: identity by origin, stable unique names, removals, selection."""

from __future__ import annotations

from pathlib import Path

from retrieval.records import Article
from retrieval.sources import Scope, merge_articles, origin_file, select_articles


def _article(
    source: str, origin: str | None, content: str = "x", url: str | None = None
) -> Article:
    return Article(source, source, content, url=url, content_hash=content, origin=origin)


def test_same_names_from_two_folders_get_distinct_names_in_one_ingest(tmp_path: Path) -> None:
    loaded = [
        _article("story.txt", str(tmp_path / "a" / "story.txt"), "one"),
        _article("story.txt", str(tmp_path / "b" / "story.txt"), "two"),
    ]
    merged, report = merge_articles({}, loaded)
    assert report.added == ("story.txt", "b/story.txt")
    assert merged["b/story.txt"].text == "two" and merged["story.txt"].text == "one"


def test_an_old_article_without_origin_is_matched_by_name_once(tmp_path: Path) -> None:
    previous = {"story.txt": _article("story.txt", None, "old")}
    loaded = [
        _article("story.txt", str(tmp_path / "a" / "story.txt"), "old"),
        _article("story.txt", str(tmp_path / "b" / "story.txt"), "new"),
    ]
    merged, report = merge_articles(previous, loaded)
    assert report.unchanged == ("story.txt",) and report.added == ("b/story.txt",)
    assert merged["story.txt"].origin == str(tmp_path / "a" / "story.txt")  # now recorded


def test_a_moved_file_keeps_its_article(tmp_path: Path) -> None:
    previous = {"story.txt": _article("story.txt", str(tmp_path / "old" / "story.txt"))}
    moved = _article("story.txt", str(tmp_path / "new" / "story.txt"))
    merged, report = merge_articles(previous, [moved])
    assert report.unchanged == ("story.txt",) and not report.added
    assert merged["story.txt"].origin == moved.origin


def test_only_vanished_files_under_the_folders_read_are_removed(tmp_path: Path) -> None:
    folder, other = tmp_path / "mine", tmp_path / "other"
    folder.mkdir()
    (folder / "kept-but-skipped.txt").write_text("now empty")
    previous = {
        "gone.txt": _article("gone.txt", str(folder / "gone.txt")),
        "kept-but-skipped.txt": _article(
            "kept-but-skipped.txt", str(folder / "kept-but-skipped.txt")
        ),
        "elsewhere.txt": _article("elsewhere.txt", str(other / "elsewhere.txt")),
        "feed.jsonl#2": _article("feed.jsonl#2", f"{folder / 'feed.jsonl'}#2"),
        "feed.jsonl#1": _article("feed.jsonl#1", f"{folder / 'feed.jsonl'}#1"),
    }
    scope = Scope(
        roots=(str(folder),),
        found=frozenset({str(folder / "kept-but-skipped.txt"), str(folder / "feed.jsonl")}),
        parsed=frozenset({str(folder / "feed.jsonl")}),
    )
    record = _article("feed.jsonl#1", f"{folder / 'feed.jsonl'}#1")
    merged, report = merge_articles(previous, [record], scope=scope)
    assert sorted(report.removed) == ["feed.jsonl#2", "gone.txt"]
    assert {"kept-but-skipped.txt", "elsewhere.txt", "feed.jsonl#1"} <= set(merged)


def test_select_articles_by_name_file_folder_and_url(tmp_path: Path) -> None:
    articles = {
        "feed.jsonl#1": _article("feed.jsonl#1", f"{tmp_path / 'feed.jsonl'}#1"),
        "feed.jsonl#2": _article(
            "feed.jsonl#2", f"{tmp_path / 'feed.jsonl'}#2", url="https://x.example/2"
        ),
        "page": _article("page", "https://news.example/a", url="https://news.example/a/"),
    }
    assert select_articles(articles, "feed.jsonl") == ["feed.jsonl#1", "feed.jsonl#2"]
    assert select_articles(articles, "https://x.example/2") == ["feed.jsonl#2"]
    assert select_articles(articles, "https://news.example/a") == ["page"]
    assert select_articles(articles, str(tmp_path)) == ["feed.jsonl#1", "feed.jsonl#2"]
    assert select_articles(articles, "nothing") == []
    assert origin_file(f"{tmp_path / 'feed.jsonl'}#2") == tmp_path / "feed.jsonl"
    assert origin_file(str(tmp_path / "a#1.txt")) == tmp_path / "a#1.txt"
