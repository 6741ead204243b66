"""Network faults from the fake Bot API: 429, 5xx, resets, a hanging getUpdates, 409 Conflict.

The bot runs for real (``bot.serve.run``, long polling). After every fault the
question is
answered exactly once: recovered, not lost, not duplicated.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from telegram import Bot
from telegram.error import Conflict

from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.telegram.fixtures import (
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    fake,
    running_bot,
    warm_engine,
)

__all__ = ["fake", "running_bot", "warm_engine"]


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


def _inject(fake: FakeTelegram, method: str, fault: tuple[str, dict[str, object]]) -> None:
    """Arm ``fault`` (a ``SEND_FAULTS`` or ``POLL_FAULTS`` value) for the next ``method`` calls."""
    kind, options = fault
    if kind == "reset":
        fake.reset_next(method, **options)  # type: ignore[arg-type]
    else:
        fake.fail_next(method, **options)  # type: ignore[arg-type]


SEND_FAULTS = {
    "429 retry_after 1, twice": ("fail", {"status": 429, "retry_after": 1, "times": 2}),
    "500 twice": ("fail", {"status": 500, "times": 2}),
    "502 once": ("fail", {"status": 502, "description": "Bad Gateway", "times": 1}),
    "503 three times": ("fail", {"status": 503, "description": "Service Unavailable", "times": 3}),
    "connection reset twice": ("reset", {"times": 2}),
}


@pytest.mark.parametrize("fault", SEND_FAULTS.values(), ids=SEND_FAULTS.keys())
async def test_send_message_faults_are_retried_and_the_reply_arrives_once(
    running_bot: FakeTelegram, fault: tuple[str, dict[str, object]]
) -> None:
    _inject(running_bot, "sendMessage", fault)
    await _answered_once(running_bot, 71_001)


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
    running_bot: FakeTelegram, fault: tuple[str, dict[str, object]]
) -> None:
    _inject(running_bot, "getUpdates", fault)
    await _flush_poll(running_bot)
    await _answered_once(running_bot, 72_001, timeout=60)
    assert len([c for c in running_bot.calls_to("getUpdates") if c.status != 200]) >= int(
        fault[1]["times"]  # type: ignore[call-overload]
    )


async def test_a_hanging_get_updates_times_out_and_polling_resumes(
    running_bot: FakeTelegram,
) -> None:
    running_bot.delay_next("getUpdates", 60)
    await _flush_poll(running_bot)
    elapsed = await _answered_once(running_bot, 73_001, timeout=45)
    assert elapsed < 45


async def test_faults_on_typing_and_inline_answers_do_not_cost_the_answer(
    running_bot: FakeTelegram,
) -> None:
    running_bot.fail_next("sendChatAction", status=500, times=5)
    await _answered_once(running_bot, 74_001)

    running_bot.fail_next("answerInlineQuery", status=502, description="Bad Gateway")
    update = running_bot.inline_query(RINGS_QUESTION, user_id=74_002)
    running_bot.enqueue(update)
    await running_bot.wait_for(lambda: bool(running_bot.inline_answers), 30, "the inline answer")
    await asyncio.sleep(0.5)
    (answer,) = running_bot.inline_answers
    assert answer["inline_query_id"] == update["inline_query"]["id"]
    assert answer["results"]


async def test_a_reply_telegram_keeps_refusing_is_logged_and_the_bot_serves_on(
    running_bot: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    running_bot.fail_next("sendMessage", status=500, times=8)  # the reply and the apology, retried
    running_bot.enqueue(running_bot.private_message(RINGS_QUESTION, user_id=75_001))
    await running_bot.wait_for(
        lambda: len([c for c in running_bot.calls_to("sendMessage") if c.status == 500]) == 8, 60
    )
    # The fake has answered the 8th failure; the bot logs once it has read that answer.
    await running_bot.wait_for(
        lambda: any("could not tell the user" in r.getMessage() for r in caplog.records),
        30,
        "the lost reply to be logged",
    )
    assert running_bot.messages_to(75_001) == []
    await _answered_once(running_bot, 75_002)


async def test_a_second_poller_causes_409s_that_are_logged_clearly_and_survived(
    running_bot: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    intruder = Bot(TOKEN, base_url=running_bot.base_url)
    conflicts = 0
    async with intruder:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                # Never confirms an offset, so it steals nothing for good.
                await intruder.get_updates(timeout=1)
            except Conflict:
                conflicts += 1
    ours = [c for c in running_bot.calls_to("getUpdates") if c.status == 409]
    assert ours, running_bot.describe_calls()
    await _answered_once(running_bot, 76_001, timeout=60)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("Another newsbot instance is polling with this token" in m for m in lines), lines
