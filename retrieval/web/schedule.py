"""When a feed is due for polling: ``--every`` durations, backoff after failures, Retry-After.

A feed never polled is due at once; after a successful poll (304 included) it is due again
``every`` later; after consecutive failures the wait doubles each time, up to ``max_backoff``
(never below ``every``); a server's Retry-After pushes the next poll later still. Pure
functions of a ``PollState`` and the time: nothing here sleeps or reads a clock by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_INTERVAL = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=24)

_PART = re.compile(r"(\d+)\s*([smhd])", re.IGNORECASE)
_DURATION = re.compile(r"\s*(?:\d+\s*[smhd]\s*)+", re.IGNORECASE)
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DOUBLINGS_CAP = 32  # 2**32 intervals is far beyond any cap; avoids huge integers


@dataclass(frozen=True, slots=True)
class PollState:
    """What is known about a feed's polling history.

    Attributes:
        last_poll: When it was last polled (successfully or not), or None if never.
        failures: Consecutive failed polls since the last success.
        retry_after: The earliest time the server allows the next poll, or None.
    """

    last_poll: datetime | None = None
    failures: int = 0
    retry_after: datetime | None = None


def parse_duration(text: str, *, minimum: timedelta = MIN_INTERVAL) -> timedelta:
    """Read a polling interval such as ``30m``, ``2h``, ``90s``, ``1d`` or ``1h30m``.

    Args:
        text: A number and a unit (s, m, h, d), possibly several (``1h30m``).
        minimum: The shortest interval accepted.

    Returns:
        The interval.

    Raises:
        ValueError: ``text`` is not a duration, or shorter than ``minimum``; the message says
            what to write instead.
    """
    if not _DURATION.fullmatch(text):
        raise ValueError(
            f"{text!r} is not a duration; write a number and a unit, like 30m, 2h, 90s or 1d"
        )
    duration = sum(
        (timedelta(**{_UNIT[unit.lower()]: int(count)}) for count, unit in _PART.findall(text)),
        timedelta(),
    )
    if duration < minimum:
        raise ValueError(
            f"{text.strip()} is too often: feeds are polled at most every "
            f"{_describe(minimum)}; give {_describe(minimum)} or more"
        )
    return duration


def next_poll(
    state: PollState, *, every: timedelta, max_backoff: timedelta = MAX_BACKOFF
) -> datetime | None:
    """Return when the feed is next due, or None when it is due at once (never polled).

    Args:
        state: The feed's polling history.
        every: The interval between successful polls.
        max_backoff: The longest wait after failures (unless ``every`` is longer).
    """
    if state.last_poll is None:
        return state.retry_after
    wait = every
    if state.failures:
        wait = max(every, min(every * 2 ** min(state.failures, _DOUBLINGS_CAP), max_backoff))
    due = state.last_poll + wait
    if state.retry_after is not None and state.retry_after > due:
        return state.retry_after
    return due


def is_due(
    state: PollState, *, every: timedelta, now: datetime, max_backoff: timedelta = MAX_BACKOFF
) -> bool:
    """Return whether the feed should be polled at ``now``."""
    due = next_poll(state, every=every, max_backoff=max_backoff)
    return due is None or now >= due


def after_success(state: PollState, *, now: datetime) -> PollState:
    """The state after a successful poll (new items or 304 Not Modified) at ``now``."""
    del state  # a success forgets every failure and any Retry-After
    return PollState(last_poll=now)


def after_failure(
    state: PollState, *, now: datetime, retry_after: float | None = None
) -> PollState:
    """The state after a failed poll at ``now``.

    Args:
        state: The state before the poll.
        now: When the poll failed.
        retry_after: Seconds the server asked to wait (Retry-After), if it did.
    """
    until = now + timedelta(seconds=retry_after) if retry_after is not None else None
    return PollState(last_poll=now, failures=state.failures + 1, retry_after=until)


def _describe(duration: timedelta) -> str:
    seconds = int(duration.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
