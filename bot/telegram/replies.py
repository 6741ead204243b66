"""Sending and editing HTML replies: the plumbing every handler uses to answer in a chat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError

from bot.telegram.context import NewsbotContext
from bot.view import GENERIC_EXAMPLE, example_question
from retrieval import RetrievalError

__all__ = [
    "EXAMPLE",
    "NO_PREVIEW",
    "Context",
    "edit_pieces",
    "example",
    "reply",
    "send_pieces",
    "show_typing",
]

_LOGGER = logging.getLogger(__name__)

Context = NewsbotContext

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
EXAMPLE = GENERIC_EXAMPLE
"""The example question where the corpus is not looked at (inline mode's hint)."""


async def example(context: Context) -> str:
    """An example question about the newest article served (hints, /start, /help)."""
    try:
        articles = await asyncio.to_thread(context.services.engine.articles)
    except RetrievalError:
        return EXAMPLE
    return example_question(articles)


async def send_pieces(
    context: Context,
    chat_id: int,
    pieces: Sequence[str],
    *,
    reply_to: int | None = None,
    keyboard: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send HTML pieces in order: the first replies to ``reply_to``, the last has the buttons."""
    sent: list[Message] = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        sent.append(
            await context.bot.send_message(
                chat_id,
                piece,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None and index == 0
                    else None
                ),
                reply_markup=keyboard if last else None,
            )
        )
    return sent


async def reply(
    update: Update, context: Context, html_text: str, *, quote: bool | None = None
) -> None:
    """Reply with one HTML message; in groups it quotes the message being answered."""
    message = update.effective_message
    if message is None:
        return
    in_group = message.chat.type != ChatType.PRIVATE
    reply_to = message.message_id if (in_group if quote is None else quote) else None
    await send_pieces(context, message.chat_id, [html_text], reply_to=reply_to)


async def show_typing(context: Context, chat_id: int) -> None:
    """Show "typing…"; a failure here must not cost the user the answer."""
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:
        _LOGGER.debug("sendChatAction failed: %s", exc)


async def edit_pieces(
    context: Context,
    message: Message,
    pieces: Sequence[str],
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    """Replace ``message`` with the first piece; further pieces follow as new messages."""
    try:
        await context.bot.edit_message_text(
            pieces[0],
            chat_id=message.chat_id,
            message_id=message.message_id,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=keyboard if len(pieces) == 1 else None,
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
    if len(pieces) > 1:
        await send_pieces(context, message.chat_id, pieces[1:], keyboard=keyboard)
