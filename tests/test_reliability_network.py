"""Network faults from the fake Bot API: 429, 5xx, resets, a hanging getUpdates, 409 Conflict.

The bot runs for real (``bot.runner.run``, long polling). After every fault the question is
answered exactly once: recovered, not lost, not duplicated.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import Conflict

from retrieval import Engine
from tests.bot_fixtures import (
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    fake,
    serving,
    warm_engine,
)
from tests.support.fake_telegram import TOKEN, FakeTelegram

__all__ = ["fake", "warm_engine"]


@pytest.fixture
async def bot(
    fake: FakeTelegram, seed_index_dir: Path, warm_engine: Engine
) -> AsyncIterator[FakeTelegram]:
    async with serving(fake, seed_index_dir, warm_engine) as running:
        yield running


async def _flush_poll(fake: FakeTelegram) -> None:
    """End the long poll in flight (an ignored group message), so the next one meets the fault."""
    count = len(fake.calls_to("getUpdates"))
    fake.enqueue(fake.group_message("just chatting", chat_id=-1_007_000_000_001))
    await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) > count + 1, 20, "a new poll")


async def _answered_once(fake: FakeTelegram, user: int, timeout: float = 30) -> float:  # noqa: ASYNC109
    started = time.monotonic()
    fake.enqueue(fake.private_message(RINGS_QUESTION, user_id=user))
    (reply,) = await fake.wait_for_messages(user, timeout=timeout)
    elapsed = time.monotonic() - started
    await asyncio.sleep(0.5)
    assert len(fake.messages_to(user)) == 1, fake.describe_calls()
    assert MOSCOW_TIMES_URL in reply.links
    return elapsed


SEND_FAULTS = {
    "429 retry_after 1, twice": ("fail", {"status": 429, "retry_after": 1, "times": 2}),
    "500 twice": ("fail", {"status": 500, "times": 2}),
    "502 once": ("fail", {"status": 502, "description": "Bad Gateway", "times": 1}),
    "503 three times": ("fail", {"status": 503, "description": "Service Unavailable", "times": 3}),
    "connection reset twice": ("reset", {"times": 2}),
}


@pytest.mark.parametrize("fault", SEND_FAULTS.values(), ids=SEND_FAULTS.keys())
async def test_send_message_faults_are_retried_and_the_reply_arrives_once(
    bot: FakeTelegram, fault: tuple[str, dict[str, object]]
) -> None:
    kind, options = fault
    if kind == "reset":
        bot.reset_next("sendMessage", **options)  # type: ignore[arg-type]
    else:
        bot.fail_next("sendMessage", **options)  # type: ignore[arg-type]
    await _answered_once(bot, 71_001)


POLL_FAULTS = {
    "connection reset three times": ("reset", {"times": 3}),
    "500 three times": ("fail", {"status": 500, "times": 3}),
    "502 twice": ("fail", {"status": 502, "description": "Bad Gateway", "times": 2}),
    "429 retry_after 1": ("fail", {"status": 429, "retry_after": 1, "times": 1}),
    "409 conflict three times": (
        "fail",
        {
            "status": 409,
            "description": "Conflict: terminated by other getUpdates request; make sure that"
            " only one bot instance is running",
            "times": 3,
        },
    ),
}


@pytest.mark.parametrize("fault", POLL_FAULTS.values(), ids=POLL_FAULTS.keys())
async def test_get_updates_faults_are_survived(
    bot: FakeTelegram, fault: tuple[str, dict[str, object]]
) -> None:
    kind, options = fault
    if kind == "reset":
        bot.reset_next("getUpdates", **options)  # type: ignore[arg-type]
    else:
        bot.fail_next("getUpdates", **options)  # type: ignore[arg-type]
    await _flush_poll(bot)
    await _answered_once(bot, 72_001, timeout=60)
    assert len([c for c in bot.calls_to("getUpdates") if c.status != 200]) >= int(
        options["times"]  # type: ignore[call-overload]
    )


async def test_a_hanging_get_updates_times_out_and_polling_resumes(bot: FakeTelegram) -> None:
    bot.delay_next("getUpdates", 60)
    await _flush_poll(bot)
    elapsed = await _answered_once(bot, 73_001, timeout=45)
    assert elapsed < 45


async def test_faults_on_typing_and_inline_answers_do_not_cost_the_answer(
    bot: FakeTelegram,
) -> None:
    bot.fail_next("sendChatAction", status=500, times=5)
    await _answered_once(bot, 74_001)

    bot.fail_next("answerInlineQuery", status=502, description="Bad Gateway")
    update = bot.inline_query(RINGS_QUESTION, user_id=74_002)
    bot.enqueue(update)
    await bot.wait_for(lambda: bool(bot.inline_answers), 30, "the inline answer")
    await asyncio.sleep(0.5)
    (answer,) = bot.inline_answers
    assert answer["inline_query_id"] == update["inline_query"]["id"]
    assert answer["results"]


async def test_a_reply_telegram_keeps_refusing_is_logged_and_the_bot_serves_on(
    bot: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fail_next("sendMessage", status=500, times=8)  # the reply and the apology, retried
    bot.enqueue(bot.private_message(RINGS_QUESTION, user_id=75_001))
    await bot.wait_for(
        lambda: len([c for c in bot.calls_to("sendMessage") if c.status == 500]) == 8, 60
    )
    # The fake has answered the 8th failure; the bot logs once it has read that answer.
    await bot.wait_for(
        lambda: any("could not tell the user" in r.getMessage() for r in caplog.records),
        30,
        "the lost reply to be logged",
    )
    assert bot.messages_to(75_001) == []
    await _answered_once(bot, 75_002)


async def test_a_second_poller_causes_409s_that_are_logged_clearly_and_survived(
    bot: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    intruder = Bot(TOKEN, base_url=bot.base_url)
    conflicts = 0
    async with intruder:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                # Never confirms an offset, so it steals nothing for good.
                await intruder.get_updates(timeout=1)
            except Conflict:
                conflicts += 1
    ours = [c for c in bot.calls_to("getUpdates") if c.status == 409]
    assert ours, bot.describe_calls()
    await _answered_once(bot, 76_001, timeout=60)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("Another newsbot instance is polling with this token" in m for m in lines), lines
