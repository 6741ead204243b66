"""Feeds and added pages as escaped Telegram HTML: the replies of /add and /feeds."""

from __future__ import annotations

from collections.abc import Sequence

from bot.follow_view import describe_feed
from bot.telegram.render.richtext import Block, Span, split_blocks
from bot.view import describe_ingest, format_date
from retrieval import AddReport, FeedRecord, PageResult

__all__ = ["format_added", "format_feeds"]

_STATUS = {
    "added": "Added",
    "replaced": "Updated",
    "unchanged": "Already up to date",
    "skipped": "Skipped",
}
FEEDS_HELP = (
    "Follow a feed: /feeds add URL [every], e.g. /feeds add https://example.com/rss 30m\n"
    "Stop: /feeds remove URL, or the buttons below."
)


def _page_block(page: PageResult) -> Block:
    status = Span(f"{_STATUS.get(page.status, page.status)}: ", bold=True)
    if page.status == "skipped":
        return (status, Span(page.url), Span(f"\n{page.reason}", italic=True))
    date_text = format_date(page.published) if page.published else "undated"
    return (status, Span(page.title or page.url, href=page.source), Span(f" — {date_text}"))


def format_added(report: AddReport) -> list[str]:
    """The reply to /add: one paragraph per URL (title linked, date), then the ingest line."""
    blocks: list[Block] = [_page_block(page) for page in report.pages]
    blocks.append((Span(describe_ingest(report.ingest), italic=True),))
    return split_blocks(blocks)


def format_feeds(feeds: Sequence[FeedRecord]) -> list[str]:
    """The reply to /feeds: every feed with its interval, checks, items and last error."""
    if not feeds:
        return split_blocks(
            [(Span("I follow no feeds yet.", bold=True),), (Span(FEEDS_HELP, italic=True),)]
        )
    blocks: list[Block] = [(Span(f"Feeds I follow ({len(feeds)}):", bold=True),)]
    for number, feed in enumerate(feeds, start=1):
        facts = describe_feed(feed)
        blocks.append(
            (
                Span(f"{number}. ", bold=True),
                Span(feed.title or feed.url, href=feed.url),
                Span("\n" + feed.url if feed.title else ""),
                Span("\n" + " · ".join(facts[1:])),
            )
        )
    blocks.append((Span(FEEDS_HELP, italic=True),))
    return split_blocks(blocks)
