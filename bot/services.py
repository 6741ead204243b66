"""What every front end's handlers share: the engine, the settings, answers, limits, counters."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from bot.answer_store import AnswerStore
from bot.conversation import Conversations
from bot.settings import Settings
from bot.throttle import Throttle
from retrieval import Engine, Follower

__all__ = ["Services"]


@dataclass(slots=True)
class Services:
    """What every handler needs besides the update; one instance serves every front end.

    Attributes:
        engine: The retrieval engine; its methods are blocking, so call them via
            ``asyncio.to_thread``.
        settings: The validated settings.
        answers: Recent answers, for the buttons under them.
        conversations: Recent conversations per chat and person, for follow-up questions.
        throttle: Per-user limit on questions and button presses.
        inline_throttle: Per-user limit on Telegram inline queries (they arrive while the
            user types).
        reload_lock: Held while ``/reload`` re-ingests the seeds.
        counters: Questions, answers, refusals and errors since start, for ``/stats``.
        started: ``time.monotonic()`` at start, for the uptime in ``/stats``.
        typing_after: Seconds an answer may take before the chat shows "typing…". Fast
            answers skip it: every chat action is a request against the platform's flood
            limits, and a reply that arrives at once needs no indicator.
        follower: Adds web pages and polls feeds into ``engine``'s index (admins' ``/add``
            and ``/feeds``); None when the front end runs without one.
    """

    engine: Engine
    settings: Settings
    answers: AnswerStore = field(default_factory=AnswerStore)
    conversations: Conversations = field(default_factory=Conversations)
    throttle: Throttle = field(default_factory=Throttle)
    inline_throttle: Throttle = field(default_factory=lambda: Throttle(capacity=30.0, rate=3.0))
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    counters: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    typing_after: float = 0.25
    follower: Follower | None = None
