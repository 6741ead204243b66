"""Security: the token never printed, webhook secret enforced, updates once, admins only,
and SIGTERM loses no accepted question.

The process tests run the real `python -m bot serve` at DEBUG log level against the fake
Bot API and drive questions, handler errors and network faults through it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.settings import ANONYMOUS_ADMIN_ID
from bot.telegram.app import NewsbotApplication
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.telegram.fixtures import (
    ADMIN_ID,
    ALICE,
    BOT_USERNAME,
    GROUP,
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    SEEDS,
    WEBHOOK_SECRET,
    RunningBot,
    app,
    bot_settings,
    fake,
    free_port,
    process,
    spawn_serve,
    warm_engine,
    webhook_bot,
)

__all__ = ["app", "bot_settings", "fake", "warm_engine", "webhook_bot"]

TOKEN_SECRET_PART = TOKEN.split(":", 1)[1]


async def _serve(
    fake: FakeTelegram, index_dir: Path, port: int, token: str = TOKEN
) -> asyncio.subprocess.Process:
    return await spawn_serve(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_INDEX_DIR=str(index_dir),
        NEWSBOT_SEEDS_DIR=str(SEEDS),
        NEWSBOT_PORT=str(port),
        NEWSBOT_LOG_LEVEL="DEBUG",
        NEWSBOT_ADMIN_IDS=str(ADMIN_ID),
    )


def _delivered(fake: FakeTelegram, update_id: int) -> bool:
    return any(
        isinstance(call.response.get("result"), list)
        and any(u.get("update_id") == update_id for u in call.response["result"])
        for call in fake.calls_to("getUpdates")
    )


def _confirmed(fake: FakeTelegram, update_id: int) -> bool:
    """Whether a later getUpdates acknowledged ``update_id`` (its offset went past it)."""
    return any(
        int(call.params.get("offset") or 0) > update_id for call in fake.calls_to("getUpdates")
    )


async def test_serve_never_prints_the_token_and_sigterm_loses_no_accepted_question(
    fake: FakeTelegram, seed_index_copy: Path
) -> None:
    port = free_port()
    process_ = await _serve(fake, seed_index_copy, port)
    try:
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), 120, "polling to start")
        # Questions, a handler error, network faults, a 409 and an admin command.
        fake.enqueue(fake.private_message(RINGS_QUESTION))
        await fake.wait_for_messages(ALICE, 1, timeout=60)
        fake.fail_next("sendMessage", status=400, description="Bad Request: odd")
        fake.enqueue(fake.private_message(RINGS_QUESTION))
        await fake.wait_for_messages(ALICE, 2, timeout=30)  # the apology
        fake.reset_next("sendMessage")
        fake.fail_next("sendChatAction", status=500)
        fake.fail_next("getUpdates", status=409, description="Conflict: terminated by other")
        fake.enqueue(fake.private_message("/stats", user_id=ADMIN_ID))
        fake.enqueue(fake.group_message(f"/ask {RINGS_QUESTION}"))
        await fake.wait_for_messages(GROUP, 1, timeout=30)
        await fake.wait_for_messages(ADMIN_ID, 1, timeout=30)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 200

        # SIGTERM the moment the last question has been fetched.
        last = fake.private_message(RINGS_QUESTION, user_id=ALICE + 1)
        fake.enqueue(last)
        await fake.wait_for(lambda: _delivered(fake, last["update_id"]), 30, "the fetch")
        process_.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        stdout, stderr = await asyncio.wait_for(process_.communicate(), 10)
        stopped_in = time.monotonic() - signalled
    finally:
        if process_.returncode is None:
            process_.kill()
            await process_.wait()

    output = stdout.decode(errors="replace") + stderr.decode(errors="replace")
    assert process_.returncode == 0, output[-3000:]
    assert stopped_in < 10
    if not fake.messages_to(ALICE + 1):
        # SIGTERM landed while the getUpdates answer was in flight: PTB cancels that request
        # and never confirms the update, so Telegram delivers it again to the next start.
        assert not _confirmed(fake, last["update_id"])
        restarted = await _serve(fake, seed_index_copy, free_port())
        try:
            await fake.wait_for_messages(ALICE + 1, 1, timeout=120)
        finally:
            restarted.send_signal(signal.SIGTERM)
            await asyncio.wait_for(restarted.communicate(), 10)
    (reply,) = fake.messages_to(ALICE + 1)
    assert MOSCOW_TIMES_URL in reply.links
    assert " DEBUG " in output and "getUpdates" in output  # DEBUG logging really was on
    assert "update_id" in output or "Conflict" in output
    assert output.count(TOKEN) == 0
    assert output.count(TOKEN_SECRET_PART) == 0


async def test_a_rejected_token_exits_1_without_printing_it(
    fake: FakeTelegram, seed_index_copy: Path
) -> None:
    wrong = "987654321:ZZWrongTokenNeverToBePrinted_xyz"
    process_ = await _serve(fake, seed_index_copy, free_port(), token=wrong)
    stdout, stderr = await asyncio.wait_for(process_.communicate(), 120)
    output = stdout.decode(errors="replace") + stderr.decode(errors="replace")
    assert process_.returncode == 1, output[-2000:]
    assert "Telegram rejected the bot token" in output
    assert wrong.split(":")[1] not in output


# --- webhook -------------------------------------------------------------------------------


async def test_a_forbidden_delivery_does_not_use_up_the_update_id(
    webhook_bot: RunningBot, fake: FakeTelegram
) -> None:
    update = fake.private_message(RINGS_QUESTION)
    for secret in (None, "", "wrong", WEBHOOK_SECRET.upper(), WEBHOOK_SECRET[:-1], "é" * 10):
        assert await webhook_bot.post(update, secret) == 403
    await asyncio.sleep(0.3)
    assert fake.messages_to(ALICE) == []

    assert await webhook_bot.post(update) == 200
    (reply,) = await fake.wait_for_messages(ALICE)
    assert MOSCOW_TIMES_URL in reply.links


async def test_simultaneous_redeliveries_are_processed_once(
    webhook_bot: RunningBot, fake: FakeTelegram
) -> None:
    update = fake.private_message(RINGS_QUESTION)
    statuses = await asyncio.gather(*(webhook_bot.post(update) for _ in range(8)))
    assert statuses == [200] * 8
    await fake.wait_for_messages(ALICE)
    await asyncio.sleep(1.0)
    assert len(fake.messages_to(ALICE)) == 1


# --- admin commands --------------------------------------------------------------------------


def _private_from(fake: FakeTelegram, text: str, user_id: int) -> dict[str, Any]:
    return fake.private_message(text, user_id=user_id)


ADMIN_ATTEMPTS = {
    "non-admin /reload@bot": lambda f: (_private_from(f, f"/reload@{BOT_USERNAME}", ALICE), ALICE),
    "non-admin /STATS": lambda f: (_private_from(f, "/STATS", ALICE), ALICE),
    "anonymous admin id in private": lambda f: (
        _private_from(f, "/stats", ANONYMOUS_ADMIN_ID),
        ANONYMOUS_ADMIN_ID,
    ),
    "admin in a basic group": lambda f: (
        f.group_message("/stats", user_id=ADMIN_ID, chat_type="group", chat_id=-4242),
        -4242,
    ),
    "admin /ask@bot style in a group": lambda f: (
        f.group_message(f"/reload@{BOT_USERNAME}", user_id=ADMIN_ID),
        GROUP,
    ),
}


@pytest.mark.parametrize("attempt", ADMIN_ATTEMPTS.values(), ids=ADMIN_ATTEMPTS.keys())
async def test_admin_commands_are_refused_to_everyone_else(
    app: NewsbotApplication, fake: FakeTelegram, attempt: Any
) -> None:
    update, chat = attempt(fake)
    await process(app, update)
    texts = [m.text for m in fake.messages_to(chat)]
    assert texts, fake.describe_calls()
    assert all("Articles:" not in t and "Reloading" not in t for t in texts), texts
    assert any("only for the bot's administrators" in t or "don't know" in t for t in texts)


async def test_an_edited_admin_command_is_ignored(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    update = fake.private_message("/reload", user_id=ADMIN_ID)
    update["edited_message"] = update.pop("message")
    update["edited_message"]["edit_date"] = int(time.time())
    await process(app, update)
    assert fake.messages_to(ADMIN_ID) == []


def test_the_token_is_not_in_the_environment_dump_of_settings() -> None:
    from bot.settings import Settings  # noqa: PLC0415

    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_WEBHOOK_URL": "", **{}})
    assert TOKEN_SECRET_PART not in repr(settings) + str(settings) + f"{settings}"
    assert os.environ.get("TELEGRAM_BOT_TOKEN") != TOKEN
