"""Tests of bot.throttle: per-user token buckets."""

from __future__ import annotations

import pytest

from bot.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill() -> None:
    clock = Clock()
    throttle = Throttle(capacity=3, rate=1.0, clock=clock)

    assert [throttle.check(1).allowed for _ in range(4)] == [True, True, True, False]
    assert throttle.check(2).allowed  # other users are unaffected
    clock.now = 1.0
    assert throttle.check(1).allowed
    assert not throttle.check(1).allowed


def test_warns_once_per_burst() -> None:
    clock = Clock()
    throttle = Throttle(capacity=1, rate=0.5, clock=clock)
    throttle.check(1)

    first, second = throttle.check(1), throttle.check(1)
    assert first.warn
    assert not second.warn
    assert first.retry_after == pytest.approx(2.0)
    clock.now = 2.0
    assert throttle.check(1).allowed
    assert throttle.check(1).warn


def test_memory_is_bounded() -> None:
    throttle = Throttle(max_users=10)
    for user in range(100):
        throttle.check(user)
    assert len(throttle) == 10


def test_invalid_parameters() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Throttle(capacity=0)
