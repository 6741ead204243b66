"""Tests for retrieval.web.schedule: --every durations and when a feed is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retrieval.web.schedule import (
    MAX_BACKOFF,
    PollState,
    after_failure,
    after_success,
    is_due,
    next_poll,
    parse_duration,
)

NOON = datetime(2024, 3, 14, 12, 0, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1m", timedelta(minutes=1)),
        ("90s", timedelta(seconds=90)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        (" 2H ", timedelta(hours=2)),
    ],
)
def test_durations_are_a_number_and_a_unit(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "10", "m", "-5m", "1.5h", "5x", "30 minutes", "h1"])
def test_anything_else_is_a_friendly_error(text: str) -> None:
    with pytest.raises(
        ValueError, match=r"is not a duration; write a number and a unit, like 30m"
    ):
        parse_duration(text)


@pytest.mark.parametrize("text", ["30s", "0m", "59s"])
def test_polling_more_often_than_once_a_minute_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"is too often: .* give 1m or more"):
        parse_duration(text)


def test_a_new_feed_is_due_at_once() -> None:
    assert next_poll(PollState(), every=HALF_HOUR) is None
    assert is_due(PollState(), every=HALF_HOUR, now=NOON)


def test_a_feed_is_due_again_when_its_interval_has_passed() -> None:
    state = after_success(PollState(), now=NOON)
    assert next_poll(state, every=HALF_HOUR) == NOON + HALF_HOUR
    assert not is_due(state, every=HALF_HOUR, now=NOON + timedelta(minutes=29))
    assert is_due(state, every=HALF_HOUR, now=NOON + HALF_HOUR)


def test_failures_back_off_exponentially_up_to_a_cap() -> None:
    state = PollState()
    waits = []
    for _ in range(8):
        state = after_failure(state, now=NOON)
        due = next_poll(state, every=HALF_HOUR)
        assert due is not None
        waits.append(due - NOON)
    hours = [wait / timedelta(hours=1) for wait in waits]
    assert hours == [1, 2, 4, 8, 16, 24, 24, 24]
    assert state.failures == 8


def test_backoff_never_polls_more_often_than_the_interval() -> None:
    every = timedelta(days=2)  # longer than the cap
    state = after_failure(after_failure(PollState(), now=NOON), now=NOON)
    assert next_poll(state, every=every) == NOON + every


def test_a_success_forgets_failures_and_retry_after() -> None:
    failing = after_failure(PollState(), now=NOON, retry_after=7200)
    state = after_success(failing, now=NOON + timedelta(hours=3))
    assert state == PollState(last_poll=NOON + timedelta(hours=3))
    assert next_poll(state, every=HALF_HOUR) == NOON + timedelta(hours=3, minutes=30)


def test_retry_after_is_honoured_when_later_than_the_backoff() -> None:
    state = after_failure(PollState(), now=NOON, retry_after=5 * 3600)
    assert state.retry_after == NOON + timedelta(hours=5)
    assert next_poll(state, every=HALF_HOUR) == NOON + timedelta(hours=5)
    assert not is_due(state, every=HALF_HOUR, now=NOON + timedelta(hours=4))
    short = after_failure(PollState(), now=NOON, retry_after=60)
    assert next_poll(short, every=HALF_HOUR) == NOON + timedelta(hours=1)  # backoff is later


def test_retry_after_delays_even_a_feed_never_polled_successfully() -> None:
    state = PollState(retry_after=NOON + timedelta(minutes=10))
    assert next_poll(state, every=HALF_HOUR) == NOON + timedelta(minutes=10)
    assert not is_due(state, every=HALF_HOUR, now=NOON)


def test_the_cap_is_a_keyword_with_a_day_by_default() -> None:
    state = PollState(last_poll=NOON, failures=20)
    assert next_poll(state, every=HALF_HOUR) == NOON + MAX_BACKOFF
    assert next_poll(state, every=HALF_HOUR, max_backoff=timedelta(hours=6)) == NOON + timedelta(
        hours=6
    )
