"""A thread-tolerant dictionary that forgets its oldest entries beyond a size limit."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """Insertion-ordered mapping that keeps at most ``limit`` entries."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __setitem__(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)

    def __len__(self) -> int:
        return len(self._items)

    def trim(self) -> None:
        """Drop the oldest entries until at most ``limit`` remain."""
        with self._lock:
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
