"""The command line on both backends: the same output from files and from PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

from tests.cli.runner import newsbot
from tests.support.paths import SEEDS
from tests.support.postgres import PostgresServer, fresh_database
from tests.telegram.fixtures import free_port

QUESTIONS = [
    "Who put Putin's ring on his finger?",
    "How do I bake banana bread?",
    "What did Lukashenko receive at the summit?",
]


def _without_timings(text: str) -> str:
    return re.sub(r"\d+\.\d+ s|generation \S+|data version \d+", "X", text)


def test_ingest_ask_stats_remove_give_the_same_output_on_both_backends(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    corpus = tmp_path / "articles"
    shutil.copytree(SEEDS, corpus)
    outputs: dict[str, list[str]] = {}
    for backend in ("embedded", "postgres"):
        env = {"NEWSBOT_INDEX_DIR": str(tmp_path / f"index-{backend}")}
        if backend == "postgres":
            env["NEWSBOT_DATABASE_URL"] = fresh_database(pg_server)
        ingest = newsbot("ingest", "--quiet", str(corpus), env=env)
        assert ingest.returncode == 0, ingest.stderr
        ask = newsbot("ask", "--json", stdin="\n".join(QUESTIONS), env=env)
        assert ask.returncode == 0, ask.stderr
        stats = newsbot("stats", env=env)
        assert stats.returncode == 0, stats.stderr
        removed = newsbot("remove", "001_8e5f2d5a591cc012.txt", env=env)
        assert removed.returncode == 0, removed.stderr
        nothing = newsbot("remove", "no-such-article.txt", env=env)
        assert nothing.returncode == 1
        outputs[backend] = [
            _without_timings(ingest.stdout),
            ask.stdout,
            stats.stdout.split("\n", 2)[2],  # after the Index and Built lines
            _without_timings(removed.stdout),
        ]
        if backend == "postgres":
            assert "PostgreSQL" in stats.stdout
            assert "no-such-article.txt" in nothing.stderr
    assert outputs["postgres"] == outputs["embedded"]
    answers = [json.loads(line) for line in outputs["postgres"][1].splitlines()]
    assert [a["answered"] for a in answers][:2] == [True, False]


def test_migrate_copies_an_embedded_index_without_embedding(
    pg_server: PostgresServer, seed_index_copy: Path
) -> None:
    env = {
        "NEWSBOT_INDEX_DIR": str(seed_index_copy),
        "NEWSBOT_DATABASE_URL": fresh_database(pg_server),
    }
    plain = {"NEWSBOT_INDEX_DIR": env["NEWSBOT_INDEX_DIR"]}
    embedded = newsbot("ask", "--json", stdin="\n".join(QUESTIONS), env=plain)
    migrated = newsbot("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert "5 articles" in migrated.stdout
    assert "nothing was embedded" in migrated.stdout
    asked = newsbot("ask", "--json", stdin="\n".join(QUESTIONS), env=env)
    assert asked.stdout == embedded.stdout
    again = newsbot("ingest", "--quiet", str(SEEDS), env=env)
    assert again.returncode == 0, again.stderr
    assert "embedded" not in again.stdout or " 0 " in again.stdout
    twice = newsbot("migrate", env=env)
    assert "0 articles" in twice.stdout
    assert "5 already there" in twice.stdout


def test_an_unreachable_database_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    url = f"postgresql://newsbot:s3cret-pw@127.0.0.1:{port}/newsbot"
    env = {"NEWSBOT_INDEX_DIR": str(tmp_path / "index"), "NEWSBOT_DATABASE_URL": url}
    for args in (("ask", "Who won?"), ("stats",), ("serve",)):
        serve_env = (
            {"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 30, "NEWSBOT_PORT": str(free_port())}
            if args == ("serve",)
            else {}
        )
        result = newsbot(*args, env={**env, **serve_env})
        assert result.returncode == 2, (args, result.stderr)
        assert "Cannot reach the PostgreSQL database at" in result.stderr
        assert "NEWSBOT_DATABASE_URL" in result.stderr
        assert "s3cret-pw" not in result.stderr + result.stdout
        assert "Traceback" not in result.stderr


def test_a_database_url_that_is_not_postgresql_is_a_settings_error(tmp_path: Path) -> None:
    result = newsbot("stats", env={"NEWSBOT_DATABASE_URL": "mysql://db/newsbot"})
    assert result.returncode == 2
    assert "NEWSBOT_DATABASE_URL must be a PostgreSQL URI" in result.stderr


def test_feeds_are_kept_in_the_database(pg_server: PostgresServer, tmp_path: Path) -> None:
    url = fresh_database(pg_server)
    feed = "https://news.example.com/rss.xml"
    env = {"NEWSBOT_INDEX_DIR": str(tmp_path / "index"), "NEWSBOT_DATABASE_URL": url}
    added = newsbot("feeds", "add", feed, "--every", "1h", env=env)
    assert added.returncode == 0, added.stderr
    # Another machine (another index directory) sees the same feeds.
    elsewhere = {**env, "NEWSBOT_INDEX_DIR": str(tmp_path / "elsewhere")}
    listed = newsbot("feeds", "list", env=elsewhere)
    assert listed.returncode == 0, listed.stderr
    assert feed in listed.stdout
    assert not (tmp_path / "index" / "feeds.sqlite").exists()
    removed = newsbot("feeds", "remove", feed, env=elsewhere)
    assert removed.returncode == 0, removed.stderr
    assert feed not in newsbot("feeds", "list", env=env).stdout
