"""Tests of `python -m bot serve` as a process: clean SIGTERM, token never logged, bad config."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp

from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.telegram.fixtures import (
    ALICE,
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    SEEDS,
    fake,
    free_port,
    spawn_serve,
)

__all__ = ["fake"]  # fixtures used by name


async def test_serve_stops_cleanly_on_sigterm_and_never_logs_the_token(
    fake: FakeTelegram, seed_index_copy: Path
) -> None:
    port = free_port()
    process = await spawn_serve(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_INDEX_DIR=str(seed_index_copy),
        NEWSBOT_SEEDS_DIR=str(SEEDS),
        NEWSBOT_PORT=str(port),
        NEWSBOT_LOG_LEVEL="DEBUG",
    )
    try:
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), 90, "polling to start")
        fake.enqueue(fake.private_message(RINGS_QUESTION))
        (reply,) = await fake.wait_for_messages(ALICE, timeout=30)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 200
            assert (await response.json())["status"] == "ok"

        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    output = stdout.decode() + stderr.decode()
    assert process.returncode == 0, output[-3000:]
    assert MOSCOW_TIMES_URL in reply.links
    assert "getUpdates" in output  # DEBUG logging really was on
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output


async def test_serve_with_invalid_settings_lists_every_problem() -> None:
    process = await spawn_serve(NEWSBOT_PORT="http", NEWSBOT_LOG_LEVEL="LOUD")
    _, stderr = await asyncio.wait_for(process.communicate(), 60)

    assert process.returncode == 2
    text = stderr.decode()
    for name in ("TELEGRAM_BOT_TOKEN", "NEWSBOT_PORT", "NEWSBOT_LOG_LEVEL"):
        assert name in text
