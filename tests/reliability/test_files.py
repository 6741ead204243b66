"""Hostile input files through `newsbot ingest`: one clear report line each, nothing outside.

One real CLI ingest (``bot.cli.main.main``, the real model) reads a folder of hostile files plus a
few given directly. Every rejected file gets exactly one `skipped PATH: reason` line, every
oddly encoded one a `note` line, the good ones are indexed cleaned, and the only thing written
is the index directory: the rest of the tree, symlink targets included, is byte-identical.
tests/test_ingest.py covers the loader case by case; this is the end-to-end view.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main as cli_main
from retrieval.index.loader import load_index
from tests.stress.harness import tree_snapshot

STORY = (
    "The harbour council of Port Elwyn approved a new breakwater on Tuesday after storms "
    "flooded the fish market twice this winter. Construction will start in March and cost "
    "twelve million euros, the council said.\n\n"
    "Fishermen welcomed the decision but asked for compensation during the works."
)

# name -> (bytes or a builder, expected reason fragment in its single report line)
SKIPPED: dict[str, str] = {
    "binary.txt": "binary file",
    "empty.txt": "empty file",
    "blank.md": "empty file",
    "huge.txt": "too large (100.0 MB > 20.0 MB limit)",
    "only_script.html": "no article text",
    "text_is_a_number.json": 'field "text" must be a string, not number',
    "top_level_string.json": "top level is a JSON string",
    "deeply_nested.json": "too deeply nested",
    "broken.json": "not valid JSON",
    "scan.pdf": "unsupported file type '.pdf'",
    "link_to_outside.txt": "symbolic link: not followed",
    "link_to_folder": "symbolic link: not followed",
    "link_loop.txt": "symbolic link: not followed",
    "dangling_link.txt": "symbolic link: not followed",
}
NOTED: dict[str, str] = {
    "latin1.txt": "not UTF-8: decoded as cp1252",
    "utf16.txt": "not UTF-8: decoded as UTF-16",
}
RECORD_SKIPS = {
    "mixed.json#2": "record is a JSON number",
    "mixed.json#3": 'field "title" must be a string, not list',
}


def _write_corpus(corpus: Path, outside: Path) -> None:
    corpus.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("TOP SECRET outside the corpus. " * 20)
    (outside / "folder").mkdir()
    (outside / "folder" / "story.txt").write_text(STORY)

    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text(" \n\t\n\u200b\n")
    with (corpus / "huge.txt").open("wb") as handle:  # sparse: instant, no disk used
        handle.truncate(100 * 1024 * 1024)
    (corpus / "only_script.html").write_text(
        "<html><head><script>alert('x')</script></head><body><script>steal()</script></body>"
    )
    (corpus / "text_is_a_number.json").write_text(json.dumps({"text": 42}))
    (corpus / "top_level_string.json").write_text(json.dumps("just a string"))
    (corpus / "deeply_nested.json").write_text("[" * 50_000 + "]" * 50_000)
    (corpus / "broken.json").write_text('{"text": "unterminated')
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.7\n")
    (corpus / "link_to_outside.txt").symlink_to(outside / "secret.txt")
    (corpus / "link_to_folder").symlink_to(outside / "folder")
    (corpus / "link_loop.txt").symlink_to(corpus / "link_loop.txt")
    (corpus / "dangling_link.txt").symlink_to(outside / "nothing-here.txt")

    (corpus / "latin1.txt").write_bytes(
        ("Caf\u00e9 owners in S\u00e3o Paulo protest \u2013 " + STORY).encode("cp1252")
    )
    (corpus / "utf16.txt").write_bytes(("Tram strike in Lyon. " + STORY).encode("utf-16"))
    (corpus / "mixed.json").write_text(
        json.dumps(
            [
                {"title": "Glacier retreat measured", "text": "Glacier story. " + STORY},
                5,
                {"title": ["not", "a", "string"], "text": STORY},
            ]
        )
    )
    # Accepted, and cleaned: invisible and bidi characters out, scripts out.
    (corpus / "zero_width_rtl.txt").write_text(
        "Orchard\u200b harvest \u202ereport\u202c\n\n"
        "The orch\u200bard co\u200dop\u2060erative in \u202eValdor\u202c reported a record apple "
        "harvest of nine thousand tonnes this autumn.\n\n" + STORY
    )
    (corpus / "with_scripts.html").write_text(
        "<html><head><title>Ferry line reopens</title><script>document.cookie</script>"
        "<style>body{}</style></head><body><article><h1>Ferry line reopens</h1>"
        "<p>The ferry line between Alden and Brisk reopened on Monday after repairs to the "
        "pier.</p><script>alert('xss')</script><p>" + STORY + "</p></article></body></html>"
    )
    (corpus / "a..b.txt").write_text("Dots in a name. " + STORY)
    (corpus / "...hidden.txt").write_text(STORY)  # hidden: ignored by design


def test_hostile_files_get_one_line_each_and_nothing_is_written_outside_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, outside, index_dir = tmp_path / "corpus", tmp_path / "outside", tmp_path / "index"
    _write_corpus(corpus, outside)
    dotted = corpus / "sub" / ".." / "a..b.txt"  # a path with `..` given directly
    (corpus / "sub").mkdir()
    before = tree_snapshot(tmp_path)

    code = cli_main(["--index-dir", str(index_dir), "ingest", "--quiet", str(corpus), str(dotted)])
    out, err = capsys.readouterr()

    assert code == 0, err
    assert "Traceback" not in out + err
    lines = out.splitlines()
    for name, reason in {**SKIPPED, **RECORD_SKIPS}.items():
        mine = [line for line in lines if line.startswith(f"skipped {corpus / name}:")]
        assert len(mine) == 1, (name, out)
        assert reason in mine[0], (name, mine[0])
    for name, note in NOTED.items():
        mine = [line for line in lines if line.startswith(f"note {name}:")]
        assert mine == [f"note {name}: {note}"], (name, out)
    # The same file reached twice (folder and `..` path) is one duplicate line, not two articles.
    duplicates = [line for line in lines if "a..b.txt" in line]
    assert len(duplicates) == 1 and "given twice" in duplicates[0], out
    assert lines[0].startswith("6 added, 0 replaced, 0 unchanged, 0 removed, "), out
    assert f"{len(SKIPPED) + len(RECORD_SKIPS) + 1} skipped" in lines[0]
    assert not any("hidden" in line for line in lines)

    loaded = load_index(index_dir)
    assert set(loaded.articles) == {
        "latin1.txt",
        "utf16.txt",
        "mixed.json#1",
        "zero_width_rtl.txt",
        "with_scripts.html",
        "a..b.txt",
    }
    cleaned = loaded.articles["zero_width_rtl.txt"]
    assert "orchard cooperative in Valdor" in cleaned.text
    assert not any(ch in cleaned.text + cleaned.title for ch in "\u200b\u200d\u2060\u202e\u202c")
    page = loaded.articles["with_scripts.html"].text
    assert "ferry line between Alden and Brisk" in page
    assert "alert" not in page and "cookie" not in page
    assert "TOP SECRET" not in "".join(a.text for a in loaded.articles.values())

    after = tree_snapshot(tmp_path, skip=(index_dir,))
    before.pop("index", None)
    after.pop("index", None)
    assert after == before, set(after.items()) ^ set(before.items())
    assert (corpus / "huge.txt").stat().st_size == 100 * 1024 * 1024
