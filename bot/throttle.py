"""Per-user token buckets that keep one person from monopolising the bot."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["Throttle", "Verdict"]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one request.

    Attributes:
        allowed: True when the request may go ahead.
        retry_after: Seconds until the next request would be allowed (0 when allowed).
        warn: True for the first refusal of a burst: tell the user once, then stay quiet.
    """

    allowed: bool
    retry_after: float = 0.0
    warn: bool = False


class Throttle:
    """A token bucket per user: ``capacity`` requests at once, refilled at ``rate`` per second.

    Only the ``max_users`` most recently seen users are remembered, so memory stays bounded;
    a forgotten user starts again with a full bucket.
    """

    def __init__(
        self,
        *,
        capacity: float = 6.0,
        rate: float = 0.5,
        max_users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or rate <= 0 or max_users < 1:
            raise ValueError("capacity must be >= 1, rate > 0 and max_users >= 1")
        self.capacity = capacity
        self.rate = rate
        self.max_users = max_users
        self._clock = clock
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, user_id: int) -> Verdict:
        """Take one token from ``user_id``'s bucket if there is one."""
        now = self._clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = _Bucket(tokens=self.capacity, updated=now)
            self._buckets[user_id] = bucket
            if len(self._buckets) > self.max_users:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(user_id)
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict(allowed=True)
        warn = not bucket.warned
        bucket.warned = True
        return Verdict(allowed=False, retry_after=(1 - bucket.tokens) / self.rate, warn=warn)

    def dump(self) -> list[tuple[int, float, float, bool]]:
        """Every bucket as ``(user_id, tokens, seconds since its last update, warned)``,
        least recently seen first (what ``load`` takes back, after a restart)."""
        now = self._clock()
        return [
            (user_id, bucket.tokens, max(0.0, now - bucket.updated), bucket.warned)
            for user_id, bucket in self._buckets.items()
        ]

    def load(self, rows: Iterable[tuple[int, float, float, bool]], *, elapsed: float) -> None:
        """Take back buckets from ``dump``, ``elapsed`` seconds later; they refill meanwhile."""
        now = self._clock()
        for user_id, saved, age, warned in rows:
            tokens = min(self.capacity, max(0.0, float(saved)))
            updated = now - max(0.0, float(age)) - max(0.0, elapsed)
            self._buckets[int(user_id)] = _Bucket(tokens, updated, bool(warned))
            self._buckets.move_to_end(int(user_id))
            if len(self._buckets) > self.max_users:
                self._buckets.popitem(last=False)
