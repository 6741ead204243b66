"""The `newsbot` command line, run as a user would run it."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval import default_cache_dir
from tests.cli.runner import newsbot
from tests.conftest import ROOT

MOSCOW_TIMES = (
    "https://www.themoscowtimes.com/2022/12/27/"
    "putin-presents-rings-to-his-fellow-cis-leaders-during-summit-a79810"
)


def _newsbot(
    *args: str, index: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    environment.pop("NEWSBOT_INDEX_DIR", None)
    if env and "NEWSBOT_INDEX_DIR" in env:
        environment["NEWSBOT_INDEX_DIR"] = env["NEWSBOT_INDEX_DIR"]
    command = [sys.executable, "-m", "bot.cli.main"]
    if index is not None:
        command += ["--index-dir", str(index)]
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Path:
    target = tmp_path_factory.mktemp("cli") / "index"
    shutil.copytree(seed_index_dir, target)
    return target


def test_ask_prints_the_cited_excerpt_and_link(cli_index: Path) -> None:
    result = _newsbot("ask", "Who put Putin's ring on his finger?", index=cli_index)
    assert result.returncode == 0, result.stderr
    assert "Lukashenko" in result.stdout
    assert MOSCOW_TIMES in result.stdout
    assert "[1]" in result.stdout


def test_ask_json_streams_one_object_per_stdin_line(cli_index: Path) -> None:
    questions = ["Who put Putin's ring on his finger?", "How do I bake bread?", "", "CIS trade"]
    result = _newsbot("ask", "--json", "--top-k", "2", index=cli_index, stdin="\n".join(questions))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    # Line N answers line N: the blank line gets an error object of its own.
    assert [line["question"] for line in lines] == questions
    assert lines[2]["error"] == "empty_question" and not lines[2]["answered"]
    assert lines[0]["answered"] and not lines[1]["answered"]
    assert all(len(line["citations"]) <= 2 for line in lines)
    first = lines[0]["citations"][0]
    assert {
        "rank",
        "excerpt",
        "score",
        "title",
        "publisher",
        "published",
        "url",
        "source",
        "also_reported_by",
    } <= set(first)
    links = [c["url"] for c in lines[0]["citations"]] + [
        r["url"] for c in lines[0]["citations"] for r in c["also_reported_by"]
    ]
    assert MOSCOW_TIMES in links


def test_ask_json_answers_object_lines_as_followups_of_their_previous_questions(
    cli_index: Path,
) -> None:
    lines = [
        "and in 2022?",
        json.dumps({"question": "and in 2022?", "previous": ["Where was the 2023 summit held?"]}),
        json.dumps({"question": "and in 2022?", "previous": "not a list"}),
    ]
    result = _newsbot("ask", "--json", index=cli_index, stdin="\n".join(lines))
    assert result.returncode == 0, result.stderr
    plain, followup, bad = (json.loads(line) for line in result.stdout.splitlines())
    assert plain["understood_as"] is None
    assert followup["question"] == "and in 2022?"
    assert followup["understood_as"] == "Where was the summit held in 2022?"
    assert followup["note"].startswith("Following up on: Where was the summit held in 2022?")
    assert followup["citations"][0]["published"].startswith("2022-")
    assert bad["error"] == "bad_line" and '"previous"' in bad["note"]


def test_ask_without_question_or_json_explains(cli_index: Path) -> None:
    result = _newsbot("ask", index=cli_index)
    assert result.returncode == 2
    assert "--json" in result.stderr


def test_chat_skips_blank_lines_and_leaves_on_quit(cli_index: Path) -> None:
    stdin = "Where was the 2023 summit held?\n   \n\nquit\nWho put Putin's ring on?\n"
    result = _newsbot("chat", index=cli_index, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert "Bishkek" in result.stdout
    assert "Lukashenko" not in result.stdout  # asked after `quit`
    assert "articles" in result.stdout.splitlines()[0]


def test_chat_follows_up_until_new(cli_index: Path) -> None:
    session = "Where was the 2023 summit held?\nand in 2022?\n/new\nand in 2022?\n\n"
    result = _newsbot("chat", index=cli_index, stdin=session)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Following up on:") == 1
    assert "Following up on: Where was the summit held in 2022?" in result.stdout
    assert "Starting afresh" in result.stdout
    assert "/new" in result.stdout.splitlines()[0]


@pytest.mark.parametrize("word", ["exit", ":q", "QUIT"])
def test_chat_leaves_on_each_quit_word(cli_index: Path, word: str) -> None:
    result = _newsbot("chat", index=cli_index, stdin=f"{word}\nWhere was the 2023 summit?\n")
    assert result.returncode == 0, result.stderr
    assert "Bishkek" not in result.stdout


def test_stats_lists_articles_with_dates_and_links(cli_index: Path) -> None:
    result = _newsbot("stats", index=cli_index)
    assert result.returncode == 0, result.stderr
    assert "Articles:   5" in result.stdout
    assert "2025-12-22" in result.stdout and MOSCOW_TIMES in result.stdout


def test_index_dir_comes_from_the_environment(cli_index: Path) -> None:
    result = _newsbot("stats", index=None, env={"NEWSBOT_INDEX_DIR": str(cli_index)})  # type: ignore[arg-type]
    assert result.returncode == 0, result.stderr
    assert str(cli_index) in result.stdout


@pytest.mark.slow
def test_ingest_remove_and_report(tmp_path: Path, seed_index_dir: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(seed_index_dir, index)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "story.md").write_text(
        "# Lighthouse restored in Brittany\n\nVolunteers restored the 1882 lighthouse at "
        "Ploumanac'h over two summers, the mayor said.\n",
        encoding="utf-8",
    )
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    result = _newsbot("ingest", "--quiet", str(folder), index=index)
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
    assert "broken.json" in result.stdout
    removed = _newsbot("remove", "story.md", index=index)
    assert removed.returncode == 0, removed.stderr
    assert "Removed 1 article: story.md" in removed.stdout
    missing = _newsbot("remove", "nope.txt", index=index)
    assert missing.returncode == 1
    assert "newsbot stats" in missing.stderr


def test_a_corrupt_index_gives_a_clear_error_not_a_traceback(
    tmp_path: Path, seed_index_dir: Path
) -> None:
    index = tmp_path / "index"
    shutil.copytree(seed_index_dir, index)
    live = index / "generations" / (index / "CURRENT").read_text().strip()
    (live / "vectors.faiss").write_bytes(b"broken")
    result = _newsbot("ask", "Putin", index=index)
    assert result.returncode == 2
    assert f"newsbot repair --index-dir {index}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_ask_from_another_folder_builds_from_the_project_seeds_quietly(tmp_path: Path) -> None:
    result = newsbot(
        "ask",
        "--index-dir",
        str(tmp_path / "fresh"),
        "Where was the 2023 CIS summit?",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Bishkek" in result.stdout
    assert (tmp_path / "fresh" / "CURRENT").is_file()
    assert f"building it from {ROOT / 'seeds'}" in result.stderr  # says why it takes a while
    for noise in ("passages/s", "Loading weights", "discarding data", "Traceback"):
        assert noise not in result.stderr + result.stdout


def test_without_seeds_the_message_names_the_folder_it_looked_for(tmp_path: Path) -> None:
    missing = tmp_path / "my-seeds"
    result = newsbot(
        "ask",
        "--index-dir",
        str(tmp_path / "fresh"),
        "Anything?",
        env={"NEWSBOT_SEEDS_DIR": str(missing)},
    )
    assert result.returncode == 2
    assert str(missing) in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("question", ["", "   ", "?!"])
def test_ask_with_an_empty_question_exits_2(question: str, tmp_path: Path) -> None:
    result = newsbot("ask", question, "--index-dir", str(tmp_path / "none"))
    assert result.returncode == 2
    assert "empty" in result.stderr
    assert not (tmp_path / "none").exists()  # refused before any index work


@pytest.mark.slow
def test_ingest_says_one_passage_and_stays_quiet_about_short_html(
    tmp_path: Path, seed_index_dir: Path
) -> None:
    index = tmp_path / "index"
    shutil.copytree(seed_index_dir, index)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "tiny.html").write_text("<html><body><script>var x = 1;</script></body></html>")
    (folder / "note.txt").write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n")
    result = newsbot("ingest", str(folder), "--index-dir", str(index))
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stdout and "tiny.html" in result.stdout
    assert "discarding data" not in result.stderr and "trafilatura" not in result.stderr
    assert "passages/s" not in result.stdout
    stats = newsbot("stats", "--index-dir", str(index))
    assert "(1 passage)" in stats.stdout


def test_settings_come_from_a_dotenv_file_under_the_environment(
    tmp_path: Path, seed_index_dir: Path
) -> None:
    (tmp_path / ".env").write_text(
        f"# written by the test\nNEWSBOT_INDEX_DIR={seed_index_dir}\nNEWSBOT_LOG_LEVEL=LOUD\n"
    )
    from_file = newsbot("stats", cwd=tmp_path, env={"NEWSBOT_LOG_LEVEL": "INFO"})
    assert from_file.returncode == 0, from_file.stderr  # the real variable wins over LOUD
    assert f"Index:      {seed_index_dir}" in from_file.stdout


def test_chat_in_a_terminal_has_line_editing_and_history(cli_index: Path, tmp_path: Path) -> None:
    shutil.copytree(default_cache_dir() / "onnx", tmp_path / "cache" / "onnx")  # no re-export
    primary, secondary = pty.openpty()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "NEWSBOT_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--index-dir", str(cli_index)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        cwd=ROOT,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    seen = b""

    def read_until(marker: bytes, count: int = 1) -> None:
        nonlocal seen
        deadline = time.monotonic() + 120
        while seen.count(marker) < count:
            assert time.monotonic() < deadline, seen.decode(errors="replace")[-2000:]
            ready, _, _ = select.select([primary], [], [], 1)
            if ready:
                seen += os.read(primary, 65536)

    prompt = b"\n? "
    try:
        read_until(prompt)
        os.write(primary, b"Where was the 2023 summit held?\r")
        read_until(prompt, 2)
        assert b"Bishkek" in seen
        # Up-arrow recalls the question; Ctrl-A then Ctrl-K clear it, as at any readline prompt.
        os.write(primary, b"\x1b[A\x01\x0bWhere was the 2023 CIS summit held?\r")
        read_until(prompt, 3)
        assert seen.count(b"Where was the 2023 summit held?") >= 2  # recalled and echoed
        os.write(primary, b"quit\r")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    assert (tmp_path / "cache" / "chat_history").read_text().count("2023") == 2
