"""News retrieval: BBC headline -> article, and the hand-written question sets via the Engine.

Run ``python -m benchmarks.news`` (``--quick``: a quarter of the BBC corpus for the headline
task, and an index of the quick BBC subset for the question set).

Headline task: each of the 2,225 BBC headlines is a query; the index holds the article bodies
with the headline removed, chunked by the product's ``split_article``; an article's rank is
its best chunk's rank. Articles that share a headline (the corpus has duplicate stories) all
count as relevant.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import data_dir
from benchmarks.bbc import BBC_QUESTIONS, bbc_index, load_bbc
from benchmarks.fusion import Ranking, convex_rankings, rrf_rankings, single_rankings
from benchmarks.metrics import mean_metrics
from benchmarks.results import RESULTS_DIR, ROOT, summarize_ms, write_result
from benchmarks.vector_cache import cached_vectors
from retrieval import Answer, Embedder, Engine, load_embedder
from retrieval.chunking import split_article
from retrieval.index.sparse import LexicalIndex
from retrieval.query.search import CANDIDATES, DENSE_WEIGHT

SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
SEEDS = ROOT / "seeds"
DEPTH_CHUNKS = 200
WEIGHTS = (0.0, 0.3, 0.5, 0.6, 0.65, 0.7, 0.8, 0.9, 1.0)


# -- headline -> article -----------------------------------------------------------------------


def headline_benchmark(embedder: Embedder, *, quick: bool) -> dict[str, Any]:
    """MRR@10, Recall@10 and nDCG@10 of BM25, dense, RRF and the product's fusion."""
    articles = load_bbc()
    if quick:
        articles = articles[::4]
    chunks = [c for a in articles for c in split_article(a)]
    texts = [c.text for c in chunks]
    chunk_article = np.array(
        [i for i, a in enumerate(articles) for _ in split_article(a)], dtype=np.int64
    )
    vectors = cached_vectors(
        "bbc-body-chunks",
        texts,
        lambda t: embedder.embed_passages(t, batch_size=32, progress=not quick),
        model_hash=embedder.model_hash,
    )
    headlines = [a.title for a in articles]
    query_vectors = cached_vectors(
        "bbc-headlines",
        headlines,
        lambda t: embedder.embed_passages(t, batch_size=64),
        model_hash=embedder.model_hash,
    )
    lexical = LexicalIndex.build(texts)
    bm25 = np.stack([lexical.scores(h) for h in headlines])
    cosine = query_vectors @ vectors.T

    groups: dict[str, list[str]] = {}
    for article in articles:
        groups.setdefault(_normal(article.title), []).append(article.source)
    qrels = {a.source: dict.fromkeys(groups[_normal(a.title)], 1) for a in articles}
    sources = [a.source for a in articles]

    def score(rankings: Sequence[Ranking]) -> dict[str, float]:
        run = {
            query: _articles_of(ranking, chunk_article, sources)
            for query, ranking in zip(sources, rankings, strict=True)
        }
        return mean_metrics(qrels, run, ndcg=10, recall=10)

    dense = single_rankings(cosine, DEPTH_CHUNKS)
    lexical_rank = single_rankings(bm25, DEPTH_CHUNKS, positive=True)
    methods = {
        "bm25": score(lexical_rank),
        "dense": score(dense),
        "rrf_k60": score(rrf_rankings(dense, lexical_rank, k=DEPTH_CHUNKS)),
        "convex_shipped": score(
            convex_rankings(
                cosine, bm25, dense_weight=DENSE_WEIGHT, candidates=CANDIDATES, k=DEPTH_CHUNKS
            )
        ),
    }
    curve = [
        {
            "dense_weight": w,
            **score(
                convex_rankings(
                    cosine, bm25, dense_weight=w, candidates=CANDIDATES, k=DEPTH_CHUNKS
                )
            ),
        }
        for w in WEIGHTS
    ]
    return {
        "articles": len(articles),
        "chunks": len(chunks),
        "duplicate_headline_groups": sum(1 for g in groups.values() if len(g) > 1),
        "settings": {"dense_weight": DENSE_WEIGHT, "candidates": CANDIDATES, "k1": 1.2, "b": 0.75},
        "methods": methods,
        "weight_curve": curve,
    }


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _articles_of(
    ranking: Ranking, chunk_article: np.ndarray[Any, Any], sources: list[str]
) -> list[str]:
    seen: dict[str, None] = {}
    for row in ranking:
        seen.setdefault(sources[int(chunk_article[row])])
        if len(seen) == 10:
            break
    return list(seen)


# -- question sets through the Engine ----------------------------------------------------------


def load_questions(path: Path) -> list[dict[str, Any]]:
    """One JSON object per non-empty line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _collapse(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def question_set(engine: Engine, questions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """hit@1/hit@3 by article, phrase-in-excerpt rate and refusal precision/recall."""
    engine.answer("warm up the model and caches")
    rows = []
    latencies = []
    for item in questions:
        started = time.perf_counter()
        answer = engine.answer(item["question"])
        latencies.append(time.perf_counter() - started)
        rows.append(_judge(item, answer))
    on_topic = [r for r in rows if r["answerable"]]
    off_topic = [r for r in rows if not r["answerable"]]
    refused = [r for r in rows if not r["answered"]]
    refused_off = [r for r in refused if not r["answerable"]]

    def rate(values: Sequence[bool]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "questions": len(rows),
        "answerable": len(on_topic),
        "off_topic": len(off_topic),
        "hit@1": rate([r["hit1"] for r in on_topic]),
        "hit@3": rate([r["hit3"] for r in on_topic]),
        "phrase_in_excerpt": rate([r["phrase"] for r in on_topic]),
        "answered_on_topic": rate([r["answered"] for r in on_topic]),
        "refusal_precision": round(len(refused_off) / len(refused), 4) if refused else 1.0,
        "refusal_recall": rate([not r["answered"] for r in off_topic]),
        "answer_latency": summarize_ms(latencies),
        "failures": [
            r
            for r in rows
            if (r["answerable"] and not (r["hit1"] and r["phrase"]))
            or (not r["answerable"] and r["answered"])
        ],
    }


def _judge(item: dict[str, Any], answer: Answer) -> dict[str, Any]:
    answerable = item.get("answerable", True) is not False
    row: dict[str, Any] = {
        "question": item["question"],
        "answerable": answerable,
        "answered": answer.answered,
        "cited": [c.source for c in answer.citations][:3],
    }
    if not answerable:
        return row
    good = {item["source"], *(item.get("also_ok") or [])}
    phrase = _collapse(item["must_contain"])
    cited = [c.source for c in answer.citations] if answer.answered else []
    row.update(
        expected=item["source"],
        hit1=bool(cited) and cited[0] in good,
        hit3=any(s in good for s in cited[:3]),
        phrase=any(phrase in _collapse(c.excerpt) for c in answer.citations if c.source in good),
    )
    return row


def seed_questions(embedder: Embedder) -> dict[str, Any]:
    """The seed question set over an index of ``seeds/`` built in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="seed-index-") as folder:
        engine = Engine(Path(folder), embedder=embedder)
        engine.ingest([SEEDS])
        return question_set(engine, load_questions(SEED_QUESTIONS))


def bbc_questions(embedder: Embedder, *, quick: bool) -> dict[str, Any]:
    """The BBC question set over the whole-corpus index (``quick``: over the quick subset)."""
    index_dir, how = bbc_index(embedder, quick=quick)
    with tempfile.TemporaryDirectory(prefix="bbc-index-") as folder:
        # A private copy: the engine never writes to the cached index.
        copy = Path(folder) / "index"
        shutil.copytree(index_dir, copy)
        engine = Engine.open(copy, embedder=embedder)
        result = question_set(engine, load_questions(BBC_QUESTIONS))
        result["index"] = {"how": how, "passages": len(engine.index.chunks)}
        return result


def main(argv: Sequence[str] | None = None) -> Path:
    """Command-line entry point; returns the result file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-bbc-questions", action="store_true")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    data_dir.exit_if_missing("benchmarks.news", data_dir.BBC)
    started = time.perf_counter()
    embedder = load_embedder()
    payload: dict[str, Any] = {
        "headlines": headline_benchmark(embedder, quick=args.quick),
        "seed_questions": seed_questions(embedder),
    }
    if not args.skip_bbc_questions:
        payload["bbc_questions"] = bbc_questions(embedder, quick=args.quick)
    path = write_result(
        "news", payload, quick=args.quick, started=started, directory=args.results_dir
    )
    print(json.dumps(payload["headlines"]["methods"], indent=1))
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
