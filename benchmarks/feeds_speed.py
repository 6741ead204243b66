"""Feed refresh speed: 50 feeds x 20 new stories from loopback sites, then nothing new.

Run ``python -m benchmarks.feeds_speed`` (``--quick``: 10 feeds x 10 stories). Each feed is its
own loopback news site (tests/support/news_site.py), so the per-host politeness limits apply
as they would to 50 outlets; stories are synthetic, unique text (nothing is cached), half the
feeds carry summaries only (every story's page is fetched and read) and half full text (the
pages are read too, for their canonical URL). Measured in one process, through
``Follower.refresh``:

- the cold refresh: wall time, time inside the embedder, and throughput against a plain
  ``SentenceTransformer.encode`` of exactly the texts the product embedded (passages with
  their titles, and the sentences it scores key sentences with), on the same device, by wall
  time and by this process's CPU time (which other work on a shared machine hardly moves);
- a second refresh once every feed is due again, with nothing new: wall time, requests sent
  (all conditional), passages embedded;
- a no-change refresh through the CLI (``newsbot refresh --all``: process start, and the
  check that every story seen is still indexed, included).

Writes ``benchmarks/results/feeds_speed.json``. NEWSBOT_DEVICE picks the embedding device.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.results import write_result
from retrieval import Engine, Follower
from retrieval.chunking import embedding_text, split_article
from retrieval.embedding.protocol import Vectors
from retrieval.embedding.torch_backend import SentenceTransformerEmbedder, load_torch_embedder
from retrieval.index.loader import load_index
from retrieval.web.fetch_models import FetchPolicy
from tests.cli.runner import newsbot_in_loop
from tests.support.news_site import NewsSite, Story

_WORDS = (
    "harbour",
    "council",
    "budget",
    "river",
    "festival",
    "railway",
    "school",
    "farmers",
    "drought",
    "minister",
    "court",
    "election",
    "bridge",
    "hospital",
    "museum",
    "vaccine",
    "storm",
    "market",
    "tariff",
    "pipeline",
    "airport",
    "union",
    "strike",
    "glacier",
    "orchard",
    "copper",
    "satellite",
    "lighthouse",
    "vineyard",
    "ferry",
    "library",
    "stadium",
    "reservoir",
)


class Clock:
    """The follower's clock, moved forward by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class TimedEmbedder:
    """An embedder that adds up the seconds spent embedding passages (and sentences)."""

    def __init__(self, inner: SentenceTransformerEmbedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.model_hash = inner.model_hash
        self.dimension = inner.dimension
        self.seconds = 0.0
        self.texts = 0

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.embed_queries(texts)

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> Vectors:
        began = time.perf_counter()
        try:
            return self.inner.embed_passages(texts, batch_size=batch_size, progress=progress)
        finally:
            self.seconds += time.perf_counter() - began
            self.texts += len(texts)


def stories(feed: int, count: int) -> list[Story]:
    """``count`` unique stories of about 140 words for feed number ``feed``."""
    rng = random.Random(feed)
    made = []
    for number in range(count):
        paragraphs = []
        for p in range(3):
            sentences = [
                f"In report {feed}-{number} the {' '.join(rng.choices(_WORDS, k=9))} grew "
                f"by {rng.randint(2, 999)} units in part {p}."
                for _ in range(3)
            ]
            paragraphs.append(" ".join(sentences))
        made.append(
            Story(
                slug=f"story-{number}",
                title=f"Outlet {feed} report {number}: the {rng.choice(_WORDS)} question",
                published=datetime(2024, 5, 1, tzinfo=UTC) + timedelta(hours=number),
                summary=paragraphs[0][:120],
                paragraphs=tuple(paragraphs),
            )
        )
    return made


async def run(feeds: int, items: int, device: str) -> dict[str, Any]:
    """Serve the sites, refresh twice, and measure."""
    sites = [NewsSite(stories(n, items), robots_txt=None) for n in range(feeds)]
    for site in sites:
        await site.start()
    try:
        with tempfile.TemporaryDirectory(prefix="feeds-speed-") as folder:
            index_dir = Path(folder) / "index"
            inner = load_torch_embedder(device=device)
            embedder = TimedEmbedder(inner)
            engine = Engine(index_dir, embedder=embedder)
            clock = Clock()
            follower = Follower(engine, allow_private=True, policy=FetchPolicy(), clock=clock)
            for number, site in enumerate(sites):
                path = "/feeds/rss-full.xml" if number % 2 else "/feeds/rss.xml"
                follower.follow(site.url(path), every=timedelta(minutes=30))
            inner.embed_passages(["warm up the model"])
            began, began_cpu = time.perf_counter(), time.process_time()
            cold = await follower.refresh()
            cold_seconds = time.perf_counter() - began
            cold_cpu = time.process_time() - began_cpu
            embed_seconds, embedded_texts = embedder.seconds, embedder.texts
            plain = plain_encode(inner, index_dir)

            for site in sites:
                site.clear_log()
            clock.advance(timedelta(minutes=31))  # every feed is due again, as for cron
            began = time.perf_counter()
            quiet = await follower.refresh()
            quiet_seconds = time.perf_counter() - began
            requests = [r for site in sites for r in site.requests]
            follower.close()
            cli_seconds = await cli_refresh(index_dir)
    finally:
        for site in sites:
            await site.stop()
    throughput = embedded_texts / cold_seconds
    return {
        "device": inner.device if hasattr(inner, "device") else device,
        "feeds": feeds,
        "items_per_feed": items,
        "articles_added": len(cold.ingest.added),
        "failed_feeds": sum(1 for r in cold.feeds if r.error),
        "cold": {
            "seconds": round(cold_seconds, 2),
            "passages": cold.ingest.passages,
            "passages_embedded": cold.ingest.embedded,
            "sentences_embedded": cold.ingest.sentences_embedded,
            "texts_embedded": embedded_texts,
            "embedding_seconds": round(embed_seconds, 2),
            "embedding_share": round(embed_seconds / cold_seconds, 3),
            "texts_per_s": round(throughput, 1),
            "cpu_seconds": round(cold_cpu, 1),
            "texts_per_cpu_s": round(embedded_texts / cold_cpu, 2),
        },
        "plain_encode": plain,
        "refresh_vs_plain": round(throughput / plain["texts_per_s"], 3),
        "refresh_vs_plain_cpu": round(embedded_texts / cold_cpu / plain["texts_per_cpu_s"], 3),
        "no_change": {
            "seconds": round(quiet_seconds, 3),
            "requests": len(requests),
            "unconditional_requests": sum(1 for r in requests if not r.conditional),
            "not_modified_feeds": sum(1 for r in quiet.feeds if r.not_modified),
            "passages_embedded": quiet.ingest.embedded,
            "cli_seconds": round(cli_seconds, 2),
        },
    }


def plain_encode(embedder: SentenceTransformerEmbedder, index_dir: Path) -> dict[str, Any]:
    """``SentenceTransformer.encode`` of the texts the refresh embedded, timed."""
    index = load_index(index_dir)
    articles = list(index.articles.values())
    passages = [embedding_text(a.title, c.text) for a in articles for c in split_article(a)]
    sentences = [index.sentence_text(row) for row in range(len(index.sentences.sources))]
    texts = passages + sentences
    model = embedder._model  # the plain peer: the same SentenceTransformer, called directly
    began, began_cpu = time.perf_counter(), time.process_time()
    model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    return {
        "texts": len(texts),
        "passages": len(passages),
        "sentences": len(sentences),
        "seconds": round(seconds, 2),
        "texts_per_s": round(len(texts) / seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "texts_per_cpu_s": round(len(texts) / cpu, 2),
    }


async def cli_refresh(index_dir: Path) -> float:
    """Seconds of ``newsbot refresh --all`` with nothing new, process start included."""
    env = {"NEWSBOT_ALLOW_PRIVATE_URLS": "1", "NEWSBOT_INDEX_DIR": str(index_dir)}
    began = time.perf_counter()
    done = await newsbot_in_loop("refresh", "--all", env=env)
    if done.returncode != 0 or "not modified" not in done.stdout:
        raise RuntimeError(f"newsbot refresh failed: {done.stdout} {done.stderr}")
    return time.perf_counter() - began


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and write its result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="10 feeds x 10 stories")
    parser.add_argument("--device", default=os.environ.get("NEWSBOT_DEVICE", "auto"))
    args = parser.parse_args(argv)
    feeds, items = (10, 10) if args.quick else (args.feeds, args.items)
    started = time.perf_counter()
    result = asyncio.run(run(feeds, items, args.device))
    print(result)
    path = write_result("feeds_speed", result, quick=args.quick, started=started)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
