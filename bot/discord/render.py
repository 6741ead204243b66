"""Answers, the article list, /about and /help as Discord messages, always within its limits.

Pure functions: they take what the engine returned and give the content, embeds and link
buttons of one message; ``bot.discord.buttons`` adds the action buttons. Every piece of
article or user text goes through ``bot.discord.text`` (markdown and mentions escaped), and
long text is cut to fit, never sent to be rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import discord

from bot.conversation import CONVERSATION_TTL_S
from bot.discord import text as t
from bot.follow_view import describe_following
from bot.view import (
    NOT_FOUND,
    PAGE_SIZE,
    Byline,
    CitationView,
    View,
    answer_view,
    format_date,
    page_count,
)
from retrieval import MAX_QUESTION_CHARS, Answer, ArticleInfo, IndexStats

__all__ = [
    "COLOR",
    "Drawn",
    "LinkButton",
    "draw_about",
    "draw_answer",
    "draw_articles",
    "draw_help",
    "draw_notice",
    "embeds_length",
]

COLOR = 0x2B6CB0
_NOT_FOUND_HINT = (
    "*Tip: name a person, place, organisation or event, and when it happened."
    " `/sources` lists the articles I have read.*"
)
_MAX_ALSO = 5
"""Other outlets named under one citation; the rest are counted."""


@dataclass(frozen=True, slots=True)
class LinkButton:
    """A button that opens ``url``."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Drawn:
    """One message: its content, embeds and link buttons, each within Discord's limits."""

    content: str = ""
    embeds: tuple[discord.Embed, ...] = ()
    links: tuple[LinkButton, ...] = field(default_factory=tuple)


def embeds_length(embeds: Sequence[discord.Embed]) -> int:
    """The characters Discord counts against its 6,000 per message."""
    total = 0
    for embed in embeds:
        total += t.length(embed.title or "") + t.length(embed.description or "")
        total += t.length(embed.footer.text or "") + t.length(embed.author.name or "")
        total += sum(t.length(f.name or "") + t.length(f.value or "") for f in embed.fields)
    return total


def draw_notice(text: str) -> Drawn:
    """A message of our own words (hints, refusals, errors), cut to the content limit."""
    return Drawn(
        content=text if t.length(text) <= t.MAX_CONTENT else t.fit_plain(text, t.MAX_CONTENT)
    )


def _truncation_note() -> str:
    return f"*Your question was long, so I read only its first {MAX_QUESTION_CHARS:,} characters.*"


def _not_found(answer: Answer, *, truncated: bool) -> Drawn:
    shown = answer_view(answer)
    lines = [f"**{shown.headline or NOT_FOUND}**"]
    if shown.refusal:
        lines.append(shown.refusal)
    lines.extend(f"*{t.safe(notice)}*" for notice in shown.notices)
    lines.append(_NOT_FOUND_HINT)
    if truncated:
        lines.append(_truncation_note())
    return draw_notice("\n".join(lines))


def _details(byline: Byline) -> str:
    """Outlet and date; the source name when both are unknown."""
    return byline.details or byline.source


def _byline_link(byline: Byline, limit: int) -> str:
    details = _details(byline)
    suffix = f" — {t.safe(details)}" if details else ""
    shown = t.link(byline.title, byline.url, max(1, limit - t.length(suffix)))
    return shown + suffix if t.length(shown + suffix) <= limit else t.fit(byline.title, limit)


def _also_reported(citation: CitationView) -> str:
    parts = [
        _byline_link(b, t.MAX_FIELD_VALUE // _MAX_ALSO - 4) for b in citation.also[:_MAX_ALSO]
    ]
    value = "; ".join(parts)
    if len(citation.also) > _MAX_ALSO:
        value += f"; and {len(citation.also) - _MAX_ALSO} more"
    return value[: t.MAX_FIELD_VALUE]


def _excerpt(citation: CitationView, limit: int, *, short: bool) -> str:
    """The excerpt with the key sentence in bold, cut around the key sentence to fit ``limit``."""
    key = citation.key.strip()
    if not key:
        return t.fit(citation.excerpt.strip(), limit)
    bold = f"**{t.fit(key, limit - 4)}**"
    if short or t.length(bold) >= limit:
        return bold
    lead = len(citation.key) - len(citation.key.lstrip())
    trail = len(citation.key) - len(citation.key.rstrip())
    before = (citation.before + citation.key[:lead]).lstrip()
    after = (citation.key[len(citation.key) - trail :] + citation.after).rstrip()
    room = limit - t.length(bold)
    tail = t.fit(after, room - min(room // 2, t.length(t.safe(before))))
    head = t.fit_tail(before, room - t.length(tail))
    return head + bold + tail


def _link_buttons(citations: Sequence[CitationView]) -> tuple[LinkButton, ...]:
    buttons = []
    for citation in citations:
        url = t.link_url(citation.byline.url)
        if url is None:
            continue
        name = citation.byline.publisher or urlsplit(url).netloc.removeprefix("www.")
        buttons.append(
            LinkButton(t.fit_plain(f"{citation.rank}. {name}", t.MAX_BUTTON_LABEL), url)
        )
    return tuple(buttons)


def _citation_embed(citation: CitationView) -> discord.Embed:
    """An embed without its description: title with link, footer, and who else reported it."""
    embed = discord.Embed(
        title=t.fit(f"[{citation.rank}] {citation.byline.title}", t.MAX_TITLE),
        url=t.link_url(citation.byline.url, limit=2048),
        colour=COLOR,
    )
    details = _details(citation.byline)
    if details:
        embed.set_footer(text=t.fit_plain(details, t.MAX_FOOTER))
    if citation.also:
        embed.add_field(name="Also reported by", value=_also_reported(citation), inline=False)
    return embed


def _share(needs: list[int], available: int) -> list[int]:
    """Split ``available`` characters between texts needing ``needs``: the short ones in full."""
    budgets = [0] * len(needs)
    left = max(0, available)
    order = sorted(range(len(needs)), key=lambda i: needs[i])
    for position, index in enumerate(order):
        fair = left // (len(needs) - position)
        budgets[index] = min(needs[index], fair, t.MAX_DESCRIPTION)
        left -= budgets[index]
    return budgets


def _shrink_to_total(embeds: list[discord.Embed]) -> None:
    """Last resort: shorten the longest description until the message fits 6,000."""
    while embeds_length(embeds) > t.MAX_TOTAL:
        longest = max(embeds, key=lambda e: t.length(e.description or ""))
        text = longest.description or ""
        if not text:
            raise ValueError("the embeds exceed Discord's total limit without descriptions")
        longest.description = text[: len(text) * 9 // 10].rstrip() + t.ELLIPSIS


def draw_answer(
    answer: Answer, *, view: View = View.EXCERPTS, page: int = 0, truncated: bool = False
) -> Drawn:
    """One page of an answer: an embed per citation (or one listing them), notes, links.

    Args:
        answer: What the engine returned; a refusal is drawn as "Not found" with no links.
        view: Excerpts with the key sentence in bold, key sentences only, or sources only.
        page: Zero-based page of citations (clamped to the last page).
        truncated: Say that only the first part of a long question was read.
    """
    if not answer.answered or not answer.citations:
        return _not_found(answer, truncated=truncated)
    shown_answer = answer_view(answer)
    citations = shown_answer.citations
    total = len(citations)
    notes = [f"*{t.safe(notice)}*" for notice in shown_answer.notices]
    if view is View.SOURCES:
        shown: Sequence[CitationView] = citations
        embeds = [_sources_embed(citations)]
    else:
        page = min(max(page, 0), page_count(answer) - 1)
        first = page * PAGE_SIZE
        shown = citations[first : first + PAGE_SIZE]
        embeds = [_citation_embed(c) for c in shown]
        fixed = embeds_length(embeds)
        needs = [t.length(_excerpt(c, t.MAX_DESCRIPTION, short=view is View.SHORT)) for c in shown]
        budgets = _share(needs, t.MAX_TOTAL - fixed)
        for embed, citation, budget in zip(embeds, shown, budgets, strict=True):
            embed.description = _excerpt(citation, budget, short=view is View.SHORT) or None
        if total > len(shown):
            notes.append(f"Sources {first + 1}–{first + len(shown)} of {total}.")
    if truncated:
        notes.append(_truncation_note())
    _shrink_to_total(embeds)
    return Drawn(
        content=draw_notice("\n".join(notes)).content,
        embeds=tuple(embeds[: t.MAX_EMBEDS]),
        links=_link_buttons(shown)[:10],
    )


def _sources_embed(citations: Sequence[CitationView]) -> discord.Embed:
    each = (t.MAX_DESCRIPTION - 100) // max(1, len(citations))
    lines = []
    for citation in citations:
        line = f"**[{citation.rank}]** {_byline_link(citation.byline, each // 2)}"
        if citation.also:
            others = ", ".join(_byline_link(b, each // 8) for b in citation.also[:3])
            line += f"\nAlso reported by: {others}"
        lines.append(line[:each])
    return discord.Embed(
        title=f"Sources for this answer ({len(citations)})",
        description="\n".join(lines),
        colour=COLOR,
    )


def draw_articles(articles: Sequence[ArticleInfo], *, page: int, page_size: int) -> Drawn:
    """One page of the article list: number, title with link, outlet and date."""
    if not articles:
        return draw_notice("No articles are indexed yet.")
    pages = max(1, -(-len(articles) // page_size))
    page = min(max(page, 0), pages - 1)
    first = page * page_size
    title = f"Articles I have read ({len(articles)})"
    if pages > 1:
        title += f", page {page + 1} of {pages}"
    each = t.MAX_DESCRIPTION // page_size - 2
    lines = []
    for number, article in enumerate(articles[first : first + page_size], start=first + 1):
        byline = Byline(article.title, article.url, article.publisher, article.published)
        lines.append(f"`{number}.` {_byline_link(byline, each - 6)}")
    embed = discord.Embed(title=title, description="\n".join(lines), colour=COLOR)
    return Drawn(embeds=(embed,))


def draw_about(
    stats: IndexStats,
    articles: Sequence[ArticleInfo],
    *,
    bot_name: str,
    feeds: int | None = None,
) -> Drawn:
    """/about: what the bot does, corpus size, the newest article, the outlets it reads, and
    how many news feeds it follows (``feeds``; None: not shown, no follower runs)."""
    embed = discord.Embed(
        title=t.fit(f"About {bot_name}", t.MAX_TITLE),
        description=(
            "I answer questions about news articles with excerpts quoted from them and links"
            " to the sources. I never write text of my own: every sentence I show comes from"
            " an article, and when the articles do not say it, I tell you."
        ),
        colour=COLOR,
    )
    embed.add_field(name="Articles", value=f"{stats.articles:,}")
    embed.add_field(name="Passages", value=f"{stats.passages:,}")
    newest = format_date(stats.newest) if stats.newest else "unknown"
    dated = [a for a in articles if a.published is not None]
    if dated:
        latest = max(dated, key=lambda a: a.published or stats.built_at.date())
        byline = Byline(latest.title, latest.url, latest.publisher, latest.published)
        newest = f"{newest}: {_byline_link(byline, t.MAX_FIELD_VALUE - 20)}"
    embed.add_field(name="Newest article", value=newest[: t.MAX_FIELD_VALUE], inline=False)
    outlets = sorted({a.publisher for a in articles if a.publisher})
    if outlets:
        listed = ", ".join(t.safe(name) for name in outlets[:20])
        if len(outlets) > 20:
            listed += f" and {len(outlets) - 20} more"
        embed.add_field(name="Outlets", value=listed[: t.MAX_FIELD_VALUE], inline=False)
    if feeds is not None:
        embed.add_field(name="News feeds", value=describe_following(feeds), inline=False)
    embed.set_footer(text="/sources lists the articles; /help shows how to ask.")
    return Drawn(embeds=(embed,))


def draw_help(*, bot_mention: str) -> Drawn:
    """/help: the ways to ask, and what the buttons under an answer do."""
    return draw_notice(
        "**How to ask**\n"
        "• `/ask question:` and your question, in a server channel or in a DM with me\n"
        f"• In a channel, mention me ({bot_mention} your question) or reply to one of my"
        " answers\n"
        "• In a DM, just send the question\n\n"
        f"**Follow-ups**: within {CONVERSATION_TTL_S / 60:.0f} minutes, ask on (*and in 2023?*,"
        " *what did he say about Israel?*) or reply to one of my answers; I show how I"
        " understood the question. `/new` starts afresh.\n\n"
        "Under an answer: **More sources** pages through further citations, **Shorter**"
        " shows only the key sentences, **Sources** lists the cited articles, and the link"
        " buttons open the articles.\n\n"
        f"Questions longer than {MAX_QUESTION_CHARS:,} characters are cut.\n"
        "`/sources`: the articles I have read · `/about`: corpus size and freshness"
    )
