"""`make stress`: 50 users for 60 s, and a group flood beyond Telegram's cap.

Figures go to var/stress/load-60s.json and var/stress/group-flood.json.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from retrieval import Engine
from tests.stress.harness import record_figures
from tests.stress.load import run_load, summary
from tests.support.fake_telegram import FakeTelegram
from tests.telegram.fixtures import RINGS_QUESTION, fake, serving, warm_engine

__all__ = ["fake", "warm_engine"]

pytestmark = pytest.mark.stress


@pytest.fixture
async def running_bot(
    fake: FakeTelegram, seed_index_dir: Path, warm_engine: Engine
) -> AsyncIterator[FakeTelegram]:
    async with serving(fake, seed_index_dir, warm_engine, stop_timeout=120) as running:
        yield running


async def test_fifty_users_for_sixty_seconds(running_bot: FakeTelegram) -> None:
    result = await run_load(running_bot, users=50, seconds=60, think=(1.0, 3.0))
    figures = summary(result)
    record_figures("load-60s", figures)
    assert result.lost == 0, figures
    assert result.duplicates == 0 and result.strays == 0, figures
    assert result.answered + result.refused == len(result.asked), figures


async def test_a_group_flood_beyond_the_cap_is_queued_and_private_chats_stay_fast(
    running_bot: FakeTelegram,
) -> None:
    """40 questions at once in one group (cap: 20 a minute), then one private question."""
    fake = running_bot
    group = -1_008_888_888_888
    updates = [
        fake.group_message(f"/ask {RINGS_QUESTION}", chat_id=group, user_id=80_000 + n)
        for n in range(40)
    ]
    started = time.monotonic()
    for update in updates:
        fake.enqueue(update)
    await asyncio.sleep(2.0)
    private_at = time.monotonic()
    fake.enqueue(fake.private_message(RINGS_QUESTION, user_id=81_000))
    await fake.wait_for_messages(81_000, 1, timeout=180)
    private_latency = time.monotonic() - private_at
    await fake.wait_for_messages(group, 40, timeout=240)
    group_seconds = time.monotonic() - started
    replies = fake.messages_to(group)
    record_figures(
        "group-flood",
        {
            "group_questions": 40,
            "group_replies": len(replies),
            "seconds_to_last_group_reply": round(group_seconds, 1),
            "private_latency_during_flood_s": round(private_latency, 2),
        },
    )
    assert sorted(r.reply_to_message_id or -1 for r in replies) == sorted(
        u["message"]["message_id"] for u in updates
    )
    assert private_latency < 10, f"a private question waited {private_latency:.1f} s"
