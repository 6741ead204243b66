"""The error handler: log any failure no handler explained, and tell the user something broke."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.telegram.replies import Context, reply

__all__ = ["on_error"]

_LOGGER = logging.getLogger(__name__)

_ERROR_TEXT = (
    "Sorry, something went wrong while answering. Please try again in a minute;"
    " if it keeps happening, tell the bot's administrator."
)


async def on_error(update: object, context: Context) -> None:
    """Log any unhandled failure and tell the user, so the bot keeps serving."""
    _LOGGER.error("update %s failed", _describe(update), exc_info=context.error)
    services = context.bot_data.services
    if services is not None:
        services.counters["errors"] += 1
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(_ERROR_TEXT[:200])
        elif update.effective_message is not None and update.effective_chat is not None:
            await reply(update, context, _ERROR_TEXT)
    except TelegramError as exc:
        _LOGGER.warning("could not tell the user about the failure: %s", exc)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        return f"update_id={update.update_id}"
    return type(update).__name__
