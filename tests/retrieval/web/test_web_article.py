"""Pages and feed items become Articles keyed by canonical URL, hashed by what they show."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from retrieval.errors import UnusableArticleError
from retrieval.ingest.page import PageArticle, read_page
from retrieval.web.feeds import FeedItem
from retrieval.web.web_article import article_from_item, article_from_page
from tests.support.news_site import PAGES_DIR

STORY = (
    "The ferry terminal at Port Alder closed on Thursday after a storm surge flooded the ramps.",
    "Engineers expect the ramps to be refloated by Saturday morning, the harbour authority said.",
)
PAGE = PageArticle(
    url="https://herald.example/news/ferry",
    fetched_url="http://feeds.herald.example/~r/ferry?utm_source=rss",
    title="Ferry terminal shut",
    site_name="The Harbour Herald",
    authors=("Maria Keane", "Sam Ortiz"),
    published=date(2024, 3, 14),
    paragraphs=STORY,
)
ITEM = FeedItem(
    title="Ferry terminal shut by storm",
    link="https://herald.example/news/ferry",
    published=datetime(2024, 3, 13, 22, 0, tzinfo=UTC),
    summary="Ferries are cancelled.",
    content=None,
    author="Maria Keane",
)


def test_a_page_is_keyed_and_linked_by_its_canonical_url_and_remembers_where_it_came_from() -> (
    None
):
    article = article_from_page(PAGE)
    assert (article.source, article.url, article.origin) == (
        PAGE.url,
        PAGE.url,
        PAGE.fetched_url,
    )
    assert (article.title, article.publisher, article.byline, article.published) == (
        "Ferry terminal shut",
        "The Harbour Herald",
        "Maria Keane, Sam Ortiz",
        date(2024, 3, 14),
    )
    assert article.text == "\n\n".join(STORY)


def test_the_feed_item_fills_what_the_page_does_not_say() -> None:
    bare = replace(PAGE, title=None, published=None)
    article = article_from_page(bare, item=ITEM)
    assert (article.title, article.published) == (ITEM.title, date(2024, 3, 13))


def test_a_feed_text_much_longer_than_the_page_replaces_a_teaser() -> None:
    story = " ".join(f"Paragraph {n} of the whole story about the ferry." for n in range(40))
    article = article_from_page(
        replace(PAGE, paragraphs=STORY[:1]), item=replace(ITEM, content=story)
    )
    assert article.text == story and article.source == PAGE.url


def test_the_content_hash_follows_what_is_shown_not_the_markup() -> None:
    html = (PAGES_DIR / "ferry-storm.html").read_text(encoding="utf-8")
    first = article_from_page(read_page(html, url="http://127.0.0.1:1/news/ferry-storm"))
    noisy = html.replace("</body>", "<script>var ad = 'rotated';</script></body>")
    second = article_from_page(read_page(noisy, url="http://127.0.0.1:1/news/ferry-storm"))
    assert first.content_hash == second.content_hash
    changed = article_from_page(replace(PAGE, paragraphs=(STORY[0], "The ramps reopened.")))
    assert changed.content_hash != article_from_page(PAGE).content_hash


def test_a_full_text_item_is_an_article_of_its_own_publisher() -> None:
    item = replace(ITEM, content="\n\n".join(STORY))
    article = article_from_item(item, feed_title="The Harbour Herald - News")
    assert (article.source, article.publisher, article.byline) == (
        item.link,
        "The Harbour Herald",
        "Maria Keane",
    )


def test_no_story_is_unusable() -> None:
    with pytest.raises(UnusableArticleError):
        article_from_page(replace(PAGE, paragraphs=()))
    with pytest.raises(UnusableArticleError):
        article_from_item(ITEM, feed_title=None)
