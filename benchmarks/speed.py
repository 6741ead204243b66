"""Speed and memory at the BBC corpus size, each figure beside a peer measured in the same run.

Run ``python -m benchmarks.speed`` (``--quick``: fewer rounds and a 120-article ingest).

- Query embedding p50/p95: torch (sentence-transformers) vs ONNX Runtime, same weights.
- ``Engine.answer()`` p50/p95 over the BBC index, torch and ONNX query embedding; peer: a
  naive pipeline (encode + ``faiss.IndexFlatIP``, no BM25, no answer composition).
- HNSW recall@10 against exact search on real embeddings (BBC chunks and SciFact abstracts).
- Peak RSS of a fresh process serving the BBC index, and the index size on disk.
- Ingest throughput vs plain ``SentenceTransformer.encode`` of the same passages, and a
  re-ingest of the unchanged corpus (``IngestReport.embedded`` must be 0).
- Lexical peers: bm25s (ours) vs rank_bm25 on the BBC passages.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from benchmarks import data_dir
from benchmarks.bbc import BBC, BBC_QUESTIONS, bbc_index
from benchmarks.news import SEED_QUESTIONS, load_questions
from benchmarks.results import (
    CACHE_DIR,
    RESULTS_DIR,
    ROOT,
    peak_rss_mib,
    summarize_ms,
    write_result,
)
from retrieval import Embedder, Engine
from retrieval.chunking import embedding_text, split_article
from retrieval.embedding.onnx_backend import OnnxEmbedder
from retrieval.embedding.onnx_export import load_onnx_embedder
from retrieval.embedding.torch_backend import SentenceTransformerEmbedder, load_torch_embedder
from retrieval.index.dense import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M
from retrieval.index.layout import current_generation
from retrieval.index.loader import load_index
from retrieval.index.sparse import LexicalIndex
from retrieval.ingest.load import load_articles
from retrieval.text.tokens import tokenize

ONNX_CACHE = CACHE_DIR / "onnx"


def questions() -> list[str]:
    """Every question of both hand-written sets (real user-like queries)."""
    return [
        q["question"] for path in (BBC_QUESTIONS, SEED_QUESTIONS) for q in load_questions(path)
    ]


def time_calls(
    backends: dict[str, Callable[[str], object]], texts: Sequence[str], *, rounds: int
) -> dict[str, dict[str, float]]:
    """Time each backend on every text, one backend at a time, in rotating order per round.

    Not interleaved call by call: torch's and FAISS's OpenMP workers and ONNX Runtime's pool
    keep spinning for a while after a call, so the next library's call would find both cores
    taken. Rotating whole blocks still spreads slow drifts in background load over all
    backends.
    """
    names = list(backends)
    times: dict[str, list[float]] = {name: [] for name in backends}
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            call = backends[name]
            for text in texts[:5]:
                call(text)  # warm-up: caches, thread pools, and the other library's spin ends
            for text in texts:
                started = time.perf_counter()
                call(text)
                times[name].append(time.perf_counter() - started)
    return {name: summarize_ms(values) for name, values in times.items()}


def query_embedding(
    torch_embedder: Embedder, onnx: dict[str, OnnxEmbedder], *, rounds: int
) -> dict[str, Any]:
    """Single-question embedding latency, torch vs ONNX (all threads and one thread)."""
    backends: dict[str, Callable[[str], object]] = {
        "torch": lambda t: torch_embedder.embed_queries([t])
    }
    for name, embedder in onnx.items():
        backends[name] = lambda t, e=embedder: e.embed_queries([t])  # type: ignore[misc]
    texts = questions()
    result: dict[str, Any] = time_calls(backends, texts, rounds=rounds)
    torch_p50 = result["torch"]["p50_ms"]
    result["speedup_p50_vs_torch"] = {
        name: round(torch_p50 / result[name]["p50_ms"], 2) for name in onnx
    }
    probe = texts[:40]
    cosines = {
        name: round(
            float(
                (e.embed_queries(probe) * torch_embedder.embed_queries(probe)).sum(axis=1).min()
            ),
            6,
        )
        for name, e in onnx.items()
    }
    result["min_cosine_vs_torch"] = cosines
    result["questions"] = len(texts)
    return result


def answer_latency(
    index_dir: Path, embedders: dict[str, Embedder], *, rounds: int
) -> dict[str, Any]:
    """``Engine.answer`` over the BBC index per embedder; peer: encode + IndexFlatIP only."""
    texts = [q["question"] for q in load_questions(BBC_QUESTIONS)]
    result: dict[str, Any] = {"questions": len(texts), "rounds": rounds}
    vectors = None
    for name, embedder in embedders.items():
        engine = Engine.open(index_dir, embedder=embedder)
        engine.answer("warm up")
        first: list[float] = []
        repeat: list[float] = []
        for round_number in range(rounds):
            for text in texts:
                started = time.perf_counter()
                engine.answer(text)
                (first if round_number == 0 else repeat).append(time.perf_counter() - started)
        result[f"engine_{name}"] = {
            "first_pass": summarize_ms(first),
            "repeat": summarize_ms(repeat),
        }
        if vectors is None:
            snapshot = engine.index
            result["passages"] = len(snapshot.chunks)
            vectors = snapshot.vectors.vectors(snapshot.chunks.ids)
    assert vectors is not None
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    torch_embedder = embedders["torch"]

    def naive(text: str) -> object:
        return flat.search(torch_embedder.embed_queries([text]), 5)

    result["naive_encode_flatip"] = time_calls({"naive": naive}, texts, rounds=rounds)["naive"]
    return result


def hnsw_recall(index_dir: Path, embedder: Embedder) -> dict[str, Any]:
    """Recall@10 of the product's HNSW settings against exact search, on real embeddings."""
    loaded = load_index(index_dir, checksums=False)
    base = [loaded.vectors.vectors(loaded.chunks.ids)]
    # The largest cached SciFact corpus is the whole one (quick runs cache subsets).
    scifact = sorted(CACHE_DIR.glob("scifact-corpus-st-*.npy"), key=lambda p: p.stat().st_size)
    if scifact:
        base.append(np.load(scifact[-1]))
    vectors = np.ascontiguousarray(np.vstack(base), dtype=np.float32)
    headlines = [a.title for a in loaded.articles.values()]
    query_vectors = np.vstack(
        [embedder.embed_passages(headlines, batch_size=64), embedder.embed_queries(questions())]
    )
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw.add(vectors)
    _, truth = exact.search(query_vectors, 10)
    out: dict[str, Any] = {
        "base_vectors": len(vectors),
        "base": "BBC chunk vectors of the index" + (" + SciFact abstracts" if scifact else ""),
        "queries": len(query_vectors),
        "query_source": "BBC headlines + both question sets",
        "M": HNSW_M,
        "efConstruction": HNSW_EF_CONSTRUCTION,
    }
    for ef in (32, 64, HNSW_EF_SEARCH, 256):
        hnsw.hnsw.efSearch = ef
        _, found = hnsw.search(query_vectors, 10)
        recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
        out[f"recall@10_efSearch_{ef}"] = round(float(recall), 4)
    return out


def memory_and_disk(index_dir: Path) -> dict[str, Any]:
    """Peak RSS of fresh processes that serve the index (torch and ONNX), and its size on disk."""
    generation = current_generation(index_dir)
    files = {
        p.relative_to(generation).as_posix(): p.stat().st_size
        for p in generation.rglob("*")
        if p.is_file()
    }
    out: dict[str, Any] = {
        "index_bytes_on_disk": sum(files.values()),
        "index_files": files,
        "embedding_cache_bytes": sum(
            p.stat().st_size for p in (index_dir / "cache").glob("embeddings.sqlite*")
        ),
    }
    for backend in ("torch", "onnx"):
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.speed",
                "--child-serve",
                str(index_dir),
                "--backend",
                backend,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        out[f"serve_peak_rss_mib_{backend}"] = json.loads(
            completed.stdout.strip().splitlines()[-1]
        )["peak_rss_mib"]
    return out


def child_serve(index_dir: Path, backend: str) -> None:
    """In a fresh process: load the model and the index, answer questions, print peak RSS."""
    embedder: Embedder = (
        load_onnx_embedder(ONNX_CACHE) if backend == "onnx" else load_torch_embedder()
    )
    with tempfile.TemporaryDirectory(prefix="serve-") as folder:
        copy = Path(folder) / "index"
        shutil.copytree(index_dir, copy)
        engine = Engine.open(copy, embedder=embedder)
        for question in questions():
            engine.answer(question)
    print(json.dumps({"peak_rss_mib": peak_rss_mib()}))


def ingest_throughput(embedder: Embedder, *, articles: int | None) -> dict[str, Any]:
    """Cold ingest passages/s vs plain encode of the same passages; then an unchanged re-ingest."""
    with tempfile.TemporaryDirectory(prefix="ingest-") as folder:
        corpus = Path(folder) / "bbc"
        files = sorted(p for p in BBC.rglob("*.txt") if p.parent != BBC)
        if articles is not None:
            files = files[:: max(1, len(files) // articles)][:articles]
        for path in files:
            target = corpus / path.relative_to(BBC)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        loaded = load_articles([corpus]).articles
        texts = [embedding_text(a.title, c.text) for a in loaded for c in split_article(a)]
        assert isinstance(embedder, SentenceTransformerEmbedder)
        model = embedder._model  # the plain peer: the same SentenceTransformer, called directly
        started = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        plain_seconds = time.perf_counter() - started
        engine = Engine(Path(folder) / "index", embedder=embedder)
        cold = engine.ingest([corpus])
        again = engine.ingest([corpus])
    plain_rate = len(texts) / plain_seconds
    ingest_rate = cold.embedded / cold.seconds
    return {
        "articles": len(loaded),
        "passages": len(texts),
        "plain_encode_passages_per_s": round(plain_rate, 2),
        "ingest_passages_per_s": round(ingest_rate, 2),
        "ingest_vs_plain": round(ingest_rate / plain_rate, 3),
        "ingest_seconds": round(cold.seconds, 1),
        "plain_encode_seconds": round(plain_seconds, 1),
        "ingest_embedded": cold.embedded,
        "reingest_embedded": again.embedded,
        "reingest_seconds": round(again.seconds, 2),
        "reingest_generation": again.generation,
    }


def lexical_peers(index_dir: Path, *, rounds: int) -> dict[str, Any]:
    """bm25s (as ``LexicalIndex``) vs rank_bm25's BM25Okapi over the BBC passages."""
    from rank_bm25 import BM25Okapi  # noqa: PLC0415 - a dev-only peer

    loaded = load_index(index_dir, checksums=False)
    texts = [
        embedding_text(loaded.articles[loaded.chunks.sources[row]].title, loaded.chunk_text(row))
        for row in range(len(loaded.chunks))
    ]
    started = time.perf_counter()
    ours = LexicalIndex.build(texts)
    ours_build = time.perf_counter() - started
    started = time.perf_counter()
    peer = BM25Okapi([tokenize(t) or [""] for t in texts], k1=1.2, b=0.75)
    peer_build = time.perf_counter() - started
    texts_q = [q["question"] for q in load_questions(BBC_QUESTIONS)]
    timings = time_calls(
        {"bm25s": ours.scores, "rank_bm25": lambda q: peer.get_scores(tokenize(q))},
        texts_q,
        rounds=rounds,
    )
    agreement = []
    for question in texts_q:
        a = np.argsort(-ours.scores(question))[:10]
        b = np.argsort(-np.asarray(peer.get_scores(tokenize(question))))[:10]
        agreement.append(len(set(a) & set(b)) / 10)
    return {
        "passages": len(texts),
        "build_seconds": {"bm25s": round(ours_build, 2), "rank_bm25": round(peer_build, 2)},
        "query": timings,
        "top10_overlap": round(float(np.mean(agreement)), 3),
        "note": "rank_bm25 BM25Okapi uses a different IDF floor than bm25s' Lucene variant",
    }


def _carry_over(payload: dict[str, Any], previous: Path) -> None:
    """Keep the sections a partial rerun skipped from the previous result, saying so."""
    if not previous.is_file():
        return
    old = json.loads(previous.read_text(encoding="utf-8"))
    carried = dict(old.get("sections_from_earlier_runs", {}))
    for key, value in old.items():
        if key in SECTIONS and key not in payload:
            payload[key] = value
            carried.setdefault(key, {"date": old.get("date"), "command": old.get("command")})
    payload["sections_from_earlier_runs"] = carried


SECTIONS = ("answer_latency", "hnsw_recall_real", "lexical_peers", "memory_and_disk", "ingest")


def main(argv: Sequence[str] | None = None) -> Path | None:
    """Command-line entry point; returns the result file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--ingest-articles", type=int, default=None, help="default: all")
    parser.add_argument("--skip", nargs="*", default=[], help="sections to skip")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--child-serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="torch", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_serve:
        child_serve(args.child_serve, args.backend)
        return None
    data_dir.exit_if_missing("benchmarks.speed", data_dir.BBC)
    started = time.perf_counter()
    rounds = 1 if args.quick else 3
    torch_embedder = load_torch_embedder()
    onnx = {
        "onnx": load_onnx_embedder(ONNX_CACHE),
        "onnx_1thread": load_onnx_embedder(ONNX_CACHE, intra_op_num_threads=1),
    }
    payload: dict[str, Any] = {}
    payload["query_embedding"] = query_embedding(torch_embedder, onnx, rounds=rounds)
    index_dir, how = bbc_index(torch_embedder, quick=args.quick)
    payload["bbc_index"] = how
    if "answer" not in args.skip:
        payload["answer_latency"] = answer_latency(
            index_dir, {"torch": torch_embedder, "onnx": onnx["onnx"]}, rounds=max(2, rounds)
        )
    if "hnsw" not in args.skip:
        payload["hnsw_recall_real"] = hnsw_recall(index_dir, torch_embedder)
    if "lexical" not in args.skip:
        payload["lexical_peers"] = lexical_peers(index_dir, rounds=rounds)
    if "memory" not in args.skip:
        payload["memory_and_disk"] = memory_and_disk(index_dir)
    if "ingest" not in args.skip:
        count = 120 if args.quick and args.ingest_articles is None else args.ingest_articles
        payload["ingest"] = ingest_throughput(torch_embedder, articles=count)
    if args.skip:
        _carry_over(
            payload, args.results_dir / ("speed-quick.json" if args.quick else "speed.json")
        )
    path = write_result(
        "speed", payload, quick=args.quick, started=started, directory=args.results_dir
    )
    print(json.dumps(payload.get("query_embedding"), indent=1))
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
