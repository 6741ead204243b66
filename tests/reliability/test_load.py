"""Load: many users at once lose nothing, duplicate nothing, and busy groups queue politely.

The bot runs for real (``bot.serve.run``, long polling against the fake Bot API, default
throttle and flood limiter). The 60-second, 50-user run with figures is in tests/stress/.
"""

from __future__ import annotations

import time

from tests.stress.harness import record_figures
from tests.stress.load import run_load, summary
from tests.support.fake_telegram import FakeTelegram
from tests.telegram.fixtures import RINGS_QUESTION, fake, running_bot, warm_engine

__all__ = ["fake", "running_bot", "warm_engine"]


async def test_fifty_users_for_ten_seconds_lose_and_duplicate_nothing(
    running_bot: FakeTelegram,
) -> None:
    result = await run_load(running_bot, users=50, seconds=10, think=(1.0, 3.0))
    figures = summary(result)
    record_figures("load-10s", figures)

    assert set(result.by_mode()) == {"private", "group", "inline"}, figures
    assert len(result.asked) >= 100, figures
    assert result.lost == 0, figures
    assert result.duplicates == 0 and result.strays == 0, figures
    assert result.answered + result.refused == len(result.asked), figures


async def test_a_busy_group_is_answered_within_telegrams_group_cap(
    running_bot: FakeTelegram,
) -> None:
    """Telegram allows 20 messages a minute per group; 18 questions must fit in that burst."""
    fake = running_bot
    group = -1_009_999_999_999
    updates = [
        fake.group_message(f"/ask {RINGS_QUESTION}", chat_id=group, user_id=60_000 + n)
        for n in range(18)
    ]
    started = time.monotonic()
    for update in updates:
        fake.enqueue(update)
    await fake.wait_for_messages(group, 18, timeout=120)
    elapsed = time.monotonic() - started

    replies = fake.messages_to(group)
    assert sorted(r.reply_to_message_id or -1 for r in replies) == sorted(
        u["message"]["message_id"] for u in updates
    )
    # Each "typing…" action counts against the same 20-a-minute budget as a reply: with one
    # per question, replies 11-18 wait 3 s each behind the flood limiter.
    assert elapsed < 15, f"18 group answers took {elapsed:.1f} s"
