"""The Telegram handlers' typed context: the Services in ``bot_data``, as ``context.services``.

python-telegram-bot's ``ContextTypes`` makes ``bot_data`` a ``BotData`` and every handler's
context a ``NewsbotContext``, so handlers get the engine, settings and caches without keys or
``isinstance`` checks.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services import Services

__all__ = ["CONTEXT_TYPES", "BotData", "NewsbotContext", "Services"]


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
