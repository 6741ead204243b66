"""Tests of bot.answer_store: bounded, expiring, on disk, answered again after a restart."""

from __future__ import annotations

from pathlib import Path

from bot.answer_store import AnswerStore, StoredAnswer
from retrieval import Answer, Engine, Refusal

QUESTION = StoredAnswer("Who did Putin give rings to?", user_id=1, chat_id=2, top_k=9)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_oldest_questions_are_forgotten_beyond_capacity() -> None:
    store = AnswerStore(capacity=2)
    keys = [store.put(QUESTION) for _ in range(3)]

    assert store.get(keys[0]) is None
    assert store.get(keys[1]) == QUESTION
    assert store.get(keys[2]) == QUESTION
    assert len(store) == 2
    assert all(len(key) == 8 for key in keys)


def test_questions_expire_after_max_age() -> None:
    clock = Clock()
    store = AnswerStore(max_age_s=60, clock=clock)
    key = store.put(QUESTION, Answer("q", refusal=Refusal.NOT_COVERED))
    clock.now += 59
    assert store.get(key) == QUESTION
    clock.now += 2
    assert store.get(key) is None


def test_questions_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "answers.sqlite"
    first = AnswerStore.open(path)
    key = first.put(QUESTION)
    first.close()

    assert AnswerStore.open(path).get(key) == QUESTION


def test_an_unusable_path_falls_back_to_memory(tmp_path: Path) -> None:
    store = AnswerStore.open(tmp_path / "missing-folder" / "answers.sqlite")

    assert store.path is None
    assert store.get(store.put(QUESTION)) == QUESTION


async def test_after_a_restart_the_stored_question_is_answered_again_identically(
    tmp_path: Path, seed_engine: Engine
) -> None:
    path = tmp_path / "answers.sqlite"
    original = seed_engine.answer(QUESTION.question, top_k=QUESTION.top_k)
    key = AnswerStore.open(path).put(QUESTION, original)

    restarted = AnswerStore.open(path)
    stored = restarted.get(key)
    assert stored is not None
    again = await restarted.answer(key, stored, seed_engine)

    assert again == original
    assert [c.url for c in again.citations] == [c.url for c in original.citations]
