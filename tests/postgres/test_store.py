"""Writes to PostgreSQL: transactional batches, nothing embedded twice, one copy of each."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest

from retrieval import Article, Embedder, PostgresEngine
from tests.support.paths import SEEDS


def _engine(url: str, embedder: Embedder, **options: Any) -> PostgresEngine:
    return PostgresEngine(Path("unused"), database_url=url, embedder=embedder, **options)


def _counts(url: str) -> tuple[int, int, int, int, int]:
    """Articles, passages, the corpus row's passages and length, and the summed lengths."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM passages),"
            " passages, total_length, (SELECT coalesce(sum(length), 0) FROM passages)"
            " FROM corpus"
        ).fetchone()
    assert row is not None
    return tuple(int(v) for v in row)  # type: ignore[return-value]


def _consistent(url: str) -> None:
    """Every statistic the BM25 scores use agrees with the rows."""
    _, passages, counted, total, summed = _counts(url)
    assert (counted, total) == (passages, summed)
    with psycopg.connect(url) as conn:
        wrong = conn.execute(
            "SELECT count(*) FROM (SELECT term, count(*) AS n FROM postings GROUP BY term) p"
            " FULL JOIN terms t USING (term) WHERE p.n IS DISTINCT FROM t.df"
        ).fetchone()
        orphans = conn.execute(
            "SELECT count(*) FROM postings WHERE passage_id NOT IN (SELECT id FROM passages)"
        ).fetchone()
    assert wrong == (0,)
    assert orphans == (0,)


def test_reingesting_unchanged_files_embeds_nothing_and_writes_nothing(
    database_url: str, embedder: Embedder, tmp_path: Path
) -> None:
    corpus = tmp_path / "articles"
    shutil.copytree(SEEDS, corpus)
    engine = _engine(database_url, embedder)
    try:
        first = engine.ingest([corpus])
        assert len(first.added) == 5
        assert first.embedded == first.passages > 0
        again = engine.ingest([corpus])
        assert (again.embedded, again.sentences_embedded, again.generation) == (0, 0, "")
        assert len(again.unchanged) == 5
        changed = sorted(corpus.iterdir())[0]
        changed.write_text(changed.read_text() + "\n\nA new closing sentence about the summit.\n")
        third = engine.ingest([corpus])
        assert third.replaced == (changed.name,)
        assert 0 < third.embedded < first.embedded
        sorted(corpus.iterdir())[1].unlink()
        fourth = engine.ingest([corpus])
        assert len(fourth.removed) == 1
        assert engine.stats().articles == 4
        _consistent(database_url)
        report = engine.remove(changed.name)
        assert report.removed == (changed.name,)
        assert engine.stats().articles == 3
        _consistent(database_url)
    finally:
        engine.close()


def test_two_writers_at_once_index_each_article_once(
    database_url: str, embedder: Embedder
) -> None:
    articles = [
        Article(
            source=f"https://news.example.com/story-{n}",
            title=f"Story {n} about the harbour",
            text=f"The harbour authority said on Monday that berth {n} reopens next week. "
            "Ships waiting outside the port will be cleared in order of arrival.",
            url=f"https://news.example.com/story-{n}",
            content_hash=f"hash-{n}",
        )
        for n in range(6)
    ]
    engines = [_engine(database_url, embedder) for _ in range(2)]
    errors: list[BaseException] = []

    def add(engine: PostgresEngine) -> None:
        try:
            engine.add_articles(articles)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    try:
        assert errors == []
        assert engines[0].stats().articles == 6
        assert sorted(engines[1].indexed_articles()) == sorted(a.source for a in articles)
        _consistent(database_url)
    finally:
        for engine in engines:
            engine.close()


def test_a_reader_never_sees_half_a_batch(database_url: str, embedder: Embedder) -> None:
    engine = _engine(database_url, embedder)
    engine.ingest([SEEDS])
    seen: list[tuple[int, int]] = []
    stop = threading.Event()

    def watch() -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            while not stop.is_set():
                row = conn.execute(
                    "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM passages)"
                ).fetchone()
                assert row is not None
                seen.append((int(row[0]), int(row[1])))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            engine.remove(str(SEEDS))
            engine.ingest([SEEDS])
    finally:
        stop.set()
        watcher.join(30)
        engine.close()
    full = _counts(database_url)[:2]
    assert set(seen) <= {full, (0, 0)}, set(seen)


def test_an_index_built_with_other_model_weights_is_refused(
    database_url: str, embedder: Embedder
) -> None:
    from retrieval import IndexMismatchError  # noqa: PLC0415

    engine = _engine(database_url, embedder)
    engine.ingest([SEEDS])
    engine.close()
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE corpus SET model_hash = 'other'")
    with pytest.raises(IndexMismatchError, match="other model"):
        PostgresEngine.open(Path("unused"), database_url=database_url, embedder=embedder)


def test_the_schema_is_created_once_and_versioned(database_url: str, embedder: Embedder) -> None:
    from retrieval.backends.postgres.schema import MIGRATIONS  # noqa: PLC0415

    for _ in range(2):
        _engine(database_url, embedder).close()
    with psycopg.connect(database_url) as conn:
        versions = conn.execute("SELECT version FROM newsbot_schema").fetchall()
        index = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'passages_embedding'"
        ).fetchone()
    assert versions == [(n,) for n in range(1, len(MIGRATIONS) + 1)]
    assert index is not None
    assert "hnsw" in index[0]
    assert "vector_cosine_ops" in index[0]


def test_questions_share_the_vocabulary_until_the_data_changes(
    database_url: str, embedder: Embedder, tmp_path: Path
) -> None:
    # Spelling correction builds its lookup structures once per vocabulary object (seconds at
    # the BBC size): a new object for every question made each answer take that long.
    corpus = tmp_path / "articles"
    shutil.copytree(SEEDS, corpus)
    writer = _engine(database_url, embedder)
    reader = _engine(database_url, embedder)
    try:
        writer.ingest([corpus])
        reader.reload()
        with reader._reading() as first, reader._reading() as second:
            assert first.vocabulary is second.vocabulary
            assert first.vocabulary["putin"] > 0
        (corpus / "extra.txt").write_text(
            "Zanzibarian Ferries\n\nThe Zanzibarian ferry company bought four new boats for"
            " its island routes this spring, its director said on Tuesday."
        )
        writer.ingest([corpus])
        reader.refresh()
        with reader._reading() as third:
            assert third.vocabulary is not first.vocabulary
            assert third.vocabulary["zanzibarian"] > 0
        assert reader.answer("What did the Zanzibarian ferry company buy?").answered
    finally:
        writer.close()
        reader.close()
