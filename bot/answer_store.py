"""A bounded in-memory store of recent answers, so that buttons can page through them."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass

from retrieval import Answer

__all__ = ["AnswerStore", "StoredAnswer"]


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer with who asked it, for checking who may press its buttons."""

    answer: Answer
    user_id: int
    chat_id: int
    truncated: bool = False


class AnswerStore:
    """Least-recently-used map from short random keys to answers.

    Keys are 8 URL-safe characters, so callback data that carries one stays far below
    Telegram's 64-byte limit. The oldest answers are forgotten once ``capacity`` is reached;
    their buttons then get a polite "please ask again".
    """

    def __init__(self, *, capacity: int = 2_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items: OrderedDict[str, StoredAnswer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def put(self, stored: StoredAnswer) -> str:
        """Store an answer and return its key."""
        key = secrets.token_urlsafe(6)
        while key in self._items:
            key = secrets.token_urlsafe(6)
        self._items[key] = stored
        if len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> StoredAnswer | None:
        """Return the answer stored under ``key``, or None when it was forgotten."""
        stored = self._items.get(key)
        if stored is not None:
            self._items.move_to_end(key)
        return stored
