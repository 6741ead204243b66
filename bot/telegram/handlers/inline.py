"""Inline mode: ``@bot question`` in any chat offers the cited articles to share."""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from bot.telegram.render.formatting import format_inline_result
from bot.telegram.replies import EXAMPLE, NO_PREVIEW, Context
from retrieval import Answer, Citation, Question, RetrievalError, clean_question

__all__ = ["INLINE_CACHE_TIME", "INLINE_DEADLINE_S", "INLINE_RESULTS", "on_inline_query"]

_LOGGER = logging.getLogger(__name__)

INLINE_RESULTS = 10
INLINE_CACHE_TIME = 120
"""Seconds Telegram may reuse an inline answer; short, because /reload can change the corpus."""
INLINE_DEADLINE_S = 4.0
"""Telegram drops inline answers after about 10 s; give up well before."""


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
                    link_preview_options=NO_PREVIEW,
                ),
                url=citation.url,
            )
        )
        if len(results) == INLINE_RESULTS:
            break
    return results


def _inline_hint(username: str) -> InlineQueryResultArticle:
    example = html.escape(EXAMPLE)
    return InlineQueryResultArticle(
        id="hint",
        title="Type a question about the news",
        description=f"For example: @{username} {EXAMPLE}",
        input_message_content=InputTextMessageContent(
            f"Ask me about the news: type <code>@{html.escape(username)} {example}</code>"
            " in any chat and pick an article to share its excerpt.",
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
        ),
    )


async def on_inline_query(update: Update, context: Context) -> None:
    """``@bot question`` in any chat: up to 10 cited articles, or a hint for an empty query."""
    query = update.inline_query
    if query is None:
        return
    services = context.services
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
