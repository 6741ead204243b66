"""`newsbot serve` polls the followed feeds in the background while answering questions."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.serve import run
from bot.services import Services
from bot.settings import Settings
from bot.web import WebServer
from retrieval import Embedder, Engine
from retrieval.web.feed_store import FeedStore
from tests.support.news_fixtures import site
from tests.support.news_site import NewsSite
from tests.support.paths import SEEDS
from tests.telegram.fixtures import free_port

__all__ = ["site"]  # fixture used by name

QUESTION = "How long is the Port Alder ferry terminal shut?"
FERRY_CANONICAL = "https://www.harbourherald.example/news/2024/03/14/storm-surge-shuts-port-alder-ferry-terminal/"


class AskingFrontEnd:
    """A front end that asks one question every few milliseconds and times each answer."""

    name = "asker"
    state = "starting"

    def __init__(self) -> None:
        self.services: Services | None = None
        self.latencies: list[float] = []
        self.cited: set[str] = set()
        self._stop = asyncio.Event()

    def mount(self, server: WebServer) -> None:
        del server

    async def run(self, services: Services) -> None:
        self.services, self.state = services, "running"
        while not self._stop.is_set():
            began = time.perf_counter()
            answer = await asyncio.to_thread(services.engine.answer, QUESTION, top_k=1)
            self.latencies.append(time.perf_counter() - began)
            self.cited.update(c.url or "" for c in answer.citations)
            await asyncio.sleep(0.02)
        self.state = "stopped"

    async def stop(self) -> None:
        self._stop.set()


async def test_serve_polls_due_feeds_in_the_background_and_keeps_answering(
    site: NewsSite, tmp_path: Path, embedder: Embedder
) -> None:
    index_dir = tmp_path / "index"
    with FeedStore.beside(index_dir) as store:
        store.add(site.url("/feeds/rss.xml"), every=timedelta(minutes=30), now=datetime.now(UTC))
    engine = Engine.open(index_dir, seeds=SEEDS, embedder=embedder)
    settings = Settings(index_dir=index_dir, port=free_port(), allow_private_urls=True)
    asker = AskingFrontEnd()
    stop = asyncio.Event()
    task = asyncio.create_task(
        run(settings, stop, host="127.0.0.1", engine=engine, frontends=[asker], poll_every=0.2)
    )
    for _ in range(600):
        if FERRY_CANONICAL in asker.cited:
            break
        await asyncio.sleep(0.1)
    stop.set()
    assert await asyncio.wait_for(task, 30) == 0
    assert FERRY_CANONICAL in asker.cited, asker.cited
    assert len(site.requests_to("/feeds/rss.xml")) == 1  # due once; not again within 30m
    # Questions went on being answered while the feed was fetched, read and indexed.
    assert len(asker.latencies) >= 5 and max(asker.latencies) < 5.0, asker.latencies


async def test_serve_without_polling_leaves_the_feeds_to_cron(
    site: NewsSite, tmp_path: Path, embedder: Embedder
) -> None:
    index_dir = tmp_path / "index"
    with FeedStore.beside(index_dir) as store:
        store.add(site.url("/feeds/rss.xml"), every=timedelta(minutes=30), now=datetime.now(UTC))
    engine = Engine.open(index_dir, seeds=SEEDS, embedder=embedder)
    settings = Settings(index_dir=index_dir, port=free_port(), poll_feeds=False)
    stop = asyncio.Event()
    asker = AskingFrontEnd()
    task = asyncio.create_task(
        run(settings, stop, host="127.0.0.1", engine=engine, frontends=[asker], poll_every=0.1)
    )
    await asyncio.sleep(1.0)
    stop.set()
    assert await asyncio.wait_for(task, 30) == 0
    assert site.requests == []
