"""Builds the python-telegram-bot Application: the only ApplicationBuilder in newsbot."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.answer_store import AnswerStore
from bot.services import Services
from bot.settings import Settings
from bot.telegram.context import CONTEXT_TYPES, BotData
from bot.telegram.handlers import buttons, commands, error_handler, follow, inline, questions
from bot.telegram.ratelimit import RetryingRateLimiter
from bot.throttle import Throttle
from retrieval import Engine

__all__ = ["CONCURRENT_UPDATES", "NewsbotApplication", "build_application"]

CONCURRENT_UPDATES = 32
"""Updates handled at once; retrieval runs in threads, so slow answers do not block others."""

NewsbotApplication = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    settings: Settings,
    engine: Engine,
    *,
    throttle: Throttle | None = None,
    inline_throttle: Throttle | None = None,
    answers: AnswerStore | None = None,
    rate_limiter: RetryingRateLimiter | None = None,
    services: Services | None = None,
) -> NewsbotApplication:
    """Build the bot's Application with every handler registered.

    Args:
        settings: Token, Bot API base URL and admin ids; webhook mode builds no Updater.
        engine: The retrieval engine, stored in ``bot_data`` for the handlers.
        throttle: Per-user limit on questions (default: 6 at once, one more every 2 s).
        inline_throttle: Per-user limit on inline queries.
        answers: Store of recent answers for the buttons.
        rate_limiter: Outgoing flood control (default: ``RetryingRateLimiter()``).
        services: What the handlers share, when ``newsbot serve`` shares it with other front
            ends; by default new Services for ``engine`` and ``settings``.

    Returns:
        An Application, not yet initialized. ``post_init`` registers the command menu; it runs
        under ``run_polling``, and ``bot.telegram.runner`` calls it itself.

    Raises:
        ValueError: When ``settings`` holds no Telegram token.
    """
    if settings.token is None:
        raise ValueError("the Telegram front end needs settings.token (TELEGRAM_BOT_TOKEN)")
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .context_types(CONTEXT_TYPES)
        .base_url(settings.api_base_url)
        .rate_limiter(rate_limiter or RetryingRateLimiter())
        .concurrent_updates(CONCURRENT_UPDATES)
        # One connection per concurrent update, plus room for buttons and chat actions.
        .connection_pool_size(CONCURRENT_UPDATES + 8)
        .pool_timeout(10.0)
        .post_init(commands.post_init)
    )
    if settings.webhook_mode:
        builder = builder.updater(None)
    application: NewsbotApplication = builder.build()

    if services is None:
        services = Services(engine=engine, settings=settings)
    if throttle is not None:
        services.throttle = throttle
    if inline_throttle is not None:
        services.inline_throttle = inline_throttle
    if answers is not None:
        services.answers = answers
    bot_data: BotData = application.bot_data
    bot_data.services = services
    _add_handlers(application)
    return application


def _add_handlers(application: NewsbotApplication) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    new_message = filters.UpdateType.MESSAGE
    command_handlers = {
        "start": commands.start,
        "help": commands.help_command,
        "ask": questions.ask,
        "new": commands.new_conversation,
        "sources": commands.sources,
        "about": commands.about,
        "reload": commands.reload,
        "stats": commands.stats,
        "add": follow.add,
        "feeds": follow.feeds,
    }
    for name, callback in command_handlers.items():
        application.add_handler(CommandHandler(name, callback, filters=new_message))
    application.add_handler(
        MessageHandler(
            private & new_message & filters.TEXT & ~filters.COMMAND, questions.on_private_text
        )
    )
    application.add_handler(
        MessageHandler(private & new_message & filters.COMMAND, commands.unknown_command)
    )
    application.add_handler(
        MessageHandler(private & new_message & ~filters.TEXT, questions.on_private_other)
    )
    application.add_handler(
        MessageHandler(
            groups & new_message & filters.TEXT & ~filters.COMMAND, questions.on_group_message
        )
    )
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_error_handler(error_handler.on_error)
