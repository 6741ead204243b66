"""Conversation memory for follow-up questions: per chat and person, and per answer message.

A follow-up ("and in 2023?") is answered in the context of the conversation it continues:

- a reply to one of the bot's answers continues the conversation of that answer, whoever
  replies (in groups, context follows reply chains);
- otherwise a person's question continues their own last conversation in that chat, if it
  is younger than ``ttl_s`` (10 minutes); another person's question in a group does not.

Whether a question is a follow-up at all is the engine's call (``Engine.answer(previous=...)``
rewrites it, or leaves a question that stands on its own alone and a new conversation
starts). Everything is forgotten after ``ttl_s``, and at most ``capacity`` conversations and
answer messages are kept, oldest dropped first. The store is safe to use from the event loop
and from worker threads.

How a front end uses it (``bot.asking`` does the first two steps)::

    previous = conversations.context(chat_id, user_id, reply_to=replied_bot_message_id)
    answer = engine.answer(question, previous=previous)
    turns = continue_conversation(previous, answer)
    conversations.remember(chat_id, user_id, turns)
    ...send the answer...
    conversations.answered_by(chat_id, [ids of the messages carrying it], turns)

and ``conversations.forget(chat_id, user_id)`` for "start over" (``/new``).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace

from retrieval import Turn

__all__ = ["CONVERSATION_TTL_S", "Conversations"]

CONVERSATION_TTL_S = 600.0
"""How long a conversation is remembered after its last question: 10 minutes."""


@dataclass(frozen=True, slots=True)
class _Entry:
    turns: tuple[Turn, ...]
    at: float


class _ExpiringMap:
    """Keys to entries in the order they were last written; the oldest expire or are dropped."""

    def __init__(self, *, ttl_s: float, capacity: int) -> None:
        self.ttl_s = ttl_s
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, now: float) -> tuple[Turn, ...]:
        entry = self._entries.get(key)
        if entry is None or now - entry.at > self.ttl_s:
            return ()
        return entry.turns

    def put(self, key: Hashable, entry: _Entry) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        self._trim(entry.at)

    def pop(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def _trim(self, now: float) -> None:
        # Entries are in write order, and every write is "now": the expired ones lead.
        while self._entries:
            oldest = next(iter(self._entries.values()))
            if now - oldest.at <= self.ttl_s and len(self._entries) <= self.capacity:
                break
            self._entries.popitem(last=False)


class Conversations:
    """The recent conversations of every chat, bounded in count and age.

    Args:
        ttl_s: Seconds a conversation is remembered after its last question.
        capacity: Most conversations, and most answer messages, remembered.
        clock: Monotonic time in seconds (a test may pass its own).
    """

    def __init__(
        self,
        *,
        ttl_s: float = CONVERSATION_TTL_S,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_s <= 0 or capacity < 1:
            raise ValueError("ttl_s must be positive and capacity at least 1")
        self._clock = clock
        self._lock = threading.Lock()
        self._by_person = _ExpiringMap(ttl_s=ttl_s, capacity=capacity)
        self._by_message = _ExpiringMap(ttl_s=ttl_s, capacity=capacity)

    def __len__(self) -> int:
        """Conversations remembered (expired ones may still count until the next write)."""
        with self._lock:
            return len(self._by_person)

    def context(
        self, chat_id: int, user_id: int, *, reply_to: int | None = None
    ) -> tuple[Turn, ...]:
        """The turns a question continues, oldest first; empty when it starts afresh.

        Args:
            chat_id: Where it was asked.
            user_id: Who asked.
            reply_to: The bot's message it replies to: that answer's conversation wins.
        """
        now = self._clock()
        with self._lock:
            if reply_to is not None:
                turns = self._by_message.get((chat_id, reply_to), now)
                if turns:
                    return turns
            return self._by_person.get((chat_id, user_id), now)

    def remember(self, chat_id: int, user_id: int, turns: tuple[Turn, ...]) -> None:
        """Make ``turns`` the conversation of ``user_id`` in ``chat_id``, as of now."""
        if not turns:
            return
        entry = _Entry(_slim(turns), self._clock())
        with self._lock:
            self._by_person.put((chat_id, user_id), entry)

    def answered_by(
        self, chat_id: int, message_ids: Iterable[int], turns: tuple[Turn, ...]
    ) -> None:
        """Remember that the messages ``message_ids`` carry the last answer of ``turns``, so a
        reply to any of them continues that conversation."""
        if not turns:
            return
        entry = _Entry(_slim(turns), self._clock())
        with self._lock:
            for message_id in message_ids:
                self._by_message.put((chat_id, message_id), entry)

    def forget(self, chat_id: int, user_id: int) -> None:
        """Start ``user_id`` afresh in ``chat_id``: their next question stands alone."""
        with self._lock:
            self._by_person.pop((chat_id, user_id))


def _slim(turns: tuple[Turn, ...]) -> tuple[Turn, ...]:
    """The turns with only the first citation of each answer: all a rewrite reads, and a
    tenth of the memory."""
    return tuple(
        turn
        if len(turn.answer.citations) <= 1
        else Turn(turn.question, replace(turn.answer, citations=turn.answer.citations[:1]))
        for turn in turns
    )
