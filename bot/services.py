"""The objects handlers share through ``application.bot_data``: engine, settings, caches."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext

from bot.answer_store import AnswerStore
from bot.config import Settings
from bot.throttle import Throttle
from retrieval import Engine

__all__ = ["SERVICES_KEY", "Services", "get_services"]

SERVICES_KEY = "newsbot.services"
"""The ``bot_data`` key that holds the ``Services``."""


@dataclass(slots=True)
class Services:
    """What every handler needs besides the update.

    Attributes:
        engine: The retrieval engine; its methods are blocking, so call them via
            ``asyncio.to_thread``.
        settings: The validated settings.
        answers: Recent answers, for the buttons under them.
        throttle: Per-user limit on questions and button presses.
        inline_throttle: Per-user limit on inline queries (they arrive while the user types).
        reload_lock: Held while ``/reload`` re-ingests the seeds.
        counters: Questions, answers, refusals and errors since start, for ``/stats``.
        started: ``time.monotonic()`` at start, for the uptime in ``/stats``.
        typing_after: Seconds an answer may take before the chat shows "typing…". Fast
            answers skip it: every chat action is a request against Telegram's 30-a-second
            flood limit, and a reply that arrives at once needs no indicator.
    """

    engine: Engine
    settings: Settings
    answers: AnswerStore = field(default_factory=AnswerStore)
    throttle: Throttle = field(default_factory=Throttle)
    inline_throttle: Throttle = field(default_factory=lambda: Throttle(capacity=30.0, rate=3.0))
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    counters: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    typing_after: float = 0.25


def get_services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    """Return the ``Services`` stored in ``context.bot_data`` by ``build_application``."""
    services = context.bot_data.get(SERVICES_KEY)
    if not isinstance(services, Services):
        raise TypeError("bot_data holds no Services: build the Application with build_application")
    return services
