"""What handlers share, typed: the Services in ``bot_data``, reached as ``context.services``.

python-telegram-bot's ``ContextTypes`` makes ``bot_data`` a ``BotData`` and every handler's
context a ``NewsbotContext``, so handlers get the engine, settings and caches without keys or
``isinstance`` checks.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.answer_store import AnswerStore
from bot.settings import Settings
from bot.throttle import Throttle
from retrieval import Engine

__all__ = ["CONTEXT_TYPES", "BotData", "NewsbotContext", "Services"]


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


class BotData:
    """``Application.bot_data``: the Services, attached by ``build_application``."""

    def __init__(self) -> None:
        self.services: Services | None = None


class NewsbotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context every newsbot handler gets."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        """The engine, settings and shared state.

        Raises:
            RuntimeError: When the Application was not made by ``build_application``.
        """
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("bot_data holds no Services: build it with build_application")
        return services


CONTEXT_TYPES = ContextTypes(context=NewsbotContext, bot_data=BotData)
