"""Search and answer latency at 100k and 1M passages: FAISS exact vs HNSW, hybrid, answer().

Run ``python -m benchmarks.scale --passages 100000`` (one size per process, so that the peak
RSS in ``benchmarks/results/scale-<size>.json`` belongs to that size alone). Questions are
embedded as the product does (ONNX Runtime); ``--torch`` measures the torch peer instead
(``scale-<size>-torch.json``).

The index is a real generation written by ``retrieval.index.writer.write_generation``: the
whole BBC
corpus (real text, real vectors) plus synthetic filler passages up to the requested size. A
filler passage's text is five sentences drawn at random from BBC articles, under a random BBC
headline; its vector is synthetic: a random BBC chunk vector plus Gaussian noise, normalised
(cosine about 0.8 to its base), so vectors cluster like real ones. The BBC question set then
runs through ``Engine.answer`` against this index.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import json
import pstats
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from benchmarks import data_dir
from benchmarks.bbc import BBC_QUESTIONS, bbc_index
from benchmarks.news import load_questions
from benchmarks.results import (
    CACHE_DIR,
    RESULTS_DIR,
    summarize_ms,
    without_machine_paths,
    write_result,
)
from retrieval import Engine, load_embedder
from retrieval.chunking import Chunk, chunk_id
from retrieval.embedding.protocol import MODEL_ID, Embedder, Vectors
from retrieval.embedding.torch_backend import load_torch_embedder
from retrieval.index.dense import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M, VectorIndex
from retrieval.index.loader import load_index
from retrieval.index.writer import write_generation
from retrieval.query.search import hybrid_search
from retrieval.records import Article
from retrieval.text.sentences import split_sentences

FILLER_CHUNKS_PER_ARTICLE = 10
NOISE = 0.75  # per-dimension noise x sqrt(384) ~ 0.75 gives cosine ~0.8 to the base vector


def synthetic_corpus(
    bbc_dir: Path, passages: int, *, seed: int = 7
) -> tuple[list[Article], list[Chunk], Vectors]:
    """The BBC index's articles, chunks and vectors, plus filler up to ``passages`` chunks."""
    loaded = load_index(bbc_dir, checksums=False)
    articles = list(loaded.articles.values())
    table = loaded.chunks
    chunks = [
        Chunk(
            int(table.ids[row]),
            table.sources[row],
            int(table.ordinals[row]),
            int(table.starts[row]),
            int(table.ends[row]),
            loaded.articles[table.sources[row]].text[
                int(table.starts[row]) : int(table.ends[row])
            ],
        )
        for row in range(len(table))
    ]
    base = loaded.vectors.vectors(table.ids)
    rng = random.Random(seed)
    generator = np.random.default_rng(seed)
    sentences = [s for a in articles for s in _sentences(a.text)]
    headlines = [a.title for a in articles]
    filler_vectors = []
    needed = max(0, passages - len(chunks))
    number = 0
    while needed > 0:
        count = min(FILLER_CHUNKS_PER_ARTICLE, needed)
        source = f"synthetic/{number:07d}.txt"
        parts = [" ".join(rng.choices(sentences, k=5)) for _ in range(count)]
        text = "\n\n".join(parts)
        articles.append(Article(source, rng.choice(headlines), text, content_hash=source))
        offset = 0
        for ordinal, part in enumerate(parts):
            chunks.append(
                Chunk(
                    chunk_id(source, ordinal, part),
                    source,
                    ordinal,
                    offset,
                    offset + len(part),
                    part,
                )
            )
            offset += len(part) + 2
        picks = generator.integers(0, len(base), count)
        noisy = base[picks] + generator.normal(
            0, NOISE / np.sqrt(base.shape[1]), (count, base.shape[1])
        )
        filler_vectors.append(
            (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
        )
        needed -= count
        number += 1
    vectors = np.ascontiguousarray(np.vstack([base, *filler_vectors]), dtype=np.float32)
    return articles, chunks, vectors


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)] if text else []


def faiss_timings(
    ids: npt.NDArray[np.int64],
    vectors: Vectors,
    hnsw: VectorIndex,
    queries: Vectors,
    *,
    k: int = 100,
) -> dict[str, Any]:
    """Exact (``IndexFlatIP``) vs the product's HNSW index, as loaded, over ``ids``' vectors."""
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    exact_times, hnsw_times, recalls = [], [], []
    for query in queries:
        q = query.reshape(1, -1)
        t0 = time.perf_counter()
        _, exact_rows = exact.search(q, k)
        t1 = time.perf_counter()
        _, hnsw_ids = hnsw.search(q, k)
        t2 = time.perf_counter()
        exact_times.append(t1 - t0)
        hnsw_times.append(t2 - t1)
        expected = set(ids[exact_rows[0][:10]].tolist())
        recalls.append(len(expected & set(hnsw_ids[:10].tolist())) / 10)
    return {
        "k": k,
        "threads": faiss.omp_get_max_threads(),
        "hnsw": {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION, "efSearch": HNSW_EF_SEARCH},
        "exact_search": summarize_ms(exact_times),
        "hnsw_search": summarize_ms(hnsw_times),
        "hnsw_recall@10_vs_exact_synthetic": round(float(np.mean(recalls)), 4),
    }


def profile_answers(engine: Engine, questions: Sequence[str], *, top: int = 15) -> list[str]:
    """cProfile of ``Engine.answer`` over ``questions``: the top functions by cumulative time.

    File names are relative (to the repository, site-packages or the standard library), so
    that a result file names no folder of the machine that made it.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    for question in questions:
        engine.answer(question)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(top)
    text = without_machine_paths(stream.getvalue())
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return lines[start : start + top + 1]


def run(passages: int, *, rounds: int, embedder: Embedder, quick: bool) -> dict[str, Any]:
    """Build the index at ``passages``, then time search and answers."""
    bbc_dir, _ = bbc_index(embedder, quick=quick)
    started = time.perf_counter()
    articles, chunks, vectors = synthetic_corpus(bbc_dir, passages)
    corpus_seconds = time.perf_counter() - started
    ids = np.array([chunk.id for chunk in chunks], dtype=np.int64)
    questions = [q["question"] for q in load_questions(BBC_QUESTIONS)]
    query_vectors = embedder.embed_queries(questions)
    result: dict[str, Any] = {
        "passages": len(chunks),
        "articles": len(articles),
        "corpus_seconds": round(corpus_seconds, 1),
    }
    with tempfile.TemporaryDirectory(prefix="scale-index-") as folder:
        index_dir = Path(folder)
        t0 = time.perf_counter()
        manifest = write_generation(
            index_dir,
            articles,
            chunks,
            vectors,
            model_id=MODEL_ID,
            model_hash=embedder.model_hash,
            ann_threshold=0,  # HNSW at every size, as the product has from 50k passages
        )
        build_seconds = time.perf_counter() - t0
        del articles, chunks
        t0 = time.perf_counter()
        engine = Engine.open(index_dir, embedder=embedder)
        open_seconds = time.perf_counter() - t0
        files = manifest.files
        result["index"] = {
            "kind": manifest.vector_index,
            "build_seconds": round(build_seconds, 1),
            "open_seconds_with_checksums": round(open_seconds, 1),
            "bytes_on_disk": sum(int(f["bytes"]) for f in files.values()),
            "bytes_by_file": {name: int(f["bytes"]) for name, f in files.items()},
        }
        snapshot = engine.index
        result["faiss"] = faiss_timings(ids, vectors, snapshot.vectors, query_vectors)
        exact = dataclasses.replace(
            snapshot, vectors=VectorIndex.build(ids, vectors, ann_threshold=10**12)
        )
        del vectors
        hybrid: dict[str, list[float]] = {"hnsw": [], "exact": []}
        for question, vector in zip(questions, query_vectors, strict=True):
            for name, index in (("hnsw", snapshot), ("exact", exact)):
                t0 = time.perf_counter()
                hybrid_search(index, vector, question, k=50)
                hybrid[name].append(time.perf_counter() - t0)
        result["hybrid_search"] = {name: summarize_ms(times) for name, times in hybrid.items()}
        del exact
        engine.answer("warm up")
        first: list[float] = []
        repeat: list[float] = []
        for round_number in range(rounds):
            for question in questions:
                t0 = time.perf_counter()
                engine.answer(question)
                (first if round_number == 0 else repeat).append(time.perf_counter() - t0)
        result["answer"] = {"first_pass": summarize_ms(first), "repeat": summarize_ms(repeat)}
        result["answer_profile_cumulative"] = profile_answers(engine, questions)
        # A first pass again, on a fresh engine whose sentence-vector cache is empty (the
        # first engine is dropped first, so that a 1M index is not held twice).
        del engine, snapshot
        fresh = Engine.open(index_dir, embedder=embedder)
        fresh.answer("warm up")
        result["answer_profile_first_pass"] = profile_answers(fresh, questions)
    return result


def main(argv: Sequence[str] | None = None) -> Path:
    """Command-line entry point; returns the result file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, help="default: 100,000 (20,000 with --quick)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--quick", action="store_true", help="the quick BBC subset, 20,000 passages, one round"
    )
    parser.add_argument(
        "--torch",
        action="store_true",
        help="the peer: sentence-transformers/torch query embedding instead of the product's "
        "ONNX Runtime one",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    data_dir.exit_if_missing("benchmarks.scale", data_dir.BBC)
    started = time.perf_counter()
    passages = args.passages or (20_000 if args.quick else 100_000)
    payload = run(
        passages,
        rounds=1 if args.quick else args.rounds,
        embedder=load_torch_embedder() if args.torch else load_embedder(cache_dir=CACHE_DIR),
        quick=args.quick,
    )
    payload["query_embedder"] = "torch" if args.torch else "onnx"
    label = f"{passages // 1000}k" if passages < 1_000_000 else f"{passages // 1_000_000}m"
    path = write_result(
        f"scale-{label}{'-torch' if args.torch else ''}",
        payload,
        quick=args.quick,
        started=started,
        directory=args.results_dir,
    )
    print(json.dumps({k: payload[k] for k in ("faiss", "hybrid_search", "answer")}, indent=1))
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
