"""HTML files are read like fetched pages: clean titles, publisher, byline, no furniture."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from retrieval.errors import UnusableArticleError
from retrieval.ingest.html import parse_html_article
from retrieval.ingest.load import load_articles
from tests.support.news_site import PAGES_DIR

STORY = (
    "<p>The ferry terminal at Port Alder closed on Thursday after a storm surge flooded the "
    "car deck ramps, the harbour authority said.</p>"
    "<p>Engineers expect the ramps to be refloated by Saturday morning.</p>"
)


def page(head: str, body: str = STORY) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head>"
        f"<body><article><h1>Ferry terminal shut</h1>{body}"
        "<p>Sign up for our free newsletter to get the day's top stories.</p></article>"
        "<aside class='related'><h2>Related stories</h2><ul><li><a href='/x'>Elsewhere "
        "story about something else entirely</a></li></ul></aside></body></html>"
    )


def test_a_saved_page_gets_title_without_site_publisher_byline_and_date() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Ferry terminal shut",
        "datePublished": "2024-03-14T06:45:00Z",
        "author": {"@type": "Person", "name": "Maria Keane"},
        "publisher": {"@type": "Organization", "name": "The Harbour Herald"},
    }
    head = (
        "<title>Ferry terminal shut | The Harbour Herald</title>"
        '<link rel="canonical" href="https://herald.example/news/ferry">'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    )
    article = parse_html_article(page(head), source="ferry.html", content_hash="h")
    assert (article.title, article.publisher, article.byline, article.published) == (
        "Ferry terminal shut",
        "The Harbour Herald",
        "Maria Keane",
        date(2024, 3, 14),
    )
    assert article.url == "https://herald.example/news/ferry"
    assert article.source == "ferry.html" and article.content_hash == "h"
    assert article.text.startswith("The ferry terminal at Port Alder closed")
    assert "newsletter" not in article.text and "Elsewhere" not in article.text


def test_a_page_without_a_web_address_has_no_link() -> None:
    article = parse_html_article(
        page("<title>Ferry terminal shut</title>"), source="a.html", content_hash="h"
    )
    assert article.url is None
    assert article.title == "Ferry terminal shut"


@pytest.mark.parametrize("html", ["", "<html><body><script>x()</script></body></html>"])
def test_a_page_without_a_story_is_unusable(html: str) -> None:
    with pytest.raises(UnusableArticleError, match="no article text"):
        parse_html_article(html, source="a.html", content_hash="h")


def test_the_test_sites_pages_ingest_as_files_with_their_metadata(tmp_path: Path) -> None:
    for name in ("ferry-storm", "council-budget", "museum-reopens"):
        (tmp_path / f"{name}.html").write_bytes((PAGES_DIR / f"{name}.html").read_bytes())
    result = load_articles([tmp_path])
    assert result.skipped == ()
    for article in result.articles:
        assert article.publisher and article.published and article.byline, article
        assert not article.title.endswith(article.publisher)  # no " | Outlet" suffix
