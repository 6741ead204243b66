"""Tests of bot.telegram.callbacks and bot.answer_store: button data and the answers behind it."""

from __future__ import annotations

import pytest

from bot.answer_store import AnswerStore, StoredAnswer
from bot.telegram.callbacks import (
    AnswerButton,
    ArticlesButton,
    answer_keyboard,
    articles_keyboard,
    parse_callback,
)
from bot.telegram.render.formatting import View
from retrieval import Answer, Refusal


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


def test_store_is_a_bounded_lru() -> None:
    store = AnswerStore(capacity=2)
    stored = StoredAnswer(Answer("q", refusal=Refusal.NOT_COVERED), user_id=1, chat_id=1)
    first = store.put(stored)
    second = store.put(stored)
    assert store.get(first) is stored  # touch: `second` is now the oldest
    third = store.put(stored)

    assert store.get(second) is None
    assert store.get(first) is stored
    assert store.get(third) is stored
    assert len(first) == 8
