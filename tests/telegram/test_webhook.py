"""Tests of the aiohttp server: webhook secret, duplicate updates, /healthz, in both modes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.health import HealthCheck
from bot.telegram.webhook import SeenUpdates
from bot.web import WebServer
from retrieval import Embedder, Engine
from tests.support.fake_telegram import FakeTelegram
from tests.telegram.fixtures import (
    ALICE,
    GROUP,
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    WEBHOOK_SECRET,
    RunningBot,
    fake,
    free_port,
    make_settings,
    start_bot,
    wait_healthy,
    warm_engine,
    webhook_bot,
)

__all__ = ["fake", "warm_engine", "webhook_bot"]  # fixtures used by name


async def test_webhook_is_registered_with_the_secret(
    webhook_bot: RunningBot, fake: FakeTelegram
) -> None:
    (call,) = fake.calls_to("setWebhook")
    assert call.params["url"] == "https://bot.example.com/telegram/hook"
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert fake.calls_to("getUpdates") == []
    assert fake.calls_to("setMyCommands")


async def test_webhook_with_the_right_secret_is_answered(
    webhook_bot: RunningBot, fake: FakeTelegram
) -> None:
    assert await webhook_bot.post(fake.private_message(RINGS_QUESTION)) == 200

    (reply,) = await fake.wait_for_messages(ALICE)
    assert MOSCOW_TIMES_URL in reply.links


@pytest.mark.parametrize(
    "secret", [None, "", "wrong", WEBHOOK_SECRET + "x"], ids=["none", "empty", "wrong", "longer"]
)
async def test_webhook_with_a_wrong_secret_is_forbidden(
    webhook_bot: RunningBot, fake: FakeTelegram, secret: str | None
) -> None:
    assert await webhook_bot.post(fake.private_message(RINGS_QUESTION), secret=secret) == 403

    await asyncio.sleep(0.3)
    assert fake.messages_to(ALICE) == []
    assert fake.chat_actions == []


async def test_duplicate_update_id_is_processed_once(
    webhook_bot: RunningBot, fake: FakeTelegram
) -> None:
    update = fake.group_message(f"/ask {RINGS_QUESTION}")
    assert await webhook_bot.post(update) == 200
    await fake.wait_for_messages(GROUP)
    assert await webhook_bot.post(update) == 200

    await asyncio.sleep(0.5)
    assert len(fake.messages_to(GROUP)) == 1


async def test_webhook_rejects_non_updates(webhook_bot: RunningBot) -> None:
    assert await webhook_bot.post({"hello": "world"}) == 400


async def test_healthz_in_webhook_mode(webhook_bot: RunningBot) -> None:
    body = await wait_healthy(webhook_bot.settings.port, running=["telegram"])
    assert body["status"] == "ok"
    assert body["mode"] == "webhook"
    assert body["frontends"] == {"telegram": "running"}
    assert body["index_loaded"] is True
    assert body["articles"] == 5
    assert body["passages"] > 5
    assert body["generation"].startswith("gen-")


async def test_polling_mode_answers_and_serves_healthz(
    fake: FakeTelegram, seed_index_dir: Path, warm_engine: Engine
) -> None:
    settings = make_settings(fake, seed_index_dir, port=free_port())
    bot = await start_bot(settings, warm_engine)
    try:
        fake.enqueue(fake.private_message(RINGS_QUESTION))
        fake.enqueue(fake.group_message("no trigger here"))
        fake.enqueue(fake.group_message(f"/ask@newsbot_test_bot {RINGS_QUESTION}"))
        (private,) = await fake.wait_for_messages(ALICE)
        (group,) = await fake.wait_for_messages(GROUP)
        body = await wait_healthy(settings.port, running=["telegram"])
    finally:
        bot.stop.set()
        code = await asyncio.wait_for(bot.task, 10)

    assert code == 0
    assert MOSCOW_TIMES_URL in private.links
    assert MOSCOW_TIMES_URL in group.links
    assert body["mode"] == "polling"
    assert body["frontends"] == {"telegram": "running"}
    assert body["status"] == "ok"
    methods = [call.method for call in fake.calls]
    assert methods.index("getMe") < methods.index("setMyCommands") < methods.index("getUpdates")
    assert "deleteWebhook" in methods


async def _healthz(server: WebServer) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}/healthz") as response,
    ):
        body: dict[str, Any] = await response.json()
        return response.status, body


async def test_healthz_is_503_while_loading_and_when_the_index_is_damaged(
    seed_index_copy: Path, embedder: Embedder
) -> None:
    health = HealthCheck(mode="polling", verify_ttl_s=0)
    server = WebServer(health=health, port=0, host="127.0.0.1")
    await server.start()
    try:
        status, body = await _healthz(server)
        assert (status, body["status"], body["index_loaded"]) == (503, "unhealthy", False)
        assert body["mode"] == "polling"
        assert body["frontends"] == {}

        health.engine = Engine.open(seed_index_copy, embedder=embedder)
        status, body = await _healthz(server)
        assert (status, body["status"]) == (200, "ok")

        for generation in (seed_index_copy / "generations").iterdir():
            (generation / "stray.bin").write_bytes(b"not part of the index")
        status, body = await _healthz(server)
        assert (status, body["status"]) == (503, "unhealthy")
        assert "stray.bin" in body["error"]
    finally:
        await server.stop()


def test_seen_updates_is_a_bounded_lru() -> None:
    seen = SeenUpdates(capacity=3)
    assert [seen.add(i) for i in (1, 2, 3, 1)] == [True, True, True, False]
    seen.add(4)  # forgets 2, the least recently seen
    assert seen.add(2) is True
    assert seen.add(1) is False
