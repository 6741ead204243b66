"""Conversations are kept per chat and person and per answer message, for 10 minutes, bounded."""

from __future__ import annotations

import threading

import pytest

from bot.conversation import CONVERSATION_TTL_S, Conversations
from retrieval import Answer, Citation, Turn

CHAT, GROUP = 10, -20
ALICE, BOB = 1, 2


class Clock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _turns(question: str, citations: int = 0) -> tuple[Turn, ...]:
    cited = tuple(
        Citation(
            rank=rank,
            excerpt=f"Excerpt {rank}.",
            highlight=(0, 8),
            score=1.0,
            title="T",
            publisher=None,
            published=None,
            url=None,
            source=f"{rank}.txt",
        )
        for rank in range(1, citations + 1)
    )
    return (Turn(question, Answer(question, citations=cited)),)


def test_a_person_continues_their_own_conversation_in_that_chat_only() -> None:
    conversations = Conversations()
    conversations.remember(GROUP, ALICE, _turns("Who built the bridge?"))

    assert [t.question for t in conversations.context(GROUP, ALICE)] == ["Who built the bridge?"]
    assert conversations.context(GROUP, BOB) == ()
    assert conversations.context(CHAT, ALICE) == ()


def test_a_reply_to_an_answer_continues_that_answer_for_anyone() -> None:
    conversations = Conversations()
    alice_turns = _turns("Who built the bridge?")
    conversations.remember(GROUP, ALICE, alice_turns)
    conversations.answered_by(GROUP, [501, 502], alice_turns)
    conversations.remember(GROUP, BOB, _turns("What is the weather in Lima?"))

    for message_id in (501, 502):
        context = conversations.context(GROUP, BOB, reply_to=message_id)
        assert [t.question for t in context] == ["Who built the bridge?"]
    # A reply to a message the store does not know falls back to the person's own context.
    assert [t.question for t in conversations.context(GROUP, BOB, reply_to=999)] == [
        "What is the weather in Lima?"
    ]


def test_everything_is_forgotten_after_ten_minutes() -> None:
    clock = Clock()
    conversations = Conversations(clock=clock)
    turns = _turns("Who built the bridge?")
    conversations.remember(CHAT, ALICE, turns)
    conversations.answered_by(CHAT, [7], turns)

    clock.now += CONVERSATION_TTL_S - 1
    assert conversations.context(CHAT, ALICE)
    assert conversations.context(CHAT, BOB, reply_to=7)
    clock.now += 2
    assert conversations.context(CHAT, ALICE) == ()
    assert conversations.context(CHAT, BOB, reply_to=7) == ()


def test_forget_starts_a_person_afresh_but_replies_still_follow_their_answer() -> None:
    conversations = Conversations()
    turns = _turns("Who built the bridge?")
    conversations.remember(CHAT, ALICE, turns)
    conversations.answered_by(CHAT, [7], turns)

    conversations.forget(CHAT, ALICE)

    assert conversations.context(CHAT, ALICE) == ()
    assert conversations.context(CHAT, ALICE, reply_to=7)


def test_memory_is_bounded_and_the_oldest_go_first() -> None:
    clock = Clock()
    conversations = Conversations(capacity=3, clock=clock)
    for user in range(5):
        clock.now += 1
        conversations.remember(CHAT, user, _turns(f"question {user}"))
        conversations.answered_by(CHAT, [100 + user], _turns(f"question {user}"))

    assert len(conversations) == 3
    assert conversations.context(CHAT, 0) == ()
    assert conversations.context(CHAT, 1) == ()
    assert conversations.context(CHAT, 4)
    assert conversations.context(CHAT, 9, reply_to=101) == ()
    assert conversations.context(CHAT, 9, reply_to=104)


def test_expired_conversations_are_dropped_when_new_ones_arrive() -> None:
    clock = Clock()
    conversations = Conversations(clock=clock)
    for user in range(50):
        conversations.remember(CHAT, user, _turns("q"))
    clock.now += CONVERSATION_TTL_S + 1
    conversations.remember(CHAT, 99, _turns("q"))

    assert len(conversations) == 1


def test_only_the_first_citation_of_each_answer_is_kept() -> None:
    conversations = Conversations()
    conversations.remember(CHAT, ALICE, _turns("Who built the bridge?", citations=9))

    (turn,) = conversations.context(CHAT, ALICE)
    assert [c.rank for c in turn.answer.citations] == [1]


def test_many_threads_at_once() -> None:
    conversations = Conversations(capacity=100)

    def work(user: int) -> None:
        for n in range(200):
            conversations.remember(CHAT, user, _turns(f"{user}-{n}"))
            conversations.answered_by(CHAT, [user * 1000 + n], _turns(f"{user}-{n}"))
            conversations.context(CHAT, user, reply_to=user * 1000 + n)

    threads = [threading.Thread(target=work, args=(user,)) for user in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(conversations) == 8
    assert [t.question for t in conversations.context(CHAT, 3)] == ["3-199"]


@pytest.mark.parametrize(("ttl_s", "capacity"), [(0.0, 10), (600.0, 0)])
def test_bad_limits_are_refused(ttl_s: float, capacity: int) -> None:
    with pytest.raises(ValueError, match="ttl_s"):
        Conversations(ttl_s=ttl_s, capacity=capacity)
