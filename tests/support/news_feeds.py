"""Markup for the test news site: RSS 2.0, Atom and RDF feeds, a front page and story pages.

Modelled on what outlets publish: WordPress-style RSS with ``content:encoded`` and a "The post
... appeared first on ..." footer, Atom with relative links resolved through ``xml:base``,
RSS 1.0 (RDF) with Dublin Core dates, and article pages with JSON-LD and OpenGraph.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.support.news_site import Story

SITE_NAME = "The Harbour Herald"


def render_rss(stories: Sequence[Story], base_url: str, *, full: bool = False) -> str:
    """An RSS 2.0 feed of ``stories``; ``full`` adds each story's text as content:encoded."""
    items = []
    for story in stories:
        link = f"{base_url}/news/{story.slug}"
        content = ""
        if full:
            paragraphs = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
            footer = (
                f'<p>The post <a href="{link}">{escape(story.title)}</a> appeared first on '
                f'<a href="{base_url}/">{SITE_NAME}</a>.</p>'
            )
            content = f"<content:encoded><![CDATA[{paragraphs}{footer}]]></content:encoded>"
        items.append(
            f"""<item>
  <title>{escape(story.title)}</title>
  <link>{link}</link>
  <guid isPermaLink="true">{link}</guid>
  <pubDate>{format_datetime(story.published, usegmt=True)}</pubDate>
  <dc:creator><![CDATA[{story.author}]]></dc:creator>
  <category><![CDATA[News]]></category>
  <description><![CDATA[<p>{escape(story.summary)}</p>]]></description>
  {content}
</item>"""
        )
    newest = max((s.modified for s in stories), default=None)
    built = format_datetime(newest, usegmt=True) if newest else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>{SITE_NAME} - News</title>
  <atom:link href="{base_url}/feeds/rss.xml" rel="self" type="application/rss+xml"/>
  <link>{base_url}/</link>
  <description>News from the harbour and the islands</description>
  <lastBuildDate>{built}</lastBuildDate>
  <language>en-GB</language>
  <generator>https://wordpress.org/?v=6.4.3</generator>
  {"".join(items)}
</channel>
</rss>
"""


def render_atom(stories: Sequence[Story], base_url: str) -> str:
    """An Atom feed of ``stories`` with full text; entry links are relative (``xml:base``)."""
    entries = []
    for story in stories:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
        entries.append(
            f"""<entry>
  <id>tag:harbourherald.example,2024:{story.slug}</id>
  <title type="text">{escape(story.title)}</title>
  <link rel="alternate" type="text/html" href="news/{story.slug}"/>
  <published>{story.published.isoformat()}</published>
  <updated>{story.modified.isoformat()}</updated>
  <author><name>{escape(story.author)}</name></author>
  <summary type="html">{escape(f"<p>{escape(story.summary)}</p>")}</summary>
  <content type="html">{escape(paragraphs)}</content>
</entry>"""
        )
    newest = max((s.modified for s in stories), default=None)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base_url}/" xml:lang="en">
  <id>tag:harbourherald.example,2024:feed</id>
  <title>{SITE_NAME}</title>
  <link rel="self" href="{base_url}/feeds/atom.xml"/>
  <link rel="alternate" href="{base_url}/"/>
  <updated>{newest.isoformat() if newest else ""}</updated>
  {"".join(entries)}
</feed>
"""


def render_rdf(stories: Sequence[Story], base_url: str) -> str:
    """An RSS 1.0 (RDF) feed of ``stories`` with Dublin Core dates."""
    seq = "".join(f'<rdf:li rdf:resource="{base_url}/news/{s.slug}"/>' for s in stories)
    items = "".join(
        f"""<item rdf:about="{base_url}/news/{s.slug}">
  <title>{escape(s.title)}</title>
  <link>{base_url}/news/{s.slug}</link>
  <description>{escape(s.summary)}</description>
  <dc:date>{s.published.isoformat()}</dc:date>
  <dc:creator>{escape(s.author)}</dc:creator>
</item>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base_url}/feeds/rdf.xml">
  <title>{SITE_NAME} (RDF)</title>
  <link>{base_url}/</link>
  <description>News from the harbour and the islands</description>
  <items><rdf:Seq>{seq}</rdf:Seq></items>
</channel>
{items}
</rdf:RDF>
"""


def render_front_page(stories: Sequence[Story]) -> str:
    """The home page: teasers and the feeds' ``<link rel="alternate">`` tags."""
    teasers = "".join(
        f'<li><a href="/news/{s.slug}">{escape(s.title)}</a><p>{escape(s.summary)}</p></li>'
        for s in stories
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{SITE_NAME} - News from the coast</title>
<link rel="alternate" type="application/rss+xml" title="News" href="/feeds/rss.xml">
<link rel="alternate" type="application/atom+xml" title="News (Atom)" href="/feeds/atom.xml">
<link rel="alternate" type="application/rss+xml" title="Duplicate" href="/feeds/rss.xml">
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><a href="/">{SITE_NAME}</a></header><main><h1>Latest news</h1><ul>{teasers}</ul>
</main><footer>&copy; 2024 {SITE_NAME}</footer></body></html>
"""


def render_story_page(story: Story) -> str:
    """A story page the way a WordPress news theme marks it up (JSON-LD, OpenGraph, byline)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": story.published.isoformat(),
        "dateModified": story.modified.isoformat(),
        "author": {"@type": "Person", "name": story.author},
        "publisher": {"@type": "NewsMediaOrganization", "name": SITE_NAME},
    }
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{escape(story.title)} | {SITE_NAME}</title>
<link rel="canonical" href="/news/{story.slug}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{escape(story.title)}">
<meta property="article:published_time" content="{story.published.isoformat()}">
<script type="application/ld+json">{json.dumps(data)}</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<article><h1>{escape(story.title)}</h1>
<p class="byline">By {escape(story.author)}
<time datetime="{story.published.isoformat()}">{story.published:%d %B %Y}</time></p>
<div class="entry-content">
{paragraphs}
<p>Sign up for our free newsletter to get the day's top stories in your inbox.</p>
</div></article>
<aside class="related"><h2>Related stories</h2>
<ul><li><a href="/news/x">Elsewhere</a></li></ul></aside>
<footer>&copy; 2024 {SITE_NAME}</footer>
</body></html>
"""
