"""The bot's commands: /start, /help, /sources, /about, admin-only /stats and /reload, the menu.

The admin commands that follow the web, /add and /feeds, are in ``handlers.follow``.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application

from bot import asking
from bot.conversation import CONVERSATION_TTL_S
from bot.services import Services
from bot.settings import ANONYMOUS_ADMIN_ID
from bot.telegram.callbacks import articles_keyboard
from bot.telegram.context import BotData
from bot.telegram.deep_links import HELP_PAYLOADS, question_from_payload
from bot.telegram.handlers.questions import answer_question
from bot.telegram.render.formatting import format_about, format_articles, format_stats
from bot.telegram.replies import Context, example, reply, send_pieces
from bot.view import describe_ingest
from retrieval import MAX_QUESTION_CHARS, RetrievalError

__all__ = [
    "ADMIN_COMMANDS",
    "ARTICLES_PAGE_SIZE",
    "PUBLIC_COMMANDS",
    "about",
    "help_command",
    "is_admin_here",
    "new_conversation",
    "post_init",
    "refused_unless_admin",
    "reload",
    "sources",
    "start",
    "stats",
    "unknown_command",
]

_LOGGER = logging.getLogger(__name__)

ARTICLES_PAGE_SIZE = 10

PUBLIC_COMMANDS = (
    BotCommand("ask", "Ask a question about the news"),
    BotCommand("new", "Start afresh: forget the previous questions"),
    BotCommand("sources", "List the articles I have read"),
    BotCommand("about", "What I am and how many articles I know"),
    BotCommand("help", "How to ask, in private chats, groups and inline"),
    BotCommand("start", "Welcome and example questions"),
)
ADMIN_COMMANDS = (
    BotCommand("add", "Admin: add news articles by their web address"),
    BotCommand("feeds", "Admin: the RSS/Atom feeds I follow; add and remove them"),
    BotCommand("reload", "Admin: re-ingest the seeds folder without downtime"),
    BotCommand("stats", "Admin: index and bot statistics"),
)

DESCRIPTION = (
    "I answer questions about the news articles I have read, quoting the passages that answer"
    " them and linking to their sources. I never make text up: if the articles don't say it,"
    " I tell you. Send me a question to start."
)
"""What Telegram shows in an empty chat with the bot (setMyDescription, up to 512)."""
SHORT_DESCRIPTION = "Answers questions about the news with quoted excerpts and source links."
"""The bot's profile text and link preview (setMyShortDescription, up to 120)."""

_ADMIN_ONLY = (
    "Sorry, /{command} is only for the bot's administrators, in a private chat with me."
    " Try /help to see what you can do."
)


async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the command menu (public for all, admin ones for admins' chats) and the
    descriptions an empty chat and the profile show."""
    await application.bot.set_my_commands(PUBLIC_COMMANDS)
    try:
        await application.bot.set_my_description(DESCRIPTION)
        await application.bot.set_my_short_description(SHORT_DESCRIPTION)
    except TelegramError as exc:  # cosmetic: never a reason not to start
        _LOGGER.warning("could not set the bot's description: %s", exc)
    bot_data = application.bot_data
    services = bot_data.services if isinstance(bot_data, BotData) else None
    if services is None:
        return
    for admin_id in sorted(services.settings.admin_ids):
        try:
            await application.bot.set_my_commands(
                PUBLIC_COMMANDS + ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id)
            )
        except TelegramError as exc:
            # Telegram refuses a chat scope until the admin has opened a chat with the bot.
            _LOGGER.warning("could not set admin commands for %d: %s", admin_id, exc)


async def start(update: Update, context: Context) -> None:
    """/start: welcome and recent headlines; a deep link's question (``?start=``) is answered."""
    payload = context.args[0] if context.args else ""
    if payload in HELP_PAYLOADS:
        await help_command(update, context)
        return
    question = question_from_payload(payload)
    if question is not None:
        await answer_question(update, context, question)
        return
    services = context.services
    try:
        articles = await asyncio.to_thread(services.engine.articles)
    except RetrievalError:
        _LOGGER.exception("could not list the articles")
        articles = []
    user = update.effective_user
    name = html.escape(user.first_name) if user is not None else "there"
    lines = [
        f"Hi {name}! I answer questions about the news articles I have read, quoting them"
        " and linking to the sources. I never make text up: if the articles don't say it,"
        " I tell you.",
        "",
        f"Just send me a question, for example: <i>{html.escape(await example(context))}</i>",
    ]
    if articles:
        lines += ["", "<b>Recent headlines you can ask about:</b>"]
        lines += [f"• {html.escape(article.title[:200])}" for article in articles[:3]]
    lines += ["", "/help shows more ways to ask; /sources lists every article."]
    await reply(update, context, "\n".join(lines))


async def help_command(update: Update, context: Context) -> None:
    """/help: how to ask in private chats, in groups and inline."""
    username = html.escape(context.bot.username)
    sample = html.escape(await example(context))
    text = (
        "<b>How to ask</b>\n"
        f"• In a private chat, send any question: <i>{sample}</i>\n"
        f"• In a group, write <code>/ask your question</code>, mention @{username}, or reply"
        " to one of my messages. With Telegram's privacy mode on (the default), I see only"
        " commands and replies to my messages in groups, not mentions: use /ask there, or ask"
        " an admin to turn privacy mode off or make me an admin.\n"
        f"• In any chat, type <code>@{username} your question</code> and pick an article to"
        " share its excerpt.\n\n"
        f"<b>Follow-ups</b>: within {CONVERSATION_TTL_S / 60:.0f} minutes, ask on"
        " (<i>and in 2023?</i>, <i>what did he say about Israel?</i>) or reply to one of my"
        " answers; I show how I understood the question. /new starts afresh.\n\n"
        "Under an answer: <b>More sources</b> pages through further citations, <b>Shorter</b>"
        " shows only the key sentences, <b>Sources</b> lists the cited articles.\n\n"
        f"In a message longer than {MAX_QUESTION_CHARS:,} characters I answer its last"
        " question.\n\n"
        "/sources: the articles I have read\n/about: corpus size and freshness"
    )
    await reply(update, context, text)


async def new_conversation(update: Update, context: Context) -> None:
    """/new: forget the user's previous questions in this chat; the next one stands alone."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    asking.start_over(context.services, message.chat_id, user.id)
    await reply(
        update,
        context,
        "OK, starting afresh: your next question stands on its own. (A reply to one of my"
        " earlier answers still follows up on it.)",
    )


async def sources(update: Update, context: Context) -> None:
    """/sources: the articles, newest first, a page at a time."""
    message = update.effective_message
    if message is None:
        return
    articles = await asyncio.to_thread(context.services.engine.articles)
    pieces = format_articles(articles, page=0, page_size=ARTICLES_PAGE_SIZE)
    pages = max(1, -(-len(articles) // ARTICLES_PAGE_SIZE))
    in_group = message.chat.type != ChatType.PRIVATE
    await send_pieces(
        context,
        message.chat_id,
        pieces,
        reply_to=message.message_id if in_group else None,
        keyboard=articles_keyboard(page=0, pages=pages),
    )


async def about(update: Update, context: Context) -> None:
    """/about: what the bot is, corpus size, newest article date and how many feeds it follows."""
    services = context.services
    stats_ = await asyncio.to_thread(services.engine.stats)
    feeds = None
    if services.follower is not None:
        feeds = len(await asyncio.to_thread(services.follower.feeds))
    pieces = format_about(stats_, bot_username=context.bot.username, feeds=feeds)
    await reply(update, context, pieces[0])


async def unknown_command(update: Update, context: Context) -> None:
    """An unknown /command in a private chat."""
    await reply(
        update, context, "I don't know that command. /help shows what I can do, or just ask."
    )


def is_admin_here(update: Update, services: Services) -> bool:
    """Whether the sender is a configured admin, writing in a private chat as themselves."""
    message = update.effective_message
    user = update.effective_user
    return (
        message is not None
        and user is not None
        and message.chat.type == ChatType.PRIVATE
        and message.sender_chat is None
        and user.id != ANONYMOUS_ADMIN_ID
        and user.id in services.settings.admin_ids
    )


async def refused_unless_admin(update: Update, context: Context, command: str) -> bool:
    """Refuse (and say so) unless the sender is a configured admin in a private chat."""
    if is_admin_here(update, context.services):
        return False
    context.services.counters["admin_refusals"] += 1
    await reply(update, context, _ADMIN_ONLY.format(command=command))
    return True


async def stats(update: Update, context: Context) -> None:
    """/stats (admins only): index statistics and the bot's counters."""
    if await refused_unless_admin(update, context, "stats"):
        return
    services = context.services
    index_stats = await asyncio.to_thread(services.engine.stats)
    counters = dict(services.counters)
    counters["cached_answers"] = len(services.answers)
    uptime = time.monotonic() - services.started
    for piece in format_stats(index_stats, counters=counters, uptime_s=uptime):
        await reply(update, context, piece)


async def reload(update: Update, context: Context) -> None:
    """/reload (admins only): re-ingest the seeds folder while searches use the old index."""
    if await refused_unless_admin(update, context, "reload"):
        return
    services = context.services
    if services.reload_lock.locked():
        await reply(update, context, "A reload is already running; I will report when done.")
        return
    async with services.reload_lock:
        seeds = services.settings.seeds_dir
        await reply(
            update,
            context,
            f"Reloading articles from <code>{html.escape(str(seeds))}</code>. I keep answering"
            " from the current index until the new one is ready.",
        )
        try:
            report = await asyncio.to_thread(services.engine.ingest, [seeds])
        except RetrievalError as exc:
            _LOGGER.exception("reload failed")
            await reply(
                update,
                context,
                f"Reload failed: {html.escape(str(exc))}\nThe previous index is still serving.",
            )
            return
    services.counters["reloads"] += 1
    _LOGGER.info("reload done: %s", describe_ingest(report))
    await reply(update, context, f"Reload done. {html.escape(describe_ingest(report))}")
