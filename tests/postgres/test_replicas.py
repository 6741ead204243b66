"""Two `newsbot serve` replicas in webhook mode on one database, through the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.telegram.webhook import SECRET_HEADER
from retrieval import Embedder, PostgresEngine
from retrieval.backends.postgres.migrate import migrate_index
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.news_fixtures import site
from tests.support.news_site import NewsSite
from tests.support.paths import ROOT, SEEDS
from tests.support.postgres import PostgresServer, fresh_database
from tests.telegram.fixtures import (
    ADMIN_ID,
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    WEBHOOK_SECRET,
    assert_valid_replies,
    fake,
    free_port,
)

__all__ = ["fake", "site"]  # fixtures used by name

FERRY_CANONICAL = "https://www.harbourherald.example/news/2024/03/14/storm-surge-shuts-port-alder-ferry-terminal/"
HOOK = "/telegram/hook"


@dataclass
class Replica:
    """One `newsbot serve` child and its port."""

    process: asyncio.subprocess.Process
    port: int
    log: Path

    async def post(self, update: dict[str, Any]) -> int:
        """Deliver ``update`` to this replica's webhook; returns the HTTP status."""
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{self.port}{HOOK}",
                json=update,
                headers={SECRET_HEADER: WEBHOOK_SECRET},
            ) as response,
        ):
            return response.status

    async def health(self) -> tuple[int, dict[str, Any]]:
        """``GET /healthz``: status and body."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{self.port}/healthz") as response,
        ):
            return response.status, await response.json()


async def _start(fake: FakeTelegram, url: str, index_dir: Path) -> Replica:
    port = free_port()
    log = index_dir.with_suffix(".log")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "TELEGRAM_"))}
    env.update(
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_DATABASE_URL=url,
        NEWSBOT_INDEX_DIR=str(index_dir),
        NEWSBOT_SEEDS_DIR=str(SEEDS),
        NEWSBOT_PORT=str(port),
        NEWSBOT_WEBHOOK_URL=f"https://bot.example.com{HOOK}",
        NEWSBOT_WEBHOOK_SECRET=WEBHOOK_SECRET,
        NEWSBOT_ADMIN_IDS=str(ADMIN_ID),
        NEWSBOT_ALLOW_PRIVATE_URLS="1",
        NEWSBOT_POLL_FEEDS="0",
        NEWSBOT_LOG_LEVEL="WARNING",
    )
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", cwd=ROOT, env=env, stdout=output, stderr=output
        )
    return Replica(process, port, log)


async def _healthy(replica: Replica) -> dict[str, Any]:
    for _ in range(900):
        try:
            status, body = await replica.health()
            if status == 200 and body.get("frontends", {}).get("telegram") == "running":
                return body
        except aiohttp.ClientError:
            pass
        if replica.process.returncode is not None:
            break
        await asyncio.sleep(0.1)
    raise AssertionError(f"replica never became healthy: {replica.log.read_text()[-2000:]}")


@pytest.fixture
async def replicas(
    fake: FakeTelegram,
    pg_server: PostgresServer,
    seed_index_dir: Path,
    embedder: Embedder,
    tmp_path: Path,
) -> AsyncIterator[tuple[Replica, Replica]]:
    """Two replicas on a database holding the seeds (copied from the embedded seed index)."""
    url = fresh_database(pg_server)
    engine = PostgresEngine(tmp_path / "unused", database_url=url, embedder=embedder)
    migrate_index(seed_index_dir, engine)
    engine.close()
    started = [await _start(fake, url, tmp_path / f"replica-{n}") for n in (1, 2)]
    try:
        for replica in started:
            body = await _healthy(replica)
            assert body["backend"] == "postgres"
        yield started[0], started[1]
    finally:
        for replica in started:
            if replica.process.returncode is None:
                replica.process.terminate()
        for replica in started:
            assert await asyncio.wait_for(replica.process.wait(), 20) == 0, replica.log.read_text()


async def test_two_replicas_answer_from_one_database(
    replicas: tuple[Replica, Replica],
    fake: FakeTelegram,
    site: NewsSite,
    pg_server: PostgresServer,
) -> None:
    first, second = replicas
    # The same question to either replica: the same answer.
    assert await first.post(fake.private_message(RINGS_QUESTION, user_id=3001)) == 200
    assert await second.post(fake.private_message(RINGS_QUESTION, user_id=3002)) == 200
    (one,) = await fake.wait_for_messages(3001, timeout=30)
    (two,) = await fake.wait_for_messages(3002, timeout=30)
    assert MOSCOW_TIMES_URL in one.links
    assert (one.text, one.links) == (two.text, two.links)

    # An article added through the first is answered by the second, without a restart.
    url = site.url("/news/ferry-storm")
    assert await first.post(fake.private_message(f"/add {url}", user_id=ADMIN_ID)) == 200
    _, added = await fake.wait_for_messages(ADMIN_ID, 2, timeout=60)
    assert "1 added" in added.text
    question = "How long is the Port Alder ferry terminal shut?"
    assert await second.post(fake.private_message(question, user_id=3003)) == 200
    (ferry,) = await fake.wait_for_messages(3003, timeout=30)
    assert FERRY_CANONICAL in ferry.links

    # 50 users at once, spread over both replicas: every one is answered.
    users = range(4000, 4050)
    statuses = await asyncio.gather(
        *(
            (first if n % 2 else second).post(fake.private_message(RINGS_QUESTION, user_id=n))
            for n in users
        )
    )
    assert statuses == [200] * 50
    for n in users:
        (reply,) = await fake.wait_for_messages(n, timeout=120)
        assert MOSCOW_TIMES_URL in reply.links
    assert_valid_replies([one, two, ferry])

    # The database goes away: /healthz says so; a question gets an error, no crash.
    pg_server.stop()
    try:
        status, body = await first.health()
        assert status == 503
        assert body["backend"] == "postgres"
        assert "Cannot reach the PostgreSQL database" in body["error"]
        assert await second.post(fake.private_message(RINGS_QUESTION, user_id=5001)) == 200
        (failed,) = await fake.wait_for_messages(5001, timeout=60)
        assert "went wrong" in failed.text.lower() or "try again" in failed.text.lower()
    finally:
        pg_server.start()
    # Back again: both replicas answer without a restart.
    for n, replica in ((5002, first), (5003, second)):
        assert await replica.post(fake.private_message(RINGS_QUESTION, user_id=n)) == 200
        (back,) = await fake.wait_for_messages(n, timeout=30)
        assert MOSCOW_TIMES_URL in back.links
    assert (await first.health())[0] == 200
