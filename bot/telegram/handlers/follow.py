"""Admin commands that follow the web: /add URL and /feeds (list, add, remove, check now).

Both are for configured admins in a private chat, like /reload and /stats; so are the buttons
under /feeds. Fetching runs on the event loop (aiohttp) and indexing in a worker thread, so
the bot keeps answering questions while a page is added or the feeds are checked.
"""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Message, Update

from bot.follow_view import describe_every, describe_refresh, feed_result_line
from bot.services import Services
from bot.telegram.callbacks import FeedButton, feeds_keyboard
from bot.telegram.handlers.commands import is_admin_here, refused_unless_admin
from bot.telegram.render.follow import format_added, format_feeds
from bot.telegram.render.richtext import Span, split_blocks
from bot.telegram.replies import Context, edit_pieces, reply, send_pieces
from retrieval import DEFAULT_EVERY, Follower, RetrievalError

__all__ = ["MAX_URLS", "add", "feeds", "on_feed_button"]

_LOGGER = logging.getLogger(__name__)

MAX_URLS = 20
"""Most URLs one /add takes."""

_ADD_USAGE = (
    "Send <code>/add URL</code> with the web address of a news article (up to 20 addresses,"
    " separated by spaces). I fetch it, read the story and reply with its title and date."
)
_FEEDS_USAGE = (
    "Use <code>/feeds</code> to list the feeds, <code>/feeds add URL [every]</code> to follow"
    " one (every: 30m, 2h, 1d; default 30m) and <code>/feeds remove URL</code> to stop."
)
_NO_FOLLOWER = "Following the web is not available in this bot."
_ADMIN_BUTTON = "Only the bot's administrators can change the feeds, in a private chat."


async def add(update: Update, context: Context) -> None:
    """/add URL [URL ...] (admins only): fetch pages, index their articles, say what was added."""
    if await refused_unless_admin(update, context, "add"):
        return
    follower = context.services.follower
    urls = list(context.args or [])
    if follower is None:
        await reply(update, context, _NO_FOLLOWER)
        return
    if not urls or len(urls) > MAX_URLS:
        await reply(update, context, _ADD_USAGE)
        return
    count = f"{len(urls)} page{'s' if len(urls) != 1 else ''}"
    await reply(update, context, f"Fetching {count}; I keep answering meanwhile.")
    try:
        report = await follower.add(urls)
    except RetrievalError as exc:
        _LOGGER.exception("/add failed")
        await reply(update, context, f"Could not add: {html.escape(str(exc))}")
        return
    context.services.counters["pages_added"] += len(report.ingest.added)
    message = update.effective_message
    if message is not None:
        await send_pieces(context, message.chat_id, format_added(report))


async def feeds(update: Update, context: Context) -> None:
    """/feeds [add URL [every] | remove URL] (admins only): the followed feeds, with buttons."""
    if await refused_unless_admin(update, context, "feeds"):
        return
    follower = context.services.follower
    if follower is None:
        await reply(update, context, _NO_FOLLOWER)
        return
    args = list(context.args or [])
    if args:
        done = await _change(follower, args)
        await reply(update, context, done)
    message = update.effective_message
    if message is not None:
        await _send_list(context, message.chat_id, follower)


async def on_feed_button(update: Update, context: Context, target: FeedButton) -> None:
    """A press under /feeds: remove that feed, or check every feed now."""
    query = update.callback_query
    services: Services = context.services
    if query is None:
        return
    follower = services.follower
    message = query.message
    if follower is None or not isinstance(message, Message):
        await query.answer(_NO_FOLLOWER)
        return
    if not is_admin_here(update, services):
        services.counters["admin_refusals"] += 1
        await query.answer(_ADMIN_BUTTON, show_alert=True)
        return
    if target.action == "remove":
        feed = await asyncio.to_thread(follower.store.feed_by_id, target.feed_id)
        if feed is not None:
            await asyncio.to_thread(follower.unfollow, feed.url)
        await query.answer("Stopped following it." if feed else "Already removed.")
        await _edit_list(context, message, follower)
        return
    await query.answer("Checking every feed now…")
    try:
        report = await follower.refresh(force=True)
    except RetrievalError as exc:
        _LOGGER.exception("checking the feeds failed")
        await send_pieces(context, message.chat_id, [f"Check failed: {html.escape(str(exc))}"])
        return
    results = list(report.feeds)
    lines = [describe_refresh(results), *(feed_result_line(r) for r in results)]
    await send_pieces(context, message.chat_id, split_blocks([(Span("\n".join(lines)),)]))
    await _edit_list(context, message, follower)


async def _change(follower: Follower, args: list[str]) -> str:
    """Run ``/feeds add|remove ...``; the reply, as HTML."""
    action, rest = args[0].lower(), args[1:]
    if action == "add" and 1 <= len(rest) <= 2:
        every = rest[1] if len(rest) == 2 else DEFAULT_EVERY
        try:
            feed, created = await asyncio.to_thread(follower.follow, rest[0], every=every)
        except ValueError as exc:
            return html.escape(str(exc))
        verb = "Now following" if created else "Already following; updated"
        return (
            f"{verb} <code>{html.escape(feed.url)}</code> every "
            f"{describe_every(feed.every)}. I check it within a minute."
        )
    if action == "remove" and len(rest) == 1:
        if await asyncio.to_thread(follower.unfollow, rest[0]):
            return f"Stopped following <code>{html.escape(rest[0])}</code>."
        return f"I do not follow <code>{html.escape(rest[0])}</code>."
    return _FEEDS_USAGE


async def _send_list(context: Context, chat_id: int, follower: Follower) -> None:
    followed = await asyncio.to_thread(follower.feeds)
    keyboard = feeds_keyboard([feed.id for feed in followed]) if followed else None
    await send_pieces(context, chat_id, format_feeds(followed), keyboard=keyboard)


async def _edit_list(context: Context, message: Message, follower: Follower) -> None:
    followed = await asyncio.to_thread(follower.feeds)
    keyboard = feeds_keyboard([feed.id for feed in followed]) if followed else None
    await edit_pieces(context, message, format_feeds(followed), keyboard)
