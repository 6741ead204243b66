"""Pure functions that turn answers and corpus facts into escaped HTML within Telegram's limits."""

from __future__ import annotations

from collections.abc import Sequence

from bot.follow_view import describe_following
from bot.telegram.render.richtext import MESSAGE_LIMIT, Block, Span, split_blocks, tg_len
from bot.view import (
    NOT_FOUND,
    PAGE_SIZE,
    Byline,
    CitationView,
    View,
    answer_view,
    format_date,
    page_count,
    truncation_note,
)
from retrieval import Answer, ArticleInfo, Citation, IndexStats

__all__ = [
    "PAGE_SIZE",
    "View",
    "format_about",
    "format_answer",
    "format_articles",
    "format_date",
    "format_inline_result",
    "format_not_found",
    "format_stats",
    "page_count",
]

_NOT_FOUND_HINT = (
    "Tip: name a person, place, organisation or event, and when it happened."
    " /sources lists the articles I have read."
)


def _byline(byline: Byline) -> list[Span]:
    """The title (linked when there is a URL), outlet and date of one article."""
    spans = [Span(byline.title, href=byline.url)]
    if byline.details:
        spans.append(Span(" — " + byline.details))
    return spans


def _also_reported(citation: CitationView) -> list[Span]:
    if not citation.also:
        return []
    spans: list[Span] = [Span("\nAlso reported by: ", italic=True)]
    for index, byline in enumerate(citation.also):
        if index:
            spans.append(Span("; "))
        spans.extend(_byline(byline))
    return spans


def _excerpt_spans(citation: CitationView) -> list[Span]:
    if not citation.key:
        return [Span(citation.excerpt)]
    return [Span(citation.before), Span(citation.key, bold=True), Span(citation.after)]


def _citation_block(citation: CitationView, view: View) -> Block:
    number = Span(f"[{citation.rank}] ", bold=True)
    if view is View.SHORT:
        return (
            number,
            Span(citation.key or citation.excerpt),
            Span("\n— "),
            *_byline(citation.byline),
        )
    if view is View.SOURCES:
        return (number, *_byline(citation.byline), *_also_reported(citation))
    return (
        number,
        *_excerpt_spans(citation),
        Span("\n— "),
        *_byline(citation.byline),
        *_also_reported(citation),
    )


def format_not_found(answer: Answer, *, truncated: bool = False) -> list[str]:
    """Render a "not found in the articles" reply with a hint on what to try next."""
    shown = answer_view(answer)
    blocks: list[Block] = [(Span(shown.headline or NOT_FOUND, bold=True),)]
    detail = shown.refusal
    if detail:
        blocks.append((Span(detail),))
    if shown.notices:
        blocks.append((Span(" ".join(shown.notices), italic=True),))
    blocks.append((Span(_NOT_FOUND_HINT, italic=True),))
    if truncated and not answer.truncated:
        blocks.append((Span(truncation_note(answer.question), italic=True),))
    return split_blocks(blocks)


def format_answer(
    answer: Answer,
    *,
    view: View = View.EXCERPTS,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    truncated: bool = False,
    limit: int = MESSAGE_LIMIT,
) -> list[str]:
    """Render one page of an answer as HTML messages.

    Args:
        answer: What the engine returned.
        view: Excerpts with the key sentence in bold, key sentences only, or sources only.
        page: Zero-based page of citations to show (clamped to the last page).
        page_size: Citations per page; the SOURCES view lists every citation on one page.
        truncated: Say that only the first part of a long question was read.
        limit: Maximum visible length of one message.

    Returns:
        One or more HTML messages, each within ``limit``; the caller sends them in order.
    """
    if not answer.answered or not answer.citations:
        return format_not_found(answer, truncated=truncated)
    total = len(answer.citations)
    shown_answer = answer_view(answer)
    citations, notices = shown_answer.citations, shown_answer.notices
    if view is View.SOURCES:
        shown: Sequence[CitationView] = citations
        first = 0
    else:
        page = min(max(page, 0), page_count(answer, page_size=page_size) - 1)
        first = page * page_size
        shown = citations[first : first + page_size]
    blocks: list[Block] = []
    if view is View.SOURCES:
        blocks.append((Span(f"Sources for this answer ({total}):", bold=True),))
    blocks.extend(_citation_block(citation, view) for citation in shown)
    footer: list[Span] = []
    if notices:
        footer.append(Span(" ".join(notices), italic=True))
    if view is not View.SOURCES and total > len(shown):
        last = first + len(shown)
        prefix = "\n" if footer else ""
        footer.append(Span(f"{prefix}Sources {first + 1}–{last} of {total}."))
    if footer:
        blocks.append(tuple(footer))
    if truncated and not answer.truncated:  # else the notices above say it
        blocks.append((Span(truncation_note(answer.question), italic=True),))
    return split_blocks(blocks, limit=limit)


def format_inline_result(citation: Citation, *, limit: int = MESSAGE_LIMIT) -> str:
    """Render one citation as the message an inline result sends: the excerpt with its key
    sentence in bold, then the article's title, outlet, date and link.

    An excerpt too long for one message is replaced by its key sentence.
    """
    shown = answer_view(Answer("", citations=(citation,))).citations[0]
    body: list[Span] = _excerpt_spans(shown)
    if tg_len(shown.excerpt) > limit // 2:
        body = [Span("…"), Span(shown.key[: limit // 2], bold=True), Span("…")]
    block = (*body, Span("\n— "), *_byline(shown.byline))
    return split_blocks([block], limit=limit)[0]


def format_articles(articles: Sequence[ArticleInfo], *, page: int, page_size: int) -> list[str]:
    """Render one page of the article list: number, title with link, outlet and date."""
    if not articles:
        return split_blocks([(Span("No articles are indexed yet."),)])
    pages = max(1, -(-len(articles) // page_size))
    page = min(max(page, 0), pages - 1)
    first = page * page_size
    shown = articles[first : first + page_size]
    header = f"Articles I have read ({len(articles)})"
    if pages > 1:
        header += f", page {page + 1} of {pages}"
    lines: list[Span] = [Span(header + ":", bold=True)]
    for number, article in enumerate(shown, start=first + 1):
        byline = Byline(article.title, article.url, article.publisher, article.published)
        lines.append(Span(f"\n{number}. "))
        lines.extend(_byline(byline))
    return split_blocks([tuple(lines)])


def format_about(stats: IndexStats, *, bot_username: str, feeds: int | None = None) -> list[str]:
    """Render /about: what the bot does, how big the corpus is, how fresh, how many feeds."""
    newest = format_date(stats.newest) if stats.newest else "unknown"
    following = ""
    if feeds is not None:
        following = "\n" + describe_following(feeds)
    blocks: list[Block] = [
        (
            Span(f"@{bot_username}", bold=True),
            Span(
                " answers questions about news articles with excerpts quoted from them and"
                " links to the sources. It never writes its own text: every sentence it shows"
                " comes from an article."
            ),
        ),
        (
            Span(
                f"Corpus: {stats.articles:,} articles, {stats.passages:,} passages."
                f"\nNewest article: {newest}.{following}"
            ),
        ),
        (Span("/sources lists the articles; /help shows how to ask.", italic=True),),
    ]
    return split_blocks(blocks)


def format_stats(stats: IndexStats, *, counters: dict[str, int], uptime_s: float) -> list[str]:
    """Render the admin /stats reply: index facts and the bot's own counters."""
    newest = format_date(stats.newest) if stats.newest else "unknown"
    oldest = format_date(stats.oldest) if stats.oldest else "unknown"
    lines = [
        f"Articles: {stats.articles:,}",
        f"Passages: {stats.passages:,}",
        f"Dates: {oldest} – {newest}",
        f"Generation: {stats.generation}",
        f"Model: {stats.model}",
        f"Index: {stats.index_kind}",
        f"Built: {stats.built_at.isoformat(timespec='seconds')}",
        f"Uptime: {int(uptime_s) // 3600}h {int(uptime_s) % 3600 // 60}m",
    ]
    lines.extend(
        f"{name.replace('_', ' ').capitalize()}: {value:,}"
        for name, value in sorted(counters.items())
    )
    return split_blocks(
        [(Span("Index and bot statistics", bold=True),), (Span("\n".join(lines)),)]
    )
