"""Faults: the database restarts under questions and under writes; a writer is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from retrieval import Answer, Article, DatabaseUnavailableError, Embedder, PostgresEngine
from tests.postgres.test_store import _consistent, _counts
from tests.support.paths import ROOT, SEEDS
from tests.support.postgres import PostgresServer

QUESTION = "Who put Putin's ring on his finger?"


def _articles(count: int, tag: str) -> list[Article]:
    return [
        Article(
            source=f"https://news.example.com/{tag}-{n}",
            title=f"Harbour berth {n} reopens ({tag})",
            text=f"The harbour authority said berth {n} reopens next week after repairs. "
            f"Ships waiting outside the port will be cleared in order of arrival, it said. "
            f"Dock workers from shift {n} welcomed the news on {tag}.",
            url=f"https://news.example.com/{tag}-{n}",
            content_hash=f"{tag}-{n}",
        )
        for n in range(count)
    ]


def _cached(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM embedding_cache").fetchone()
    return int(row[0]) if row else 0


def test_questions_ride_out_a_database_restart(
    pg_server: PostgresServer, pg_seed_engine: PostgresEngine
) -> None:
    expected = pg_seed_engine.answer(QUESTION).to_dict()
    outcomes: list[Answer | Exception] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                outcomes.append(pg_seed_engine.answer(QUESTION))
            except DatabaseUnavailableError as exc:
                outcomes.append(exc)

    asker = threading.Thread(target=ask)
    asker.start()
    try:
        time.sleep(0.5)
        pg_server.restart()
        time.sleep(1.0)
    finally:
        stop.set()
        asker.join(60)
    answers = [o for o in outcomes if isinstance(o, Answer)]
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert answers
    assert all(a.to_dict() == expected for a in answers)
    assert all("Cannot reach the PostgreSQL database" in str(e) for e in errors)
    assert pg_seed_engine.answer(QUESTION).to_dict() == expected  # afterwards, as before


def test_a_restart_during_a_write_leaves_the_last_committed_state(
    pg_server: PostgresServer, database_url: str, embedder: Embedder
) -> None:
    engine = PostgresEngine(Path("unused"), database_url=database_url, embedder=embedder)
    engine.ingest([SEEDS])
    before = _counts(database_url)
    with psycopg.connect(database_url) as conn:  # each article row takes a while to write
        conn.execute(
            "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN PERFORM pg_sleep(0.1); RETURN NEW; END $$;"
            "CREATE TRIGGER slow BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION slow()"
        )
    failures: list[BaseException] = []

    def add() -> None:
        try:
            engine.add_articles(_articles(30, "restart"))
        except BaseException as exc:
            failures.append(exc)

    writer = threading.Thread(target=add)
    writer.start()
    deadline = time.monotonic() + 60
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
            ).fetchone()
            if row and row[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the write never started")
    pg_server.restart()
    writer.join(60)
    try:
        assert len(failures) == 1
        assert isinstance(failures[0], DatabaseUnavailableError), failures
        assert _counts(database_url) == before
        _consistent(database_url)
        with psycopg.connect(database_url) as conn:
            conn.execute("DROP TRIGGER slow ON articles")
        report = engine.add_articles(_articles(30, "restart"))
        assert len(report.added) == 30
        assert report.embedded == 0  # the vectors were committed to the cache before
        _consistent(database_url)
    finally:
        engine.close()


def test_a_killed_ingest_leaves_the_last_committed_state(
    database_url: str, embedder: Embedder, tmp_path: Path
) -> None:
    engine = PostgresEngine(Path("unused"), database_url=database_url, embedder=embedder)
    engine.ingest([SEEDS])
    before = _counts(database_url)
    cached = _cached(database_url)
    corpus = tmp_path / "more"
    corpus.mkdir()
    for article in _articles(40, "killed"):
        name = article.source.rsplit("/", 1)[1]
        (corpus / f"{name}.txt").write_text(f"{article.title}\n\n{article.text}\n" * 3)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env.update(
        NEWSBOT_DATABASE_URL=database_url,
        NEWSBOT_INDEX_DIR=str(tmp_path / "index"),
        HF_HUB_OFFLINE="1",
        PYTHONPATH=str(ROOT),
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "ingest", "--quiet", str(corpus)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            if _cached(database_url) > cached and _counts(database_url) == before:
                break  # passages embedded; sentences still embedding: nothing written yet
            time.sleep(0.05)
        assert child.poll() is None, "the ingest finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(30)
    assert _counts(database_url) == before
    _consistent(database_url)
    report = engine.ingest([corpus])
    assert len(report.added) == 40
    assert report.embedded == 0
    engine.close()
