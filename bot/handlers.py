"""Thin async handlers: a question in, the engine off the event loop, a formatted reply out."""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import time
from collections.abc import Sequence
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes

from bot.answer_store import StoredAnswer
from bot.callbacks import (
    ArticlesButton,
    answer_keyboard,
    articles_keyboard,
    parse_callback,
)
from bot.config import ANONYMOUS_ADMIN_ID
from bot.formatting import (
    View,
    format_about,
    format_answer,
    format_articles,
    format_inline_result,
    format_stats,
    page_count,
)
from bot.services import SERVICES_KEY, Services, get_services
from retrieval import (
    MAX_QUESTION_CHARS,
    Answer,
    Citation,
    Question,
    RetrievalError,
    clean_question,
)

__all__ = [
    "ADMIN_COMMANDS",
    "ANSWER_TOP_K",
    "ARTICLES_PAGE_SIZE",
    "INLINE_CACHE_TIME",
    "INLINE_RESULTS",
    "PUBLIC_COMMANDS",
    "about",
    "ask",
    "help_command",
    "on_button",
    "on_error",
    "on_group_message",
    "on_inline_query",
    "on_private_other",
    "on_private_text",
    "post_init",
    "reload",
    "sources",
    "start",
    "stats",
    "unknown_command",
]

_LOGGER = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

ANSWER_TOP_K = 9
"""Citations fetched per question: three pages of three."""
INLINE_RESULTS = 10
INLINE_CACHE_TIME = 120
"""Seconds Telegram may reuse an inline answer; short, because /reload can change the corpus."""
INLINE_DEADLINE_S = 4.0
"""Telegram drops inline answers after about 10 s; give up well before."""
ARTICLES_PAGE_SIZE = 10

PUBLIC_COMMANDS = (
    BotCommand("ask", "Ask a question about the news"),
    BotCommand("sources", "List the articles I have read"),
    BotCommand("about", "What I am and how many articles I know"),
    BotCommand("help", "How to ask, in private chats, groups and inline"),
    BotCommand("start", "Welcome and example questions"),
)
ADMIN_COMMANDS = (
    BotCommand("reload", "Admin: re-ingest the seeds folder without downtime"),
    BotCommand("stats", "Admin: index and bot statistics"),
)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_EXAMPLE = "Who did Putin give rings to?"
_EMPTY_HINT = (
    "Please ask a question in words, for example: <i>{example}</i>\n"
    "I answer with excerpts from the news articles I have read, with links to them."
)
_ASK_HINT = "Write your question after the command, for example: <code>/ask {example}</code>"
_MENTION_HINT = "Write your question after my name, for example: <i>@{username} {example}</i>"
_THROTTLED = (
    "You are asking faster than I can read, so I will skip the questions you send in the next"
    " {seconds} s. Please ask them again after that."
)
_ERROR_TEXT = (
    "Sorry, something went wrong while answering. Please try again in a minute;"
    " if it keeps happening, tell the bot's administrator."
)
_INDEX_UNAVAILABLE = (
    "Sorry, the article index is not available right now. Please try again in a few minutes."
)
_STALE_BUTTON = "This answer has expired (I keep only recent answers). Please ask again."
_FOREIGN_BUTTON = "Only the person who asked can use these buttons. Ask your own with /ask."
_ADMIN_ONLY = (
    "Sorry, /{command} is only for the bot's administrators, in a private chat with me."
    " Try /help to see what you can do."
)


# --- sending ---------------------------------------------------------------------------------


async def _send_pieces(
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
                link_preview_options=_NO_PREVIEW,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None and index == 0
                    else None
                ),
                reply_markup=keyboard if last else None,
            )
        )
    return sent


async def _reply(
    update: Update, context: Context, html_text: str, *, quote: bool | None = None
) -> None:
    """Reply with one HTML message; in groups it quotes the message being answered."""
    message = update.effective_message
    if message is None:
        return
    in_group = message.chat.type != ChatType.PRIVATE
    reply_to = message.message_id if (in_group if quote is None else quote) else None
    await _send_pieces(context, message.chat_id, [html_text], reply_to=reply_to)


async def _show_typing(context: Context, chat_id: int) -> None:
    """Show "typing…"; a failure here must not cost the user the answer."""
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:
        _LOGGER.debug("sendChatAction failed: %s", exc)


# --- questions -------------------------------------------------------------------------------


async def _answer_in_chat(update: Update, context: Context, raw: str, *, hint: str) -> None:
    """Answer one question in the chat it came from: throttle, clean, search, reply."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = get_services(context)
    in_group = message.chat.type != ChatType.PRIVATE
    reply_to = message.message_id if in_group else None

    verdict = services.throttle.check(user.id)
    if not verdict.allowed:
        services.counters["throttled"] += 1
        if verdict.warn:
            seconds = max(1, round(verdict.retry_after))
            await _reply(update, context, _THROTTLED.format(seconds=seconds))
        return

    question = clean_question(raw)
    if not question.usable:
        await _reply(update, context, hint)
        return

    services.counters["questions"] += 1
    work = asyncio.ensure_future(
        asyncio.to_thread(services.engine.answer, question.text, top_k=ANSWER_TOP_K)
    )
    if not in_group:
        # In groups a chat action counts against the same 20-messages-a-minute flood limit as
        # a reply (AIORateLimiter limits every request to a group): skipping it there doubles
        # the answers a busy group gets. The quoted reply shows whom the bot answers anyway.
        done, _ = await asyncio.wait({work}, timeout=services.typing_after)
        if not done:
            await _show_typing(context, message.chat_id)
    try:
        answer = await work
    except RetrievalError:
        _LOGGER.exception("the engine failed to answer a question")
        services.counters["engine_errors"] += 1
        await _reply(update, context, _INDEX_UNAVAILABLE)
        return

    services.counters["answered" if answer.answered else "not_found"] += 1
    pieces = format_answer(answer, truncated=question.truncated)
    keyboard = None
    if answer.answered and answer.citations:
        key = services.answers.put(
            StoredAnswer(answer, user.id, message.chat_id, truncated=question.truncated)
        )
        keyboard = answer_keyboard(key, view=View.EXCERPTS, page=0, pages=page_count(answer))
    await _send_pieces(context, message.chat_id, pieces, reply_to=reply_to, keyboard=keyboard)


def _empty_hint() -> str:
    return _EMPTY_HINT.format(example=html.escape(_EXAMPLE))


async def on_private_text(update: Update, context: Context) -> None:
    """Any text in a private chat is a question."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await _answer_in_chat(update, context, message.text, hint=_empty_hint())


async def ask(update: Update, context: Context) -> None:
    """/ask QUESTION, in private chats and groups (``/ask@thisbot`` too)."""
    message = update.effective_message
    if message is None:
        return
    question = _command_after(message)
    hint = _ASK_HINT.format(example=html.escape(_EXAMPLE))
    await _answer_in_chat(update, context, question, hint=hint)


def _command_after(message: Message) -> str:
    """The text after the leading command entity (offsets are UTF-16; commands are ASCII)."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[entity.length :]
    return text.partition(" ")[2]


def _mentions_me(message: Message, username: str) -> list[str]:
    """Return the mentions of ``@username`` in ``message`` (case-insensitive)."""
    wanted = "@" + username.lower()
    return [
        text
        for text in message.parse_entities([MessageEntity.MENTION]).values()
        if text.lower() == wanted
    ]


async def on_group_message(update: Update, context: Context) -> None:
    """In groups, answer messages that mention the bot or reply to it; ignore the rest."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    username = context.bot.username
    mentions = _mentions_me(message, username)
    replied = message.reply_to_message
    replies_to_me = (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == context.bot.id
    )
    if not mentions and not replies_to_me:
        return
    text = message.text
    for mention in mentions:
        text = text.replace(mention, " ")
    hint = _MENTION_HINT.format(username=html.escape(username), example=html.escape(_EXAMPLE))
    await _answer_in_chat(update, context, text, hint=hint)


async def on_private_other(update: Update, context: Context) -> None:
    """Stickers, photos and the like in a private chat: say what the bot can read."""
    await _reply(update, context, "I can only read questions written as text. " + _empty_hint())


async def unknown_command(update: Update, context: Context) -> None:
    """An unknown /command in a private chat."""
    await _reply(
        update, context, "I don't know that command. /help shows what I can do, or just ask."
    )


# --- commands --------------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """/start: welcome, how to ask, and recent headlines to ask about."""
    services = get_services(context)
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
        f"Just send me a question, for example: <i>{html.escape(_EXAMPLE)}</i>",
    ]
    if articles:
        lines += ["", "<b>Recent headlines you can ask about:</b>"]
        lines += [f"• {html.escape(article.title[:200])}" for article in articles[:3]]
    lines += ["", "/help shows more ways to ask; /sources lists every article."]
    await _reply(update, context, "\n".join(lines))


async def help_command(update: Update, context: Context) -> None:
    """/help: how to ask in private chats, in groups and inline."""
    username = html.escape(context.bot.username)
    example = html.escape(_EXAMPLE)
    text = (
        "<b>How to ask</b>\n"
        f"• In a private chat, send any question: <i>{example}</i>\n"
        f"• In a group, write <code>/ask your question</code>, mention @{username}, or reply"
        " to one of my messages.\n"
        f"• In any chat, type <code>@{username} your question</code> and pick an article to"
        " share its excerpt.\n\n"
        "Under an answer: <b>More sources</b> pages through further citations, <b>Shorter</b>"
        " shows only the key sentences, <b>Sources</b> lists the cited articles.\n\n"
        f"Questions longer than {MAX_QUESTION_CHARS:,} characters are cut.\n\n"
        "/sources: the articles I have read\n/about: corpus size and freshness"
    )
    await _reply(update, context, text)


async def sources(update: Update, context: Context) -> None:
    """/sources: the articles, newest first, a page at a time."""
    message = update.effective_message
    if message is None:
        return
    articles = await asyncio.to_thread(get_services(context).engine.articles)
    pieces = format_articles(articles, page=0, page_size=ARTICLES_PAGE_SIZE)
    pages = max(1, -(-len(articles) // ARTICLES_PAGE_SIZE))
    in_group = message.chat.type != ChatType.PRIVATE
    await _send_pieces(
        context,
        message.chat_id,
        pieces,
        reply_to=message.message_id if in_group else None,
        keyboard=articles_keyboard(page=0, pages=pages),
    )


async def about(update: Update, context: Context) -> None:
    """/about: what the bot is, corpus size and newest article date."""
    stats_ = await asyncio.to_thread(get_services(context).engine.stats)
    await _reply(update, context, format_about(stats_, bot_username=context.bot.username)[0])


def _admin_refusal(update: Update, context: Context, command: str) -> str | None:
    """Return a refusal unless the sender is a configured admin in a private chat."""
    services = get_services(context)
    message = update.effective_message
    user = update.effective_user
    allowed = (
        message is not None
        and user is not None
        and message.chat.type == ChatType.PRIVATE
        and message.sender_chat is None
        and user.id != ANONYMOUS_ADMIN_ID
        and user.id in services.settings.admin_ids
    )
    if allowed:
        return None
    services.counters["admin_refusals"] += 1
    return _ADMIN_ONLY.format(command=command)


async def stats(update: Update, context: Context) -> None:
    """/stats (admins only): index statistics and the bot's counters."""
    refusal = _admin_refusal(update, context, "stats")
    if refusal is not None:
        await _reply(update, context, refusal)
        return
    services = get_services(context)
    index_stats = await asyncio.to_thread(services.engine.stats)
    counters = dict(services.counters)
    counters["cached_answers"] = len(services.answers)
    uptime = time.monotonic() - services.started
    for piece in format_stats(index_stats, counters=counters, uptime_s=uptime):
        await _reply(update, context, piece)


async def reload(update: Update, context: Context) -> None:
    """/reload (admins only): re-ingest the seeds folder while searches use the old index."""
    refusal = _admin_refusal(update, context, "reload")
    if refusal is not None:
        await _reply(update, context, refusal)
        return
    services = get_services(context)
    if services.reload_lock.locked():
        await _reply(update, context, "A reload is already running; I will report when done.")
        return
    async with services.reload_lock:
        seeds = services.settings.seeds_dir
        await _reply(
            update,
            context,
            f"Reloading articles from <code>{html.escape(str(seeds))}</code>. I keep answering"
            " from the current index until the new one is ready.",
        )
        try:
            report = await asyncio.to_thread(services.engine.ingest, [seeds])
        except RetrievalError as exc:
            _LOGGER.exception("reload failed")
            await _reply(
                update,
                context,
                f"Reload failed: {html.escape(str(exc))}\nThe previous index is still serving.",
            )
            return
    services.counters["reloads"] += 1
    _LOGGER.info("reload done: %s", report.summary())
    await _reply(update, context, f"Reload done. {html.escape(report.summary())}")


# --- buttons ---------------------------------------------------------------------------------


async def on_button(update: Update, context: Context) -> None:
    """Buttons under answers and under /sources: edit the message to the chosen page or view."""
    query = update.callback_query
    if query is None:
        return
    services = get_services(context)
    target = parse_callback(query.data)
    message = query.message
    if target is None or not isinstance(message, Message):
        await query.answer(_STALE_BUTTON)
        return
    if not services.throttle.check(query.from_user.id).allowed:
        await query.answer("Too many presses; please wait a few seconds.")
        return

    if isinstance(target, ArticlesButton):
        articles = await asyncio.to_thread(services.engine.articles)
        pages = max(1, -(-len(articles) // ARTICLES_PAGE_SIZE))
        page = min(target.page, pages - 1)
        pieces = format_articles(articles, page=page, page_size=ARTICLES_PAGE_SIZE)
        await _edit_pieces(context, message, pieces, articles_keyboard(page=page, pages=pages))
        await query.answer()
        return

    stored = services.answers.get(target.key)
    if stored is None or stored.chat_id != message.chat_id:
        await query.answer(_STALE_BUTTON, show_alert=True)
        return
    if stored.user_id != query.from_user.id:
        await query.answer(_FOREIGN_BUTTON)
        return
    pages = page_count(stored.answer)
    page = min(target.page, pages - 1)
    pieces = format_answer(stored.answer, view=target.view, page=page, truncated=stored.truncated)
    keyboard = answer_keyboard(target.key, view=target.view, page=page, pages=pages)
    await _edit_pieces(context, message, pieces, keyboard)
    await query.answer()


async def _edit_pieces(
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
            link_preview_options=_NO_PREVIEW,
            reply_markup=keyboard if len(pieces) == 1 else None,
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
    if len(pieces) > 1:
        await _send_pieces(context, message.chat_id, pieces[1:], keyboard=keyboard)


# --- inline mode -----------------------------------------------------------------------------


def _result_id(citation: Citation) -> str:
    """A stable id (32 hex characters, well within 64 bytes) for one cited article."""
    digest = hashlib.sha256(f"{citation.source}\x00{citation.excerpt}".encode())
    return digest.hexdigest()[:32]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _inline_results(answer: Answer) -> list[InlineQueryResultArticle]:
    results: list[InlineQueryResultArticle] = []
    seen: set[str] = set()
    for citation in answer.citations:
        if citation.source in seen:
            continue
        seen.add(citation.source)
        results.append(
            InlineQueryResultArticle(
                id=_result_id(citation),
                title=_short(citation.title, 200),
                description=_short(citation.excerpt, 300),
                input_message_content=InputTextMessageContent(
                    format_inline_result(citation),
                    parse_mode=ParseMode.HTML,
                    link_preview_options=_NO_PREVIEW,
                ),
                url=citation.url,
            )
        )
        if len(results) == INLINE_RESULTS:
            break
    return results


def _inline_hint(username: str) -> InlineQueryResultArticle:
    example = html.escape(_EXAMPLE)
    return InlineQueryResultArticle(
        id="hint",
        title="Type a question about the news",
        description=f"For example: @{username} {_EXAMPLE}",
        input_message_content=InputTextMessageContent(
            f"Ask me about the news: type <code>@{html.escape(username)} {example}</code>"
            " in any chat and pick an article to share its excerpt.",
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
        ),
    )


async def on_inline_query(update: Update, context: Context) -> None:
    """``@bot question`` in any chat: up to 10 cited articles, or a hint for an empty query."""
    query = update.inline_query
    if query is None:
        return
    services = get_services(context)
    services.counters["inline_queries"] += 1
    question: Question = clean_question(query.query)
    help_button = InlineQueryResultsButton(text="How to ask", start_parameter="inline_help")
    if not question.usable:
        await query.answer(
            [_inline_hint(context.bot.username)],
            button=help_button,
            cache_time=INLINE_CACHE_TIME,
            is_personal=False,
        )
        return
    if not services.inline_throttle.check(query.from_user.id).allowed:
        await query.answer(
            [],
            button=InlineQueryResultsButton(
                text="Too many searches; wait a moment", start_parameter="inline_help"
            ),
            cache_time=0,
            is_personal=True,
        )
        return
    try:
        answer = await asyncio.wait_for(
            asyncio.to_thread(services.engine.answer, question.text, top_k=INLINE_RESULTS),
            timeout=INLINE_DEADLINE_S,
        )
    except (TimeoutError, RetrievalError):
        _LOGGER.exception("inline query could not be answered in time")
        await query.answer(
            [],
            button=InlineQueryResultsButton(
                text="Search unavailable; try again", start_parameter="inline_help"
            ),
            cache_time=0,
        )
        return
    results = _inline_results(answer) if answer.answered else []
    await query.answer(
        results,
        button=None
        if results
        else InlineQueryResultsButton(
            text="Not found in the articles; tap for tips", start_parameter="inline_help"
        ),
        cache_time=INLINE_CACHE_TIME,
        is_personal=False,
    )


# --- lifecycle and errors --------------------------------------------------------------------


async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the command menu: public commands for all, admin ones for admins' chats."""
    await application.bot.set_my_commands(PUBLIC_COMMANDS)
    services = application.bot_data.get(SERVICES_KEY)
    if not isinstance(services, Services):
        return
    for admin_id in sorted(services.settings.admin_ids):
        try:
            await application.bot.set_my_commands(
                PUBLIC_COMMANDS + ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id)
            )
        except TelegramError as exc:
            # Telegram refuses a chat scope until the admin has opened a chat with the bot.
            _LOGGER.warning("could not set admin commands for %d: %s", admin_id, exc)


async def on_error(update: object, context: Context) -> None:
    """Log any unhandled failure and tell the user, so the bot keeps serving."""
    _LOGGER.error("update %s failed", _describe(update), exc_info=context.error)
    try:
        services = get_services(context)
        services.counters["errors"] += 1
    except TypeError:
        pass
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(_ERROR_TEXT[:200])
        elif update.effective_message is not None and update.effective_chat is not None:
            await _reply(update, context, _ERROR_TEXT)
    except TelegramError as exc:
        _LOGGER.warning("could not tell the user about the failure: %s", exc)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        return f"update_id={update.update_id}"
    return type(update).__name__
