"""Tests for retrieval.ingest.load: files in; articles and a clear skip line per bad input out."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from retrieval.errors import UnusableArticleError
from retrieval.ingest.article import parse_text_article
from retrieval.ingest.discover import SUPPORTED_SUFFIXES
from retrieval.ingest.load import LoadResult, load_articles
from retrieval.ingest.read import MAX_FILE_BYTES
from retrieval.records import Article, SkippedFile
from tests.support import paths

SEEDS = paths.SEEDS
STORY = "Putin met the leaders of former Soviet states in Bishkek on Friday.\n"

HTML_PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Putin hosts CIS leaders | The Example Times</title>
<link rel="canonical" href="https://www.example-news.com/2022/12/27/putin-hosts-cis-leaders-a1">
<meta property="og:site_name" content="The Example Times">
<meta property="article:published_time" content="2022-12-27T10:00:00Z">
<style>body { color: red } .STYLE_MUST_NOT_APPEAR {}</style>
<script>var leaked = "SCRIPT_MUST_NOT_APPEAR";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Putin hosts CIS leaders</h1>
<p>Russian President Vladimir Putin hosted the leaders of former Soviet republics at an
informal summit in St. Petersburg on Monday evening.</p>
<script>document.write("SCRIPT_MUST_NOT_APPEAR");</script>
<p>Each leader was given a gold-coloured ring engraved with New Year's greetings, and only
one of them put it on straight away.</p>
<p>The summit took place against the backdrop of the war in Ukraine.</p>
</article>
<footer>Share us on your social networks: SIGN UP FOR FREE TODAY</footer>
</body></html>
"""


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def only_article(result: LoadResult) -> Article:
    assert result.skipped == ()
    assert len(result.articles) == 1
    return result.articles[0]


def only_skip(result: LoadResult) -> SkippedFile:
    assert result.articles == ()
    assert len(result.skipped) == 1
    return result.skipped[0]


def test_public_constants() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_seed_folder_loads_every_seed_in_sorted_order() -> None:
    result = load_articles([SEEDS])
    assert result.skipped == ()
    assert [article.source for article in result.articles] == sorted(
        path.name for path in SEEDS.glob("*.txt")
    )


def test_content_hash_is_the_sha256_of_the_raw_bytes() -> None:
    for article in load_articles([SEEDS]).articles:
        raw = (SEEDS / article.source).read_bytes()
        assert article.content_hash == hashlib.sha256(raw).hexdigest()


def test_loading_is_deterministic() -> None:
    assert load_articles([SEEDS]) == load_articles([SEEDS])


def test_a_file_given_directly_is_named_by_its_file_name() -> None:
    article = only_article(load_articles([SEEDS / "003_db38b9538e43ca07.txt"]))
    assert article.source == "003_db38b9538e43ca07.txt"
    assert article.title == "CIS Informal Meeting Held in Russia"


def test_folder_tree_is_walked_sorted_without_hidden_entries(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.txt", STORY)
    write(root / "a" / "z.md", STORY)
    write(root / "a" / "deeper" / "x.txt", STORY)
    write(root / ".hidden.txt", STORY)
    write(root / ".git" / "c.txt", STORY)
    write(root / "c.TXT", STORY)
    result = load_articles([root])
    assert result.skipped == ()
    assert [article.source for article in result.articles] == [
        "a/deeper/x.txt",
        "a/z.md",
        "b.txt",
        "c.TXT",
    ]


def bad_inputs() -> list[tuple[str, bytes, str]]:
    return [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b" \n\t\r\n  ", "empty file"),
        ("invisible.txt", "\u200b\u200b\ufeff\n".encode(), "empty file"),
        ("nul.txt", b"Story text\x00\x00\x01binary", "binary file (contains NUL bytes)"),
        ("noise.txt", bytes(range(1, 32)) * 20, "binary file (mostly non-text bytes)"),
        ("paper.pdf", b"%PDF-1.7 story", "unsupported file type '.pdf'"),
        ("README", b"story", "unsupported file type without an extension"),
        ("furniture.txt", b"Share us\n\nSIGN UP FOR FREE TODAY\n\n.\n", "no article text left"),
        ("page.html", b"<html><body><script>x()</script></body></html>", "no article text"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "reason"), bad_inputs(), ids=[case[0] for case in bad_inputs()]
)
def test_bad_file_is_skipped_with_one_clear_line(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = write(tmp_path / name, data)
    skip = only_skip(load_articles([path]))
    assert skip.path == path.as_posix()
    assert reason in skip.reason
    assert ":" in skip.reason  # what is wrong, then what to do


def test_bad_files_inside_a_folder_do_not_stop_the_good_ones(tmp_path: Path) -> None:
    for name, data, _ in bad_inputs():
        write(tmp_path / "corpus" / name, data)
    write(tmp_path / "corpus" / "good.txt", STORY)
    result = load_articles([tmp_path / "corpus"])
    assert [article.source for article in result.articles] == ["good.txt"]
    assert len(result.skipped) == len(bad_inputs())


@pytest.mark.parametrize(
    ("size", "max_bytes"),
    [
        pytest.param(25 * 1024 * 1024, MAX_FILE_BYTES, id="25MB-default-limit"),
        pytest.param(2048, 1000, id="2KB-lowered-limit"),
    ],
)
def test_file_over_the_size_limit_is_skipped_unread(
    tmp_path: Path, size: int, max_bytes: int
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(size)  # sparse: all NUL bytes, so reading it would say "binary"
    skip = only_skip(load_articles([path], max_bytes=max_bytes))
    assert skip.reason.startswith("too large")
    assert "split it" in skip.reason


def test_file_at_the_size_limit_is_loaded(tmp_path: Path) -> None:
    path = write(tmp_path / "fits.txt", STORY)
    article = only_article(load_articles([path], max_bytes=len(STORY.encode())))
    assert article.text == STORY.strip()


@pytest.mark.parametrize(
    ("data", "note"),
    [
        pytest.param(
            "“Quoted” – café.\n".encode("cp1252"), "not UTF-8: decoded as cp1252", id="cp1252"
        ),
        pytest.param(
            "“Quoted” – café.\n".encode("utf-16"), "not UTF-8: decoded as UTF-16", id="utf16"
        ),
        pytest.param(
            b"\x81\x8d Quoted \x93x\x94 \xe9.\n", "not UTF-8: decoded as latin-1", id="latin1"
        ),
    ],
)
def test_non_utf8_text_is_decoded_with_a_note(tmp_path: Path, data: bytes, note: str) -> None:
    article = only_article(load_articles([write(tmp_path / "a.txt", data)]))
    assert article.notes == (note,)
    assert "Quoted" in article.text


def test_cp1252_punctuation_decodes_to_the_right_characters(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "“Quoted” – café.\n".encode("cp1252"))
    assert only_article(load_articles([path])).text == "“Quoted” – café."


def test_utf8_with_bom_needs_no_note(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "\ufeffThe story.\n".encode())
    article = only_article(load_articles([path]))
    assert (article.text, article.notes) == ("The story.", ())


def test_invisible_and_bidi_characters_are_stripped(tmp_path: Path) -> None:
    raw = "Leaders\u200b gather\u202e in\u2066 Bishkek\u2069 now\n\n"
    raw += "Pu\u200dtin\u200f met\x07 them.\n"
    article = only_article(load_articles([write(tmp_path / "a.txt", raw)]))
    assert article.title == "Leaders gather in Bishkek now"
    assert article.text == "Putin met them."


def test_html_page_is_extracted_without_scripts_or_styles(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", HTML_PAGE)
    article = only_article(load_articles([path]))
    assert "MUST_NOT_APPEAR" not in article.text
    assert "SIGN UP" not in article.text
    assert "Home" not in article.text
    assert article.text.startswith("Russian President Vladimir Putin hosted the leaders")
    assert article.text.endswith("against the backdrop of the war in Ukraine.")
    assert (article.title, article.url, article.published, article.publisher) == (
        "Putin hosts CIS leaders",
        "https://www.example-news.com/2022/12/27/putin-hosts-cis-leaders-a1",
        date(2022, 12, 27),
        "The Example Times",
    )
    assert article.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_html_in_a_declared_legacy_charset_is_decoded_with_it(tmp_path: Path) -> None:
    page = HTML_PAGE.replace('charset="utf-8"', 'charset="windows-1251"').replace(
        "Ukraine.", "Украине."
    )
    path = write(tmp_path / "page.htm", page.encode("windows-1251"))
    article = only_article(load_articles([path]))
    assert article.text.endswith("Украине.")
    assert article.notes == ("not UTF-8: decoded as windows-1251 (declared)",)


def test_json_records_become_articles_and_bad_records_are_skipped(tmp_path: Path) -> None:
    records = [
        {
            "title": "Putin hosts leaders",
            "url": "https://example.com/2022/12/27/a",
            "published": "2022-12-27",
            "text": STORY,
        },
        {"title": "No text here", "url": None},
        {"title": 7, "text": STORY},
        {"text": ["not", "a", "string"]},
        "just a string",
        {"text": "Second story.", "published": "27/12/2022"},
    ]
    path = write(tmp_path / "batch.json", json.dumps(records))
    result = load_articles([path])
    assert [article.source for article in result.articles] == ["batch.json#1", "batch.json#6"]
    first, sixth = result.articles
    assert (first.title, first.url, first.published, first.publisher) == (
        "Putin hosts leaders",
        "https://example.com/2022/12/27/a",
        date(2022, 12, 27),
        "example.com",
    )
    canonical = json.dumps(records[0], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert first.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert sixth.published is None
    assert sixth.notes == ("field \"published\" is not a YYYY-MM-DD date: '27/12/2022'",)
    assert [(skip.path.rsplit("/", 1)[-1], skip.reason) for skip in result.skipped] == [
        ("batch.json#2", 'field "text" is missing: add the article text'),
        ("batch.json#3", 'field "title" must be a string, not number'),
        ("batch.json#4", 'field "text" must be a string, not list'),
        ("batch.json#5", 'record is a JSON string: make it an object with a "text" field'),
    ]


def test_single_json_object_is_named_by_its_file(tmp_path: Path) -> None:
    path = write(tmp_path / "one.json", json.dumps({"text": STORY}))
    assert only_article(load_articles([path])).source == "one.json"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param("{broken", "not valid JSON", id="syntax"),
        pytest.param("42", "top level is a JSON number", id="number"),
        pytest.param("[]", "no records", id="empty-list"),
        pytest.param("[" * 100_000 + "]" * 100_000, "not valid JSON", id="deep-nesting"),
    ],
)
def test_unusable_json_file_is_skipped(tmp_path: Path, content: str, reason: str) -> None:
    skip = only_skip(load_articles([write(tmp_path / "bad.json", content)]))
    assert reason in skip.reason


def test_jsonl_broken_line_is_skipped_and_the_others_load(tmp_path: Path) -> None:
    lines = [json.dumps({"text": "First story."}), "{not json", "", json.dumps({"text": STORY})]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines))
    result = load_articles([path])
    assert [article.source for article in result.articles] == ["feed.jsonl#1", "feed.jsonl#4"]
    assert [skip.path for skip in result.skipped] == [f"{path.as_posix()}#2"]
    assert result.skipped[0].reason.startswith("not valid JSON")


@pytest.mark.parametrize("given", ["link", "folder"])
def test_symbolic_links_are_not_followed(tmp_path: Path, given: str) -> None:
    target = write(tmp_path / "outside" / "secret.txt", STORY)
    link = tmp_path / "corpus" / "link.txt"
    link.parent.mkdir()
    link.symlink_to(target)
    skip = only_skip(load_articles([link if given == "link" else link.parent]))
    assert skip.path == link.as_posix()
    assert skip.reason.startswith("symbolic link: not followed")


def test_symlinked_folder_is_not_walked(tmp_path: Path) -> None:
    write(tmp_path / "outside" / "secret.txt", STORY)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "loop").symlink_to(tmp_path)
    skip = only_skip(load_articles([tmp_path / "corpus"]))
    assert skip.reason.startswith("symbolic link: not followed")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_skipped_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for given in (fifo, tmp_path):
        skip = only_skip(load_articles([given]))
        assert skip.reason.startswith("not a regular file (named pipe)")


def test_missing_path_is_skipped(tmp_path: Path) -> None:
    skip = only_skip(load_articles([tmp_path / "nope.txt"]))
    assert skip.reason == "does not exist: check the path"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.txt", STORY)
    path.chmod(0)
    try:
        skip = only_skip(load_articles([path]))
    finally:
        path.chmod(0o644)
    assert skip.reason.startswith("permission denied")


@pytest.mark.parametrize(
    "make_inputs",
    [
        pytest.param(lambda root: [root / "one" / "a.txt"] * 2, id="same-file-twice"),
        pytest.param(
            lambda root: [root / "one", root / "one" / "a.txt"], id="folder-and-its-file"
        ),
    ],
)
def test_the_same_file_given_twice_is_read_once(
    tmp_path: Path, make_inputs: Callable[[Path], list[Path]]
) -> None:
    write(tmp_path / "one" / "a.txt", "First story.\n")
    result = load_articles(make_inputs(tmp_path))
    assert [article.text for article in result.articles] == ["First story."]
    assert len(result.skipped) == 1
    assert result.skipped[0].reason.startswith("given twice")


def test_files_of_the_same_name_in_two_folders_are_two_articles(tmp_path: Path) -> None:
    write(tmp_path / "one" / "a.txt", "First story.\n")
    write(tmp_path / "two" / "a.txt", "Second story.\n")
    result = load_articles([tmp_path / "one", tmp_path / "two"])
    assert [article.text for article in result.articles] == ["First story.", "Second story."]
    assert [article.origin for article in result.articles] == [
        str((tmp_path / "one" / "a.txt").resolve()),
        str((tmp_path / "two" / "a.txt").resolve()),
    ]
    assert not result.skipped


@pytest.mark.parametrize("given", [Path("seeds"), "seeds"])
def test_a_single_path_instead_of_a_list_is_a_type_error(given: object) -> None:
    with pytest.raises(TypeError, match="sequence of paths"):
        load_articles(given)  # type: ignore[arg-type]


def test_parse_text_article_without_story_text_raises() -> None:
    with pytest.raises(UnusableArticleError, match="no article text"):
        parse_text_article("Share us\n\nNo Thanks\n", source="x.txt")


def test_parse_text_article_hashes_the_text() -> None:
    article = parse_text_article(STORY, source="x.txt")
    assert article.content_hash == hashlib.sha256(STORY.encode()).hexdigest()
    assert article.source == "x.txt"


def test_html_page_without_date_markup_has_no_date(tmp_path: Path) -> None:
    # A copyright year must not become 1 January of that year.
    page = HTML_PAGE.replace(
        '<meta property="article:published_time" content="2022-12-27T10:00:00Z">', ""
    ).replace("/2022/12/27/", "/world/")
    page = page.replace(
        "</article>", "<p>© 2021 The Example Times. Filed on 12 March by staff.</p></article>"
    )
    article = only_article(load_articles([write(tmp_path / "page.html", page)]))
    assert article.published is None


@pytest.mark.skipif(os.name != "posix", reason="needs byte file names")
def test_file_names_that_would_break_the_report_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "line\nbreak.txt").write_text(STORY, encoding="utf-8")
    os.close(os.open(os.fsencode(root) + b"/caf\xe9.txt", os.O_CREAT | os.O_WRONLY, 0o644))
    write(root / "ok.txt", STORY)
    result = load_articles([root])
    assert [article.source for article in result.articles] == ["ok.txt"]
    assert sorted(skip.path.rsplit("/", 1)[-1] for skip in result.skipped) == [
        "caf\\xe9.txt",
        "line\\nbreak.txt",
    ]
    assert all("\n" not in skip.path and "rename" in skip.reason for skip in result.skipped)


def test_records_of_same_named_json_files_have_distinct_origins(tmp_path: Path) -> None:
    records = json.dumps([{"text": "One."}, {"text": "Two."}])
    write(tmp_path / "one" / "feed.json", records)
    write(tmp_path / "two" / "feed.json", records)
    result = load_articles([tmp_path / "one", tmp_path / "two"])
    assert [article.source for article in result.articles] == ["feed.json#1", "feed.json#2"] * 2
    two = (tmp_path / "two" / "feed.json").resolve()
    assert [article.origin for article in result.articles][2:] == [f"{two}#1", f"{two}#2"]
    assert not result.skipped


def test_lone_surrogates_from_json_escapes_are_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", '{"text": "Putin\\ud800 met them."}')
    article = only_article(load_articles([path]))
    assert article.text == "Putin met them."
    article.text.encode("utf-8")


MARKDOWN_STORY = """# Harbour reopens after **three years** of works

*By Jane Doe, published 2024-11-29*

The **old harbour** of Saint-Malo reopened on *Friday* after three years of works, the mayor
said. Fishing boats returned at dawn and __crowds__ gathered on the quay; the sign said
5 * 3 = 15 and the file_name_here stayed as written.

Source: https://news.example.com/2024/11/29/harbour-reopens
"""


def test_markdown_emphasis_source_line_and_byline_date_are_read(tmp_path: Path) -> None:
    article = only_article(load_articles([write(tmp_path / "harbour.md", MARKDOWN_STORY)]))
    assert article.title == "Harbour reopens after three years of works"
    assert "*" not in article.text.replace("5 * 3", "") and "__" not in article.text
    assert "The old harbour of Saint-Malo reopened on Friday" in article.text
    assert "file_name_here" in article.text and "5 * 3 = 15" in article.text
    assert article.url == "https://news.example.com/2024/11/29/harbour-reopens"
    assert article.published == date(2024, 11, 29)
    assert article.byline == "Jane Doe"
    assert "Jane Doe" not in article.text and "Source:" not in article.text
