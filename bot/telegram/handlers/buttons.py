"""The handler for presses on the buttons under answers, /sources and /feeds."""

from __future__ import annotations

import asyncio

from telegram import Message, Update

from bot.telegram.callbacks import (
    ArticlesButton,
    FeedButton,
    answer_keyboard,
    articles_keyboard,
    parse_callback,
)
from bot.telegram.handlers.commands import ARTICLES_PAGE_SIZE
from bot.telegram.handlers.follow import on_feed_button
from bot.telegram.render.formatting import format_answer, format_articles, page_count
from bot.telegram.replies import Context, edit_pieces

__all__ = ["on_button"]

_STALE_BUTTON = "This answer has expired (I keep only recent answers). Please ask again."
_FOREIGN_BUTTON = "Only the person who asked can use these buttons. Ask your own with /ask."


async def on_button(update: Update, context: Context) -> None:
    """Buttons under answers and under /sources: edit the message to the chosen page or view."""
    query = update.callback_query
    if query is None:
        return
    services = context.services
    target = parse_callback(query.data)
    message = query.message
    if target is None or not isinstance(message, Message):
        await query.answer(_STALE_BUTTON)
        return
    if not services.throttle.check(query.from_user.id).allowed:
        await query.answer("Too many presses; please wait a few seconds.")
        return

    if isinstance(target, FeedButton):
        await on_feed_button(update, context, target)
        return

    if isinstance(target, ArticlesButton):
        articles = await asyncio.to_thread(services.engine.articles)
        pages = max(1, -(-len(articles) // ARTICLES_PAGE_SIZE))
        page = min(target.page, pages - 1)
        pieces = format_articles(articles, page=page, page_size=ARTICLES_PAGE_SIZE)
        await edit_pieces(context, message, pieces, articles_keyboard(page=page, pages=pages))
        await query.answer()
        return

    stored = services.answers.get(target.key)
    if stored is None or stored.chat_id != message.chat_id:
        await query.answer(_STALE_BUTTON, show_alert=True)
        return
    if stored.user_id != query.from_user.id:
        await query.answer(_FOREIGN_BUTTON)
        return
    # After a restart only the question survived: it is answered again (the same answer).
    answer = await services.answers.answer(target.key, stored, services.engine)
    pages = page_count(answer)
    page = min(target.page, pages - 1)
    pieces = format_answer(answer, view=target.view, page=page, truncated=stored.truncated)
    keyboard = answer_keyboard(target.key, view=target.view, page=page, pages=pages)
    await edit_pieces(context, message, pieces, keyboard)
    await query.answer()
