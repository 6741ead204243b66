"""Tests of bot.telegram.callbacks: button data within Telegram's 64 bytes, and keyboards."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.telegram.callbacks import (
    AnswerButton,
    ArticlesButton,
    answer_keyboard,
    articles_keyboard,
    parse_callback,
)
from bot.telegram.render.formatting import View
from retrieval import Engine
from tests.support.fake_telegram import FakeTelegram
from tests.telegram.fixtures import ALICE, button_data, fake, serving, warm_engine

__all__ = ["fake", "warm_engine"]  # fixtures used by name


@pytest.mark.parametrize(
    "button",
    [
        AnswerButton("Ab3_-xYz", View.SHORT, 2),
        AnswerButton("k", View.EXCERPTS, 9999),
        ArticlesButton(3),
    ],
)
def test_round_trip_within_64_bytes(button: AnswerButton | ArticlesButton) -> None:
    data = button.data()
    assert len(data.encode()) <= 64
    assert parse_callback(data) == button


@pytest.mark.parametrize(
    "data", [None, "", "a|k|x", "a|k|z|1", "a||x|1", "l|-1", "a|k|x|99999", "x|1"]
)
def test_foreign_data_is_rejected(data: str | None) -> None:
    assert parse_callback(data) is None


def test_keyboard_buttons() -> None:
    keyboard = answer_keyboard("key", view=View.EXCERPTS, page=0, pages=2)
    texts = [button.text for row in keyboard.inline_keyboard for button in row]
    assert texts == ["More sources ▶", "Shorter", "Sources"]
    assert articles_keyboard(page=0, pages=1) is None


async def test_answer_buttons_work_after_a_restart(
    fake: FakeTelegram, seed_index_copy: Path, warm_engine: Engine
) -> None:
    async with serving(fake, seed_index_copy, warm_engine):
        fake.enqueue(fake.private_message("Putin"))
        (reply,) = await fake.wait_for_messages(ALICE, timeout=30)

    # A new process: the answer is gone from memory, the question is in answers.sqlite.
    async with serving(fake, seed_index_copy, warm_engine):
        more = button_data(reply)["More sources ▶"]
        fake.enqueue(fake.callback_query(more, message=reply.message))
        await fake.wait_for(lambda: bool(fake.edits), 30, "the edited answer")

    (edit,) = fake.edits
    assert "[4]" in edit.text
    assert "[1]" not in edit.text
    assert "◀ Previous" in button_data(edit)
    assert "Please ask again" not in str(fake.callback_answers)
