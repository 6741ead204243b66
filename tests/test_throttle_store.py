"""Tests of bot.throttle_store: a user's question budget survives a restart of the bot."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.throttle import Throttle
from bot.throttle_store import THROTTLE_FILE, restore_throttles, save_throttles
from retrieval import Engine
from tests.support.fake_telegram import FakeTelegram
from tests.telegram.fixtures import ALICE, BOB, RINGS_QUESTION, fake, serving, warm_engine

__all__ = ["fake", "warm_engine"]  # fixtures used by name

THROTTLED = "faster than I can read"


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_an_exhausted_budget_is_restored_not_refilled(tmp_path: Path) -> None:
    before = Throttle(capacity=3, rate=0.01, clock=Clock())
    assert [before.check(7).allowed for _ in range(4)] == [True, True, True, False]
    save_throttles(tmp_path / THROTTLE_FILE, {"questions": before})

    after = Throttle(capacity=3, rate=0.01, clock=Clock(5.0))  # a new process, a new clock
    restore_throttles(tmp_path / THROTTLE_FILE, {"questions": after})

    assert not after.check(7).allowed
    assert after.check(8).allowed  # others keep their full budget


def test_a_damaged_or_missing_file_starts_afresh(tmp_path: Path) -> None:
    throttle = Throttle(capacity=1, rate=0.01)
    restore_throttles(tmp_path / "missing.json", {"questions": throttle})
    (tmp_path / THROTTLE_FILE).write_text(json.dumps({"saved_at": "x", "throttles": 3}))
    restore_throttles(tmp_path / THROTTLE_FILE, {"questions": throttle})
    assert throttle.check(1).allowed


def test_only_the_most_recent_users_are_kept(tmp_path: Path) -> None:
    before = Throttle(max_users=100)
    for user in range(300):
        before.check(user)
    save_throttles(tmp_path / THROTTLE_FILE, {"questions": before})
    after = Throttle(max_users=50)
    restore_throttles(tmp_path / THROTTLE_FILE, {"questions": after})
    assert len(after) == 50


async def test_a_flooding_user_is_still_throttled_after_a_restart(
    fake: FakeTelegram, seed_index_copy: Path, warm_engine: Engine
) -> None:
    def warnings() -> int:
        return sum(THROTTLED in m.text for m in fake.messages_to(ALICE))

    # Start from full budgets: the shared seed index keeps what earlier tests' bots saved.
    (seed_index_copy / THROTTLE_FILE).unlink(missing_ok=True)
    async with serving(fake, seed_index_copy, warm_engine):
        for _ in range(8):  # the budget is 6 at once
            fake.enqueue(fake.private_message(RINGS_QUESTION))
        await fake.wait_for(lambda: len(fake.messages_to(ALICE)) == 7, 60, "6 answers + 1 warning")
    assert warnings() == 1
    assert (seed_index_copy / THROTTLE_FILE).is_file()

    async with serving(fake, seed_index_copy, warm_engine):
        for _ in range(3):
            fake.enqueue(fake.private_message(RINGS_QUESTION))
        fake.enqueue(fake.private_message(RINGS_QUESTION, user_id=BOB, first_name="Bob"))
        await fake.wait_for_messages(BOB, 1, timeout=60)  # the updates have been handled
        await asyncio.sleep(1.0)
    after_restart = fake.messages_to(ALICE)[7:]
    # A fresh budget would answer all three; the restored one has refilled one at most, and
    # the user was already told to slow down in this burst.
    assert len(after_restart) < 3, [m.text[:60] for m in after_restart]
    assert warnings() == 1
